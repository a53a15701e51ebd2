from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "paths"
    verbose_name = _("Learning paths and flexible learning")

    def ready(self) -> None:
        from . import start_page  # noqa: F401  (registers its part of the staff start page)
        # competencies tells us when mastery changes (a lower app's signal); paths listens, never polls.
        from competencies.models import Mastery
        from competencies.signals import mastery_changed, mastery_changed_in_bulk

        from .receivers import advance_on_mastery, advance_on_mastery_in_bulk

        mastery_changed.connect(advance_on_mastery, sender=Mastery, dispatch_uid="paths.advance_on_mastery")
        mastery_changed_in_bulk.connect(advance_on_mastery_in_bulk, sender=Mastery, dispatch_uid="paths.advance_on_mastery_in_bulk")
