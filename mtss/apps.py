from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MtssConfig(AppConfig):
    name = "mtss"
    verbose_name = _("Tiered supports (MTSS)")

    def ready(self) -> None:
        from iep import deadline_sources
        from paths import group_sources

        from .deadlines import evaluations_due
        from .groups import support_groups

        # The evaluation a referral starts is shown where the IEP team already looks for its deadlines.
        deadline_sources.register("mtss-evaluations", evaluations_due)
        # Students of a class on the same intervention are offered as a small group on the class's page.
        group_sources.register("mtss-support-plans", support_groups)
