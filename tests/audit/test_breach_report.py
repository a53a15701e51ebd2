"""Breach evidence (quality.md §1.3, T2.6): the students and kinds of data an account or an address reached
between two moments, from the access events; denied requests and other people's events are not counted."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from audit.breach import students_reached
from audit.models import AccessEvent
from tests.factories.roster import StudentFactory

pytestmark = pytest.mark.django_db


def window():
    now = timezone.now()
    return now - timedelta(hours=1), now + timedelta(hours=1)


def test_an_accounts_reach_lists_each_student_once_with_the_kinds_of_data(client, teacher, student, other_student,
                                                                         case_manager):
    client.force_login(teacher)
    client.get(reverse("roster:student-detail", args=[student.uuid]))
    client.get(reverse("profiles:detail", args=[student.uuid]))
    client.get(reverse("roster:student-detail", args=[other_student.uuid]))  # denied: 404, showed nothing
    client.force_login(case_manager)
    client.get(reverse("profiles:detail", args=[student.uuid]))  # someone else's access
    start, end = window()
    reached = students_reached(start=start, end=end, user_id=teacher.pk)
    assert [r.student_id for r in reached] == [student.pk]
    assert reached[0].requests == 2 and not reached[0].exported
    assert reached[0].categories == ["learner profile (strengths, needs, preferences, goals, accommodations)",
                                     "student directory record (name, school, grade, plan type)"]
    assert students_reached(start=end, end=end + timedelta(hours=1), user_id=teacher.pk) == []


def test_an_address_reach_covers_every_account_from_it(client, teacher, case_manager, student):
    for person in (teacher, case_manager):
        client.force_login(person)
        client.get(reverse("profiles:detail", args=[student.uuid]), REMOTE_ADDR="198.51.100.7")
    start, end = window()
    reached = students_reached(start=start, end=end, ip_address="198.51.100.7")
    assert [(r.student_id, r.requests) for r in reached] == [(student.pk, 2)]
    assert students_reached(start=start, end=end, ip_address="198.51.100.8") == []


def test_the_command_writes_csv_safe_for_spreadsheets(client, teacher, school, tmp_path):
    student = StudentFactory(school=school, first_name="=HYPERLINK(1)", last_name="Rivera")
    AccessEvent.objects.create(user=teacher, student=student, action="export", permission="privacy.export",
                               route_name="privacy:export", method="GET", outcome="allowed")
    start, end = window()
    target = tmp_path / "reach.csv"
    errors = io.StringIO()
    call_command("access_report", user=teacher.email.upper(), start=start.isoformat(), end=end.isoformat(),
                 output=str(target), stderr=errors)
    rows = list(csv.DictReader(target.open()))
    assert [(r["student"], r["exported"], r["kinds_of_data"]) for r in rows] == [
        ("'=HYPERLINK(1) Rivera", "yes", "records requests, exports and statements")]
    assert "1 students reached" in errors.getvalue()


def test_the_command_refuses_unclear_requests(teacher):
    with pytest.raises(CommandError, match="No account"):
        call_command("access_report", user="nobody@example.org", start="2026-01-01T00:00", end="2026-01-02T00:00")
    with pytest.raises(CommandError, match="must be after"):
        call_command("access_report", user=teacher.email, start="2026-01-02T00:00", end="2026-01-01T00:00")
    with pytest.raises(CommandError, match="date and time"):
        call_command("access_report", ip="10.0.0.1", start="yesterday", end="2026-01-01T00:00")
