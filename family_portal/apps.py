from django.apps import AppConfig


class FamilyPortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "family_portal"
    verbose_name = "Family portal"

    def ready(self) -> None:
        from . import start_page  # noqa: F401  (registers its part of the staff start page)
