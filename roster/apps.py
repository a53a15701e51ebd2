from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "roster"
    verbose_name = "Roster"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .two_factor import remember_state_at_sign_in

        user_logged_in.connect(remember_state_at_sign_in, dispatch_uid="roster.two_factor_state")
