from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from axes.signals import user_locked_out

        user_logged_in.connect(start_session_clock, dispatch_uid="accounts.start_session_clock")
        user_locked_out.connect(account_locked_out, dispatch_uid="accounts.account_locked_out")


def start_session_clock(sender, request, user, **kwargs) -> None:
    """The 12-hour limit counts from signing in (config.middleware.SessionTimeoutMiddleware)."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["signed_in_at"] = request.session["last_seen"] = int(time.time())


def account_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """axes refused or locked a sign-in: the owner of a known account hears about it once (T5.2)."""
    from .lockouts import record_lockout

    record_lockout(username=username, ip_address=ip_address)
