from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from accounts.signals import password_sign_in

        from .policy import refuse_password_when_sso_required

        password_sign_in.connect(refuse_password_when_sso_required, dispatch_uid="sso.password_policy")
