"""Issue 16.3 (T3, IDEA progress reporting): one status per IEP goal, decided by one rule (iep.status) and the
same in every channel: the staff IEP and goal pages, the chart's description, the PDF progress report, the
family's page, the student's own page, the report email, the goal-flag email and the weekly digest; for every
goal of the demo district. And the 2026-Q3 report of the demo no longer shows "Flagged" beside "on track"."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from family_portal import services as family_services
from iep import monitoring, selectors, services
from iep.models import Goal, ProgressReport
from iep.status import Audience, GoalStatus, Status
from roster.models import Guardianship, Student
from tests.iep.readable import page_text, pdf_text, words

pytestmark = pytest.mark.django_db


def _label(status: str, audience: str) -> str:
    return GoalStatus(status=Status(status), rule=monitoring.Decision.ON_TRACK, results=0).label(audience)


def statuses_in(text: str, audience: str) -> list[str]:
    """Every goal status the text shows, in order, read from its words ("On track" is not "Not on track")."""
    by_label = {_label(s, audience): s.value for s in Status}
    pattern = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True))
    return [by_label[found] for found in re.findall(pattern, text)]


def by_goal(text: str, goals: list[Goal]) -> dict[int, str]:
    """The text split at each goal's statement: what follows a goal's statement, up to the next one, is about it."""
    starts = sorted((text.index(words(goal.statement)), goal.pk) for goal in goals)
    return {pk: text[start:(starts[i + 1][0] if i + 1 < len(starts) else len(text))] for i, (start, pk) in enumerate(starts)}


def email_lines(body: str, goals: list[Goal]) -> dict[int, str]:
    """The "- Reading: ..." line of each goal in an email."""
    lines = body.splitlines()
    return {goal.pk: next(line for line in lines if line.startswith(f"- {goal.get_area_display()}:")) for goal in goals}


@pytest.fixture
def demo_goals(demo) -> dict[Student, list[Goal]]:
    students = Student.objects.filter(iep_plans__is_current=True, plan=Student.Plan.IEP).order_by("pk")
    return {student: list(Goal.objects.filter(plan__student=student, plan__is_current=True)) for student in students}


def _expected(goal: Goal, up_to: date | None = None) -> GoalStatus:
    return selectors.status_of(goal, [p for p in goal.points.order_by("measured_on") if up_to is None or p.measured_on <= up_to])


def test_every_demo_goal_shows_one_status_everywhere(client, demo, demo_goals, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    expected = {goal.pk: _expected(goal) for goals in demo_goals.values() for goal in goals}
    kinds = {value.status for value in expected.values()}
    assert {Status.ON_TRACK, Status.NOT_ON_TRACK} <= kinds, "the demo has goals on track and goals that need a look"
    staff, maya_user = demo["director@demo.test"], demo["student@demo.test"]
    checked = set()

    for student, goals in demo_goals.items():
        want = {goal.pk: expected[goal.pk].status.value for goal in goals}
        # Staff: the goal page (badge and the chart's description) and the IEP page.
        client.force_login(staff)
        for goal in goals:
            markup = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
            shown = statuses_in(page_text(markup), Audience.STAFF)
            assert len(shown) >= 2 and set(shown) == {want[goal.pk]}, (student, goal.area, shown)
            assert expected[goal.pk].reason(Audience.STAFF) in page_text(markup)
            desc = re.search(rf'<desc id="goal-chart-{goal.pk}-desc">(.*?)</desc>', markup, re.S).group(1)
            assert statuses_in(page_text(desc), Audience.STAFF) == [want[goal.pk]], (student, goal.area, "chart")
        page = page_text(client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode())
        for pk, text in by_goal(page, goals).items():
            assert set(statuses_in(text, Audience.STAFF)) == {want[pk]}, (student, "IEP page")

        # The PDF (an interim report up to today counts the same results) and the family's report email.
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            report = services.create_progress_report(student_id=student.pk, period=monitoring.quarter_of(today),
                                                     interim_up_to=today)
        pdf = pdf_text(report.pdf.read())
        assert "Flagged" not in pdf
        for pk, text in by_goal(pdf, goals).items():
            assert statuses_in(text, Audience.FAMILY) == [want[pk]], (student, "PDF", text)
        for message in mail.outbox:
            for pk, line in email_lines(message.body, goals).items():
                assert statuses_in(line, Audience.FAMILY) == [want[pk]], (student, "report email")

        # The family's page, for each guardian.
        for guardian_id in Guardianship.objects.filter(student=student, is_active=True).values_list("guardian", flat=True):
            client.force_login(type(staff).objects.get(pk=guardian_id))
            page = page_text(client.get(reverse("family_portal:child-goals", args=[student.uuid])).content.decode())
            for pk, text in by_goal(page, goals).items():
                assert set(statuses_in(text, Audience.FAMILY)) == {want[pk]}, (student, "family page")
            checked.add(student.pk)

        # The goal-flag email: only, and always, for a goal that is not on track.
        for goal in goals:
            Goal.objects.filter(pk=goal.pk).update(flagged_at=timezone.now(), flag_notified_at=None)
            mail.outbox.clear()
            sent = services.notify_goal_flag(goal_id=goal.pk)
            assert sent == (want[goal.pk] == Status.NOT_ON_TRACK)
            if sent:
                assert statuses_in(mail.outbox[0].body, Audience.STAFF) == [want[goal.pk]]

    # The student's own IEP tab, in her words.
    maya = Student.objects.get(sourced_id="demo-student-00")
    client.force_login(maya_user)
    page = page_text(client.get(reverse("iep:student-iep", args=[maya.uuid])).content.decode())
    for pk, text in by_goal(page, demo_goals[maya]).items():
        assert set(statuses_in(text, Audience.STUDENT)) == {expected[pk].status.value}
        assert expected[pk].reason(Audience.STUDENT) in text

    # The weekly digest of every family.
    mail.outbox.clear()
    family_services.send_weekly_digests(week=family_services.week_start(today))
    assert mail.outbox
    goals_by_name = {student.display_name: goals for student, goals in demo_goals.items()}
    for message in mail.outbox:
        for section in message.body.split("== ")[1:]:
            name = section.split(" ==", 1)[0]
            for pk, line in email_lines(section, goals_by_name.get(name, [])).items():
                assert statuses_in(line, Audience.FAMILY) == [expected[pk].status.value], (name, "digest")
                checked.add(-pk)
    assert len(checked) > len(demo_goals), "family pages and digests were compared"


def test_the_demo_q3_report_shows_each_goal_once_as_it_stood_at_the_end_of_the_period(demo):
    """The issue's case: Maya's reading goal is not on track now (its last four results), while her 2026-Q3 report
    judges only the results up to 30 September. The old PDF printed today's "Flagged" beside Q3's "on track"."""
    maya = Student.objects.get(sourced_id="demo-student-00")
    report = ProgressReport.objects.get(student=maya, interim_up_to=None)
    goals = list(Goal.objects.filter(plan__student=maya, plan__is_current=True))
    reading = next(goal for goal in goals if goal.area == Goal.Area.READING)
    assert _expected(reading).needs_a_look and reading.flagged_at is not None
    text = pdf_text(report.pdf.read())
    assert "Flagged" not in text
    for pk, part in by_goal(text, goals).items():
        goal = next(g for g in goals if g.pk == pk)
        assert statuses_in(part, Audience.FAMILY) == [_expected(goal, up_to=report.cutoff).status.value], goal.area
