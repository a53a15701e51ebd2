"""Issue 20.6: the family is emailed, in its language, once, when its child starts or changes a tier 2 or 3 support."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mtss import notify, services
from mtss.models import FamilyNotice
from tests.factories.mtss import InterventionFactory, SupportPlanFactory
from tests.factories.roster import GuardianshipFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_a_spanish_reading_parent_is_emailed_once_in_spanish(school, teacher, guardian, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    kid = StudentFactory(school=school)
    GuardianshipFactory(guardian=guardian, student=kid)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.start_plan(
            student=kid, by=teacher, intervention=InterventionFactory(district=school.district, sessions_per_week=3),
            tier=2, interventionist=teacher, start_date=today, review_date=today + timedelta(weeks=6),
            statement="Read 80 wcpm", unit="wcpm", baseline=Decimal(50), target=Decimal(80),
            target_date=today + timedelta(weeks=12), minimum=Decimal(0), maximum=Decimal(200), whole_numbers=True,
            reason="Fall screening")
    assert [m.to for m in mailoutbox] == [[guardian.email]]
    assert mailoutbox[0].subject == f"Ayuda adicional para {kid.display_name} en la escuela"
    assert "3 veces por semana" in mailoutbox[0].body and f"/portal/children/{kid.uuid}/extra-help/" in mailoutbox[0].body
    assert notify.send_family_notices(plan_id=plan.pk) == 0  # sent once (T8.4)
    assert notify.sweep_outbox() == 0


def test_a_team_decision_that_intensifies_tells_the_family(school, teacher, guardian, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    plan = SupportPlanFactory(student=StudentFactory(school=school), interventionist=teacher)
    GuardianshipFactory(guardian=guardian, student=plan.student)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(student=plan.student, area="reading", met_on=timezone.localdate(), kind="intensify",
                                 data="flat results", next_review=timezone.localdate() + timedelta(weeks=4), by=teacher)
    plan.refresh_from_db()
    assert plan.tier == 3
    assert FamilyNotice.objects.get().change == "changed" and len(mailoutbox) == 1
    assert "Tier 3" in mailoutbox[0].body
