"""python manage.py access_report --user EMAIL | --ip ADDRESS --from ISO --to ISO [--output FILE]

The breach evidence of audit.breach as CSV: one row per student reached, with the kinds of data and when.
It names students, so write it to a protected place (stdout by default) and hand it only to the district.
"""

import csv
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils import timezone

from accounts.models import User
from config.spreadsheets import safe_cell
from audit.breach import students_reached


def _moment(raw: str, name: str):
    value = parse_datetime(raw)
    if value is None:
        raise CommandError(f"--{name} must be a date and time such as 2026-11-02T08:00 (got {raw!r})")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class Command(BaseCommand):
    help = "Which students (and which kinds of their data) an account or an address reached between two moments."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="the account's email")
        who.add_argument("--ip", help="the address")
        parser.add_argument("--from", dest="start", required=True, help="start, ISO date and time (inclusive)")
        parser.add_argument("--to", dest="end", required=True, help="end, ISO date and time (exclusive)")
        parser.add_argument("--output", help="write the CSV to this file instead of the screen")

    def handle(self, *args, user=None, ip=None, start, end, output=None, **options):
        start, end = _moment(start, "from"), _moment(end, "to")
        if end <= start:
            raise CommandError("--to must be after --from")
        user_id = None
        if user:
            user_id = User.objects.filter(email__iexact=user).values_list("pk", flat=True).first()
            if user_id is None:
                raise CommandError(f"No account has the email {user}")
        began = time.perf_counter()
        reached = students_reached(start=start, end=end, user_id=user_id, ip_address=ip)
        elapsed = time.perf_counter() - began
        out = open(output, "w", newline="") if output else sys.stdout
        try:
            writer = csv.writer(out)
            writer.writerow(["student_id", "student_uuid", "student", "school", "kinds_of_data", "first_access_utc",
                             "last_access_utc", "requests", "exported"])
            for row in reached:
                student = row.student
                writer.writerow([safe_cell(value) for value in (
                    row.student_id, student.uuid if student else "", student.display_name if student else "(record purged)",
                    student.school.name if student else "", "; ".join(row.categories),
                    row.first_at.isoformat(), row.last_at.isoformat(), row.requests, "yes" if row.exported else "no",
                )])
        finally:
            if output:
                out.close()
        self.stderr.write(f"{len(reached)} students reached between {start.isoformat()} and {end.isoformat()} "
                          f"(query {elapsed:.2f} s)")
