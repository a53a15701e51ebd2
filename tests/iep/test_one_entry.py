""""One entry serves both" (issue #6, item 2): a progress point can also be recorded as evidence on the goal's
linked competencies, and evidence on them is offered as a point, so nobody types the same result twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies.models import Evidence, Mastery
from iep import services
from iep.models import ProgressPoint
from tests.factories.competencies import CompetencyFactory, EvidenceFactory, SectionCompetencyFactory, scaled_framework
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_goal(student, section, case_manager):
    """Maya's goal linked to a competency of her math class (four-level scale, mastery at 3)."""
    competency = CompetencyFactory(framework=scaled_framework(), code="5.NBT.B.5", short_statement="Multiply whole numbers")
    SectionCompetencyFactory(section=section, competency=competency)
    goal = GoalFactory(plan=IEPPlanFactory(student=student, case_manager=case_manager))
    goal.competencies.add(competency)
    return goal


def _post(client, student, goal, **data):
    day = data.pop("day", timezone.localdate() - timedelta(days=1))
    payload = {"point-measured_on": day.isoformat(), "point-value": "52", "point-kind": "quiz", "point-demonstration": "oral"}
    payload.update({f"point-{k}": v for k, v in data.items()})
    return client.post(reverse("iep:goal-point-add", args=[student.uuid, goal.pk]), payload)


def test_a_point_ticked_as_evidence_is_recorded_on_the_competency_too(client, case_manager, student, linked_goal,
                                                                        django_capture_on_commit_callbacks):
    """Both rows in one request: the point, the evidence (same day, the level chosen), mastery recomputed."""
    competency = linked_goal.competencies.get()
    client.force_login(case_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, student, linked_goal, also_evidence_on=[competency.pk], level="3", note="Read aloud")
    assert response.status_code == 302
    point = ProgressPoint.objects.get()
    evidence = Evidence.objects.get()
    assert (point.value, point.measured_on) == (Decimal("52"), timezone.localdate() - timedelta(days=1))
    assert (evidence.student, evidence.competency, evidence.score, evidence.observed_on, evidence.demonstration,
            evidence.recorded_by, evidence.note) == (student, competency, Decimal("3"), point.measured_on, "oral", case_manager, "Read aloud")
    assert list(point.evidence.all()) == [evidence]
    mastery = Mastery.objects.get(student=student, competency=competency)
    assert (mastery.evidence_count, mastery.value) == (1, Decimal("3.00"))
    page = client.get(response.headers["Location"]).content.decode()
    assert "Saved, and recorded as evidence in the class record too." in page


def test_a_level_outside_the_scale_is_refused_and_nothing_is_written(case_manager, linked_goal):
    """The service calls record_evidence in its own transaction: the refusal rolls the point back too (T7)."""
    competency = linked_goal.competencies.get()
    with pytest.raises(ValidationError) as refused:
        services.record_progress(
            goal=linked_goal, measured_on=timezone.localdate(), value=Decimal("50"), note="", recorded_by=case_manager,
            also_evidence=services.AlsoEvidence(competencies=[competency], level=Decimal("7"), kind="quiz", demonstration="written"))
    assert refused.value.messages == ["The level must be on the scale, from 1 to 4."]
    assert (ProgressPoint.objects.count(), Evidence.objects.count(), Mastery.objects.count()) == (0, 0, 0)


def test_the_form_refuses_a_level_outside_the_scale_in_plain_words(client, case_manager, student, linked_goal):
    competency = linked_goal.competencies.get()
    client.force_login(case_manager)
    response = _post(client, student, linked_goal, also_evidence_on=[competency.pk], level="7")
    assert response.status_code == 200
    assert response.context["form"].errors == {"level": ["Choose a level from the scale."]}
    response = _post(client, student, linked_goal, also_evidence_on=[competency.pk])
    assert response.context["form"].errors == {"level": ["Choose the level reached, to record it as evidence."]}
    assert (ProgressPoint.objects.count(), Evidence.objects.count()) == (0, 0)


def test_evidence_only_on_the_goals_own_competencies(case_manager, linked_goal, student):
    unlinked = CompetencyFactory(framework=linked_goal.competencies.get().framework)
    with pytest.raises(ValidationError):
        services.record_progress(
            goal=linked_goal, measured_on=timezone.localdate(), value=Decimal("50"), note="", recorded_by=case_manager,
            also_evidence=services.AlsoEvidence(competencies=[unlinked], level=Decimal("3"), kind="quiz", demonstration="written"))
    assert (ProgressPoint.objects.count(), Evidence.objects.count()) == (0, 0)


def test_recent_evidence_without_a_matching_point_is_offered_and_used_once(client, case_manager, student, other_student,
                                                                           linked_goal):
    """The other direction: evidence already in the class record becomes a point with its date, and is not offered again."""
    competency = linked_goal.competencies.get()
    base = linked_goal.baseline_date
    offered = EvidenceFactory(student=student, competency=competency, score=Decimal(3), observed_on=base + timedelta(days=20))
    ProgressPointFactory(goal=linked_goal, measured_on=base + timedelta(days=30), value=45)
    EvidenceFactory(student=student, competency=competency, observed_on=base + timedelta(days=30))  # that day has a point
    EvidenceFactory(student=student, competency=competency, observed_on=base - timedelta(days=1))  # before the baseline
    EvidenceFactory(student=student, competency=CompetencyFactory(), observed_on=base + timedelta(days=21))  # not linked
    EvidenceFactory(student=other_student, competency=competency, observed_on=base + timedelta(days=22))  # someone else
    client.force_login(case_manager)
    page_url = reverse("iep:goal-detail", args=[student.uuid, linked_goal.pk])
    response = client.get(page_url)
    assert [row.evidence for row in response.context["offer_rows"]] == [offered]
    assert [row.level_label for row in response.context["offer_rows"]] == ["3 — Proficient"]
    assert f'href="?use={offered.pk}#add-result">Use this result' in response.content.decode()

    form = client.get(page_url, {"use": offered.pk}).context["form"]
    assert (form["measured_on"].initial, form["value"].initial, form["from_evidence"].initial, form["note"].initial) == (
        offered.observed_on, Decimal(3), offered.pk, "From the class record: level 3 on 5.NBT.B.5")
    response = _post(client, student, linked_goal, day=offered.observed_on, value="3", from_evidence=str(offered.pk),
                     note="From the class record: level 3 on 5.NBT.B.5")
    assert response.status_code == 302
    point = ProgressPoint.objects.get(measured_on=offered.observed_on)
    assert (point.value, list(point.evidence.all())) == (Decimal("3"), [offered])
    assert Evidence.objects.count() == 5  # nothing typed twice: no new evidence
    assert client.get(page_url).context["offer_rows"] == []


def test_evidence_already_used_cannot_be_used_again(case_manager, linked_goal, student):
    competency = linked_goal.competencies.get()
    evidence = EvidenceFactory(student=student, competency=competency, observed_on=linked_goal.baseline_date + timedelta(days=5))
    services.record_progress(goal=linked_goal, measured_on=evidence.observed_on, value=Decimal(3), note="",
                             recorded_by=case_manager, from_evidence=evidence)
    with pytest.raises(ValidationError) as refused:
        services.record_progress(goal=linked_goal, measured_on=evidence.observed_on + timedelta(days=1), value=Decimal(3),
                                 note="", recorded_by=case_manager, from_evidence=evidence)
    assert refused.value.messages == ["That result is already one of this goal's results."]
    assert ProgressPoint.objects.count() == 1


def test_families_see_the_goal_page_without_the_entry_form_or_the_class_record(client, guardian, student, linked_goal):
    EvidenceFactory(student=student, competency=linked_goal.competencies.get(), observed_on=linked_goal.baseline_date + timedelta(days=3))
    client.force_login(guardian)
    response = client.get(reverse("iep:goal-detail", args=[student.uuid, linked_goal.pk]))
    body = response.content.decode()
    assert "5.NBT.B.5 Multiply whole numbers" in body
    assert ("Add a result" in body, "Use this result" in body, "Changes to this goal" in body) == (False, False, False)


@pytest.mark.parametrize("size", [1, 3])
def test_goal_page_query_count_does_not_grow(client, case_manager, student, section, size, django_assert_num_queries):
    """P1 / T10: the same count with 1 or 3 points, linked competencies, profile goals and offered results; the
    history of results is one query more (12, P1's budget), its corrections one more only once there are some."""
    framework = scaled_framework()
    goal = GoalFactory(plan=IEPPlanFactory(student=student))
    for n in range(size):
        competency = CompetencyFactory(framework=framework)
        SectionCompetencyFactory(section=section, competency=competency)
        goal.competencies.add(competency)
        goal.profile_goals.create(student=student, description=f"Goal {n}", kind="academic", owner="teacher")
        ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=2 + n))
        EvidenceFactory(student=student, competency=competency, observed_on=goal.baseline_date + timedelta(days=20 + n))
    client.force_login(case_manager)
    with django_assert_num_queries(12):
        response = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk]))
    assert (len(response.context["progress"].points), len(response.context["offer_rows"])) == (size, size)
