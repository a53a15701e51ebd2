from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Privacy duties"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (departures are recorded when a student leaves)
