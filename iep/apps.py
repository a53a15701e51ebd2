from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IepConfig(AppConfig):
    name = "iep"
    verbose_name = _("IEP team")

    def ready(self) -> None:
        from . import start_page  # noqa: F401  (registers its part of the staff start page)
