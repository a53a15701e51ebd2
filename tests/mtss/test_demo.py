"""The demo district shows MTSS (issue 20): screening, a tier 2 and a tier 3 student with weeks of data, a team
meeting and a referral in progress; seeding twice adds nothing."""

import io

import pytest
from django.core.management import call_command

from iep.status import Status
from mtss import selectors
from mtss.models import Decision, MonitoringResult, Referral, ScreeningResult, Session, SupportPlan, TierChange

pytestmark = pytest.mark.django_db


def test_the_demo_district_walks_a_student_from_screening_to_referral(demo):
    assert ScreeningResult.objects.count() == 180
    tier2 = SupportPlan.objects.get(student__sourced_id="demo-student-02", is_active=True)
    tier3 = SupportPlan.objects.get(student__sourced_id="demo-student-03", is_active=True)
    assert (tier2.tier, tier3.tier) == (2, 3)
    assert tier2.points.count() >= 6 and tier3.sessions.filter(delivered=False).exists()
    assert selectors.plan_progress(tier2).status.status == Status.ON_TRACK
    assert selectors.plan_progress(tier3).status.status == Status.NOT_ON_TRACK  # flagged by the decision rule
    assert [c.tier for c in TierChange.objects.filter(student=tier3.student).order_by("changed_at")] == [2, 3]
    assert Referral.objects.filter(student__sourced_id="demo-student-00").exists()  # Maya's, before her IEP
    referral = Referral.objects.get(student=tier3.student)
    assert (referral.evaluation_due - referral.consent_on).days == 60
    assert Decision.objects.filter(kind=Decision.Kind.REFER, student=tier3.student).exists()
    counts = [m.objects.count() for m in (ScreeningResult, SupportPlan, MonitoringResult, Session, TierChange, Decision)]
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    assert [m.objects.count() for m in (ScreeningResult, SupportPlan, MonitoringResult, Session, TierChange,
                                        Decision)] == counts
