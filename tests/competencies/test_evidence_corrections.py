"""Correcting or removing a result, with a reason and a trail (issue 16.2, T3): by the person who recorded it or the
student's case manager; the version before stays in the history; mastery is recomputed; a removed result no longer
counts anywhere but is still shown, with its reason."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from competencies import services
from competencies.models import Evidence, Framework, Mastery
from roster.models import Caseload
from tests.factories.accounts import UserFactory
from tests.factories.roster import CaseloadFactory, SectionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def record(student, competency, score, teacher, days_ago=0):
    return services.record_evidence(
        student=student, competencies=[competency], score=D(score), observed_on=timezone.localdate() - timedelta(days=days_ago),
        kind=Evidence.Kind.QUIZ, demonstration=Evidence.Demonstration.ORAL, recorded_by=teacher,
    )[0]


def mastery_of(student, competency) -> Mastery:
    return Mastery.objects.get(student=student, competency=competency)


def test_a_correction_keeps_the_original_in_history_and_recomputes_mastery(student, teacher, competencies):
    record(student, competencies[0], 2, teacher, days_ago=5)
    wrong = record(student, competencies[0], 1, teacher, days_ago=2)
    assert mastery_of(student, competencies[0]).effective_mastered is False  # 2 then 1: 1.35
    services.correct_evidence(evidence=wrong, corrected_by=teacher, reason="Typed 1 for 4", score=D(4))
    wrong.refresh_from_db()
    assert (wrong.score, wrong.corrected_at is not None) == (D(4), True)
    row = mastery_of(student, competencies[0])
    assert (row.value, row.effective_mastered, row.mastered_on) == (D("3.30"), True, timezone.localdate() - timedelta(days=2))
    versions = list(wrong.history.order_by("history_id").values_list("history_type", "score", "history_user", "history_change_reason"))
    assert versions == [("+", D(1), teacher.pk, None), ("~", D(4), teacher.pk, "Typed 1 for 4")]


def test_removing_a_result_takes_it_out_of_mastery_but_keeps_it_with_the_reason(student, teacher, case_manager, competencies):
    record(student, competencies[0], 2, teacher, days_ago=5)
    wrong = record(student, competencies[0], 4, teacher, days_ago=2)
    assert mastery_of(student, competencies[0]).effective_mastered is True
    services.void_evidence(evidence=wrong, voided_by=case_manager, reason="Another student's test")
    row = mastery_of(student, competencies[0])
    assert (row.value, row.evidence_count, row.effective_mastered, row.mastered_on) == (D(2), 1, False, None)
    wrong.refresh_from_db()
    assert (wrong.voided_by, wrong.void_reason, wrong.score) == (case_manager, "Another student's test", D(4))
    assert list(Evidence.objects.current().filter(student=student)) != [] and wrong not in Evidence.objects.current()
    assert wrong.history.latest("history_id").history_change_reason == "Another student's test"
    with pytest.raises(ValidationError, match="removed already"):
        services.correct_evidence(evidence=wrong, corrected_by=teacher, reason="Again", score=D(3))


def test_a_result_recorded_before_histories_gets_its_original_kept_on_first_change(student, teacher, competencies):
    """Evidence written before this change (or by the demo's bulk insert) had no history row: the original is kept
    first, dated when it was recorded, then the correction."""
    old = Evidence.objects.create(student=student, competency=competencies[0], score=D(2), observed_on=timezone.localdate(),
                                  kind="quiz", demonstration="oral", recorded_by=teacher)
    old.history.all().delete()
    services.correct_evidence(evidence=old, corrected_by=teacher, reason="Misread", score=D(3))
    assert list(old.history.order_by("history_id").values_list("history_type", "score", "history_date")) == [
        ("+", D(2), old.recorded_at), ("~", D(3), old.history.latest("history_id").history_date)]


@pytest.mark.parametrize(("change", "message"), [
    ({"score": D(5), "reason": "Typo"}, "on the scale, from 1 to 4"),
    ({"score": D("2.5"), "reason": "Typo"}, "one of the levels"),
    ({"observed_on": timezone.localdate() + timedelta(days=3), "reason": "Typo"}, "cannot be in the future"),
    ({"score": D(4), "reason": "  "}, "Say why"),
    ({"score": D(2), "reason": "Same"}, "Nothing was changed"),
])
def test_a_correction_follows_the_same_rules_and_changes_nothing_when_refused(student, teacher, competencies, change, message):
    evidence = record(student, competencies[0], 2, teacher)
    with pytest.raises(ValidationError, match=message):
        services.correct_evidence(evidence=evidence, corrected_by=teacher, **change)
    evidence.refresh_from_db()
    assert (evidence.score, evidence.observed_on, evidence.corrected_at, evidence.history.count()) == (D(2), timezone.localdate(), None, 1)


def test_removing_needs_a_reason(student, teacher, competencies):
    evidence = record(student, competencies[0], 2, teacher)
    with pytest.raises(ValidationError, match="Say why"):
        services.void_evidence(evidence=evidence, voided_by=teacher, reason="")
    evidence.refresh_from_db()
    assert evidence.voided_at is None


@pytest.mark.parametrize("method", ["latest", "decaying_average", "power_law"])
def test_full_recomputation_leaves_removed_results_out(student, teacher, competencies, framework, method):
    """The set-based SQL (PostgreSQL) and the Python path count only results not removed."""
    Framework.objects.filter(pk=framework.pk).update(mastery_method=method)
    record(student, competencies[0], 2, teacher, days_ago=4)
    wrong = record(student, competencies[0], 4, teacher, days_ago=1)
    services.void_evidence(evidence=wrong, voided_by=teacher, reason="Wrong student")
    Mastery.objects.filter(student=student).update(computed_at=timezone.now() - timedelta(days=1), params={})
    services.recompute_all()
    row = mastery_of(student, competencies[0])
    assert (row.value, row.evidence_count, row.effective_mastered) == (D(2), 1, False)


# --- the pages ---------------------------------------------------------------------------------------------------


def test_recorder_corrects_from_the_page_and_sees_the_change(client, teacher, student, competencies):
    evidence = record(student, competencies[0], 1, teacher, days_ago=1)
    client.force_login(teacher)
    page = reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk])
    correct = reverse("competencies:evidence-correct", args=[student.uuid, evidence.pk])
    assert correct in client.get(page).content.decode()
    refused = client.post(correct, {"level": "3", "observed_on": evidence.observed_on.isoformat(), "note": "", "reason": ""})
    assert refused.context["form"].errors["reason"] == ["Say why, so the family and the team can see it."]
    response = client.post(correct, {"level": "3", "observed_on": evidence.observed_on.isoformat(), "note": "", "reason": "Misread"})
    assert response.status_code == 302 and response.url == page
    html = client.get(page).content.decode()
    assert "corrected on" in html and mastery_of(student, competencies[0]).value == D(3)


def test_case_manager_removes_a_result_and_every_reader_sees_it_gone(client, teacher, case_manager, guardian, student, competencies):
    """The chart and the table drop it; the page lists it under "Removed results" with who and why, for the family too."""
    record(student, competencies[0], 2, teacher, days_ago=3)
    wrong = record(student, competencies[0], 4, teacher, days_ago=1)
    client.force_login(case_manager)
    url = reverse("competencies:evidence-void", args=[student.uuid, wrong.pk])
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"] == ["Say why, so the family and the team can see it."]
    assert client.post(url, {"reason": "Another student's quiz"}).status_code == 302
    client.force_login(guardian)
    response = client.get(reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk]))
    assert [e.pk for e in response.context["evidence"]] == [wrong.pk - 1]
    assert [(e.pk, e.void_reason) for e in response.context["removed"]] == [(wrong.pk, "Another student's quiz")]
    assert "Removed results" in response.content.decode() and "Another student&#x27;s quiz" in response.content.decode()
    assert client.get(url).status_code == 403  # the family sees, but does not change
    client.force_login(case_manager)
    assert client.get(url).status_code == 404  # removed: no longer offered to correct or remove


def test_only_the_recorder_or_the_case_manager_may_change_a_result(client, teacher, student, competencies, section, school):
    """T1: a co-teacher of the class and a service provider on the caseload may record results for the student, but
    not change one someone else recorded: 403, nothing written, and the refusal is in the access log."""
    evidence = record(student, competencies[0], 2, teacher)
    co_teacher = UserFactory(role=User.Role.TEACHER)
    section.teachers.add(co_teacher)
    provider = UserFactory(role=User.Role.SISP)
    CaseloadFactory(staff=provider, student=student, role=Caseload.Role.SERVICE_PROVIDER)
    for person in (co_teacher, provider):
        client.force_login(person)
        assert client.get(reverse("competencies:evidence-new", args=[student.uuid])).status_code == 200
        for name in ("competencies:evidence-correct", "competencies:evidence-void"):
            url = reverse(name, args=[student.uuid, evidence.pk])
            assert client.get(url).status_code == 403
            assert client.post(url, {"level": "4", "observed_on": evidence.observed_on.isoformat(), "reason": "Mine"}).status_code == 403
        page = client.get(reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk])).content.decode()
        assert reverse("competencies:evidence-correct", args=[student.uuid, evidence.pk]) not in page
    evidence.refresh_from_db()
    assert (evidence.score, evidence.voided_at) == (D(2), None)
    assert AccessEvent.objects.filter(permission="competencies.record_evidence").exists()


def test_a_result_of_another_student_is_not_found(client, teacher, student, competencies, section, school):
    other = EnrollmentFactory(section=section).student
    evidence = record(other, competencies[0], 2, teacher)
    client.force_login(teacher)
    assert client.get(reverse("competencies:evidence-correct", args=[student.uuid, evidence.pk])).status_code == 404


@pytest.mark.parametrize("changed", [1, 4])
def test_the_competency_page_query_count_does_not_grow_with_corrected_and_removed_results(
    client, student, teacher, competencies, changed, django_assert_num_queries
):
    """T10: the page lists corrected results and the removed ones with who and why in a fixed number of queries."""
    for day in range(changed):
        corrected = record(student, competencies[0], 2, teacher, days_ago=2 * day + 1)
        services.correct_evidence(evidence=corrected, corrected_by=teacher, reason="Typed wrong", score=D(3))
        removed = record(student, competencies[0], 1, teacher, days_ago=2 * day + 2)
        services.void_evidence(evidence=removed, voided_by=teacher, reason="Another student's test")
    client.force_login(teacher)
    url = reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk])
    client.get(url)  # warm the per-process caches (scale, session) so both sizes count the same work
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("Another student&#x27;s test") == changed
