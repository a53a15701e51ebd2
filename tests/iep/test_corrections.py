"""Corrections with a trail (issue 16, item 2): a result is corrected or voided with a reason, by its recorder or
the student's case manager only; the original stays in the history and the family's export; a voided result
counts nowhere; a report already made keeps its snapshot and the next one lists the correction."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from iep import monitoring, selectors, services
from iep.models import ProgressPoint, ProgressReport, ResultCorrection
from roster.models import Caseload
from tests.factories.accounts import UserFactory
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.roster import CaseloadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(student, case_manager):
    """Aim 40 -> 70 over 300 days from 200 days ago (0.1 a day), so last quarter has results."""
    return GoalFactory(plan=IEPPlanFactory(student=student, case_manager=case_manager),
                       baseline_date=timezone.localdate() - timedelta(days=200))


@pytest.fixture
def provider(student, school):
    """A speech-language pathologist on the student's caseload: records results, is not the case manager."""
    user = UserFactory(role="special_educator", email="slp@school.test")
    CaseloadFactory(staff=user, student=student, role=Caseload.Role.SERVICE_PROVIDER)
    return user


def _points(goal, recorder, values, start=100):
    return [ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=start + 7 * n), value=Decimal(v),
                                 recorded_by=recorder) for n, v in enumerate(values)]


def _correct_url(student, point, action="correct"):
    return reverse(f"iep:goal-point-{action}", args=[student.uuid, point.goal_id, point.pk])


def test_the_recorder_corrects_a_result_and_the_original_stays_in_the_history(client, student, goal, case_manager):
    point = _points(goal, case_manager, [50])[0]
    client.force_login(case_manager)
    form = client.get(_correct_url(student, point)).context["form"]
    assert (form["value"].initial, form["version"].initial) == (Decimal(50), 1)
    response = client.post(_correct_url(student, point), {
        "version": 1, "measured_on": point.measured_on.isoformat(), "value": "55", "note": "Rescored",
        "reason": "Scored with the wrong key"})
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.value, point.note, point.version) == (Decimal(55), "Rescored", 2)
    correction = ResultCorrection.objects.get()
    assert (correction.action, correction.by, correction.reason, correction.was_value, correction.now_value,
            correction.was_measured_on) == ("corrected", case_manager, "Scored with the wrong key", Decimal(50),
                                            Decimal(55), point.measured_on)
    event = AccessEvent.objects.filter(route_name="iep:goal-point-correct", method="POST").get()
    assert (event.user, event.permission, event.action, event.outcome) == (case_manager, "iep.correct_progress", "change", "allowed")
    page = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
    assert "Corrected by" in page and "from 50 (" in page and "Scored with the wrong key" in page


def test_a_voided_result_counts_nowhere_and_stays_in_the_history_and_the_export(client, student, goal, case_manager,
                                                                                guardian):
    """Four results below the aim line flag the goal; voiding the wrong one (-5 typed by mistake would be refused
    now; a stray 30 here) takes it out of the chart, the decision rule, the latest result and the report."""
    points = _points(goal, case_manager, [48, 49, 50, 30])  # aim at day 100..121 is 50..52.1: all four below
    services._apply_decision(goal)
    goal.refresh_from_db()
    assert goal.flagged_at is not None
    stray = points[-1]
    services.void_result(goal=goal, point_id=stray.pk, by=case_manager, version=1, reason="Typed on the wrong goal")

    goal.refresh_from_db()
    progress = selectors.goal_progress(selectors.goal_for_page(student, goal.pk))
    assert [p.value for p in progress.points] == [48, 49, 50]  # the chart's data and table
    assert [point.value for point in progress.chart.points] == [48, 49, 50]
    assert progress.status.rule == monitoring.Decision.NOT_ENOUGH_DATA and goal.flagged_at is None  # the status input
    period = monitoring.quarter_of(stray.measured_on)
    context = services.report_context(plan=goal.plan, period=period)  # the next report and its latest result
    assert stray.pk not in [p.pk for g in context["goals"] for p in g.points]
    client.force_login(guardian)
    report = client.get(reverse("iep:report-page", args=[student.uuid, period])).content.decode()
    assert "The latest result was 30" not in report
    client.force_login(case_manager)
    page = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
    assert "Voided by" in page and "Typed on the wrong goal" in page  # the history
    assert [p.pk for p in selectors.result_history(goal) if p.is_voided] == [stray.pk]

    client.force_login(guardian)
    data = json.loads(client.post(reverse("privacy:export", args=[student.uuid]), {"kind": "export_json"}).content)
    exported = {row["id"]: row for row in data["tables"]["iep.ProgressPoint"]["rows"]}
    assert exported[stray.pk]["value"] == "30.00" and exported[stray.pk]["voided_at"] is not None
    trail = data["tables"]["iep.ResultCorrection"]["rows"]
    assert [(row["point_id"], row["action"], row["reason"], row["was_value"]) for row in trail] == [
        (stray.pk, "voided", "Typed on the wrong goal", "30.00")]


def test_a_voided_day_is_free_for_the_right_result(student, goal, case_manager):
    point = _points(goal, case_manager, [50])[0]
    services.void_result(goal=goal, point_id=point.pk, by=case_manager, version=1, reason="Wrong student")
    services.record_progress(goal=goal, measured_on=point.measured_on, value=Decimal(51), note="", recorded_by=case_manager)
    assert [(p.value, p.is_voided) for p in ProgressPoint.with_voided.filter(goal=goal).order_by("pk")] == [
        (Decimal(50), True), (Decimal(51), False)]


def test_only_the_recorder_or_the_case_manager_may_correct(client, student, goal, case_manager, provider, teacher,
                                                           other_guardian):
    """The provider corrects her own result, not the case manager's; the case manager corrects both; a teacher
    (sees the student, not on the caseload) gets 403 at the door, a stranger 404; nothing changes on a refusal."""
    mine, hers = _points(goal, case_manager, [50])[0], _points(goal, provider, [51], start=120)[0]
    data = {"version": 1, "reason": "Wrong probe"}
    client.force_login(provider)
    assert client.get(_correct_url(student, mine)).status_code == 403
    assert client.post(_correct_url(student, mine, "void"), data).status_code == 403
    assert client.post(_correct_url(student, hers, "void"), data).status_code == 302
    client.force_login(teacher)
    assert client.post(_correct_url(student, mine, "void"), data).status_code == 403
    client.force_login(other_guardian)
    assert client.post(_correct_url(student, mine, "void"), data).status_code == 404
    assert ResultCorrection.objects.count() == 1 and ProgressPoint.objects.get() == mine
    with pytest.raises(Exception) as refused:
        services.void_result(goal=goal, point_id=mine.pk, by=provider, version=1, reason="x")
    assert type(refused.value).__name__ == "PermissionDenied"
    hers_again = _points(goal, provider, [52], start=130)[0]
    client.force_login(case_manager)
    assert client.post(_correct_url(student, hers_again, "void"), data).status_code == 302
    page = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
    assert page.count(">Correct<") == 1  # only the live result is offered; voided ones are not


def test_the_goal_page_offers_correct_and_void_only_to_those_allowed(client, student, goal, case_manager, provider):
    mine = _points(goal, case_manager, [50])[0]
    client.force_login(provider)
    page = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
    assert "History of results" in page and _correct_url(student, mine) not in page
    client.force_login(case_manager)
    page = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
    assert _correct_url(student, mine) in page and _correct_url(student, mine, "void") in page


def test_bad_input_changes_nothing(client, student, goal, case_manager):
    point = _points(goal, case_manager, [50])[0]
    client.force_login(case_manager)
    response = client.post(_correct_url(student, point), {"version": 1, "measured_on": point.measured_on.isoformat(),
                                                          "value": "-5", "reason": ""})
    assert response.context["form"].errors == {
        "value": ["A result of this goal is between 0 and 200 words correct per minute; -5 is outside that range."],
        "reason": ["Say why the result is changed: the family's record keeps the reason."]}
    response = client.post(_correct_url(student, point), {"version": 1, "measured_on": point.measured_on.isoformat(),
                                                          "value": "50", "reason": "No change"})
    assert list(response.context["form"].errors) == ["value"]
    point.refresh_from_db()
    assert (point.value, point.version, ResultCorrection.objects.count()) == (Decimal(50), 1, 0)


def test_a_stale_correction_loses_nothing(client, student, goal, case_manager):
    """Two people correct the same result from the same page: the second is told, and nothing of theirs is saved
    over the first (version check under the row lock)."""
    point = _points(goal, case_manager, [50])[0]
    services.correct_result(goal=goal, point_id=point.pk, by=case_manager, version=1, measured_on=point.measured_on,
                            value=Decimal(55), note="", reason="First")
    with pytest.raises(services.ResultChanged):
        services.correct_result(goal=goal, point_id=point.pk, by=case_manager, version=1, measured_on=point.measured_on,
                                value=Decimal(60), note="", reason="Second")
    client.force_login(case_manager)
    response = client.post(_correct_url(student, point, "void"), {"version": 1, "reason": "Third"}, follow=True)
    assert "Someone else changed this result first. Nothing was saved" in response.content.decode()
    point.refresh_from_db()
    assert (point.value, point.version, point.voided_at) == (Decimal(55), 2, None)
    assert list(ResultCorrection.objects.values_list("reason", flat=True)) == ["First"]


def test_a_report_keeps_its_snapshot_and_the_next_one_lists_the_correction(client, student, goal, case_manager, guardian):
    today = timezone.localdate()
    last_period = monitoring.previous_quarter(today)
    first, last = monitoring.quarter_bounds(last_period)
    day = max(first, goal.baseline_date + timedelta(days=1))
    point = ProgressPointFactory(goal=goal, measured_on=day, value=Decimal(45), recorded_by=case_manager)
    report = services.create_progress_report(student_id=student.pk, period=last_period)
    snapshot = report.pdf.read()
    this_period = monitoring.quarter_of(today)
    assert services.report_context(plan=goal.plan, period=this_period)["corrections"] == []

    services.correct_result(goal=goal, point_id=point.pk, by=case_manager, version=1, measured_on=day, value=Decimal(46),
                            note="", reason="Miscounted one word")
    report.refresh_from_db()
    assert report.pdf.open("rb").read() == snapshot and ProgressReport.objects.count() == 1
    listed = services.report_context(plan=goal.plan, period=this_period)["corrections"]
    assert [(row.goal, row.correction.was_value, row.correction.now_value) for row in listed] == [
        (goal, Decimal(45), Decimal(46))]
    client.force_login(guardian)
    page = client.get(reverse("iep:report-page", args=[student.uuid, this_period])).content.decode()
    assert "Corrections to results in earlier reports" in page and "Miscounted one word" in page
    # the report of the period corrected lists nothing: its own data already count the correction
    assert services.report_context(plan=goal.plan, period=last_period)["corrections"] == []


@pytest.mark.parametrize("changed", [1, 3])
def test_the_goal_page_query_count_does_not_grow_with_corrections(client, student, goal, case_manager, changed,
                                                                  django_assert_num_queries):
    """T10: the history of results with its corrections and voids, in the same queries however many there are."""
    points = _points(goal, case_manager, [50] * (2 * changed))
    for corrected, voided in zip(points[::2], points[1::2]):
        services.correct_result(goal=goal, point_id=corrected.pk, by=case_manager, version=corrected.version,
                                measured_on=corrected.measured_on, value=Decimal(55), note="", reason="Wrong key")
        services.void_result(goal=goal, point_id=voided.pk, by=case_manager, version=voided.version, reason="Wrong goal")
    client.force_login(case_manager)
    url = reverse("iep:goal-detail", args=[student.uuid, goal.pk])
    with django_assert_num_queries(11):
        page = client.get(url).content.decode()
    assert (page.count("Wrong key"), page.count("Wrong goal")) == (changed, changed)
