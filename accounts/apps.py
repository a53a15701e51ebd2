from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(start_session_clock, dispatch_uid="accounts.start_session_clock")


def start_session_clock(sender, request, user, **kwargs) -> None:
    """The 12-hour limit counts from signing in (config.middleware.SessionTimeoutMiddleware)."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["signed_in_at"] = request.session["last_seen"] = int(time.time())
