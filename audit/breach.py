"""Breach evidence (quality.md §1.3, T2.6): which students, and which kinds of their data, an account or an
address reached between two moments. What a notice to the district and to families must say.

Read from the access events (indexes on (user, at) and on at), allowed requests only: a denied request
showed no record. Students purged since keep their id (events outlive records) and are reported as such.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q

from roster.models import Student

from .models import AccessEvent

# The kind of data behind each permission's app, in words a notice can use.
CATEGORIES = {
    "roster": "student directory record (name, school, grade, plan type)",
    "profiles": "learner profile (strengths, needs, preferences, goals, accommodations)",
    "competencies": "progress and evidence of learning",
    "paths": "learning path",
    "iep": "IEP and special education records (goals, progress monitoring, inputs, reports)",
    "family_portal": "family portal (highlights, replies, messages to the IEP team)",
    "privacy": "records requests, exports and statements",
    "admin": "administration pages (roster and records as stored)",
}


@dataclass(frozen=True)
class StudentReached:
    student_id: int
    student: Student | None  # None once the record has been purged
    categories: list[str]
    first_at: datetime
    last_at: datetime
    requests: int
    exported: bool


def category_of(permission: str) -> str:
    return CATEGORIES.get(permission.split(".", 1)[0], permission)


def students_reached(*, start: datetime, end: datetime, user_id: int | None = None,
                     ip_address: str | None = None) -> list[StudentReached]:
    """Every student the account (or the address) reached in [start, end), with the kinds of data and when."""
    if user_id is None and not ip_address:
        raise ValueError("Name an account or an address")
    who = Q(user_id=user_id) if user_id is not None else Q(ip_address=ip_address)
    rows = (AccessEvent.objects.filter(who, at__gte=start, at__lt=end, outcome=AccessEvent.Outcome.ALLOWED)
            .exclude(student_id=None)
            .values("student_id", "permission")
            .annotate(first_at=Min("at"), last_at=Max("at"), requests=Count("id"),
                      exports=Count("id", filter=Q(action=AccessEvent.Action.EXPORT))))
    by_student: dict[int, dict] = {}
    for row in rows:
        entry = by_student.setdefault(row["student_id"], {"categories": set(), "first_at": row["first_at"],
                                                          "last_at": row["last_at"], "requests": 0, "exports": 0})
        entry["categories"].add(category_of(row["permission"]))
        entry["first_at"] = min(entry["first_at"], row["first_at"])
        entry["last_at"] = max(entry["last_at"], row["last_at"])
        entry["requests"] += row["requests"]
        entry["exports"] += row["exports"]
    students = Student.objects.select_related("school").in_bulk(list(by_student))
    return [
        StudentReached(student_id=pk, student=students.get(pk), categories=sorted(entry["categories"]),
                       first_at=entry["first_at"], last_at=entry["last_at"], requests=entry["requests"],
                       exported=entry["exports"] > 0)
        for pk, entry in sorted(by_student.items(), key=lambda item: item[1]["first_at"])
    ]
