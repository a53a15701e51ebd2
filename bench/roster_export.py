"""Write the bench district's roster as a OneRoster 1.1 CSV package, under fresh sourcedIds and emails, so
bench/jobs.py can time a whole-district import of the generated roster (as a dry run: checked, written, rolled back)."""

from __future__ import annotations

import csv
from pathlib import Path

from roster.importers.oneroster import COLUMNS
from roster.models import Enrollment, Guardianship, School, Section, Student, Term

from .seed.people import DISTRICT_SOURCED_ID

FILES = ["orgs", "academicSessions", "classes", "users", "enrollments", "courses", "demographics", "roles"]
WRITTEN = ["orgs", "academicSessions", "classes", "users", "enrollments"]
PREFIX = "x-"


def export(folder: Path) -> dict[str, int]:
    """Returns the number of rows written per file."""
    district = f"{PREFIX}{DISTRICT_SOURCED_ID}"
    rows: dict[str, list[dict]] = {name: [] for name in WRITTEN}
    rows["orgs"].append({"sourcedId": district, "name": "Bench Unified (import copy)", "type": "district"})
    schools = list(School.objects.filter(district__sourced_id=DISTRICT_SOURCED_ID).values_list("pk", "name"))
    school_ids = [pk for pk, _name in schools]
    rows["orgs"] += [{"sourcedId": f"{PREFIX}sch-{pk}", "name": name, "type": "school", "parentSourcedId": district} for pk, name in schools]
    for term in Term.objects.filter(district__sourced_id=DISTRICT_SOURCED_ID):
        rows["academicSessions"].append({"sourcedId": f"{PREFIX}term-{term.pk}", "title": term.name, "type": "schoolYear",
                                         "startDate": term.start_date.isoformat(), "endDate": term.end_date.isoformat(),
                                         "schoolYear": str(term.end_date.year)})
    _users(rows, school_ids)
    _classes(rows, school_ids)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "manifest.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["propertyName", "value"])
        writer.writerows([["manifest.version", "1.0"], ["oneroster.version", "1.1"]])
        writer.writerows([[f"file.{name}", "bulk" if name in WRITTEN else "absent"] for name in FILES])
    for name in WRITTEN:
        with open(folder / f"{name}.csv", "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS["users-1.1" if name == "users" else name], extrasaction="raise")
            writer.writeheader()
            writer.writerows(rows[name])
    return {name: len(found) for name, found in rows.items()}


def _user(sourced_id: str, role: str, given: str, family: str, school: int, email: str, agents: str = "", grades: str = "") -> dict:
    return {"sourcedId": sourced_id, "enabledUser": "true", "orgSourcedIds": f"{PREFIX}sch-{school}", "role": role, "username": sourced_id,
            "givenName": given, "familyName": family, "identifier": sourced_id, "email": email, "agentSourcedIds": agents,
            "grades": grades}


def _users(rows: dict, school_ids: list[int]) -> None:
    students = Student.objects.filter(school_id__in=school_ids).values_list("pk", "first_name", "last_name", "school_id", "grade_level")
    for pk, first, last, school, grade in students.order_by("pk"):
        rows["users"].append(_user(f"{PREFIX}stu-{pk}", "student", first, last, school, "", grades=grade.zfill(2)))
    guardianships = Guardianship.objects.filter(student__school_id__in=school_ids).values_list(
        "guardian_id", "guardian__first_name", "guardian__last_name", "student_id", "student__school_id")
    for guardian, first, last, student, school in guardianships.order_by("guardian_id"):
        rows["users"].append(_user(f"{PREFIX}par-{guardian}", "parent", first, last, school, f"par-{guardian}@import.bench.test",
                                   agents=f"{PREFIX}stu-{student}"))
    teachers = Section.teachers.through.objects.filter(section__school_id__in=school_ids).values_list(
        "user_id", "user__first_name", "user__last_name", "section__school_id").order_by("user_id")
    seen = set()
    for pk, first, last, school in teachers:
        if pk not in seen:
            seen.add(pk)
            rows["users"].append(_user(f"{PREFIX}tea-{pk}", "teacher", first, last, school, f"tea-{pk}@import.bench.test"))


def _classes(rows: dict, school_ids: list[int]) -> None:
    for section in Section.objects.filter(school_id__in=school_ids).prefetch_related("teachers").order_by("pk"):
        rows["classes"].append({"sourcedId": f"{PREFIX}cls-{section.pk}", "title": section.name, "courseSourcedId": f"{PREFIX}course-1",
                                "classType": "scheduled", "schoolSourcedId": f"{PREFIX}sch-{section.school_id}",
                                "termSourcedIds": f"{PREFIX}term-{section.term_id}", "periods": section.period})
        for teacher in section.teachers.all():
            rows["enrollments"].append({"sourcedId": f"{PREFIX}enr-t-{section.pk}-{teacher.pk}", "classSourcedId": f"{PREFIX}cls-{section.pk}",
                                        "schoolSourcedId": f"{PREFIX}sch-{section.school_id}", "userSourcedId": f"{PREFIX}tea-{teacher.pk}",
                                        "role": "teacher"})
    enrollments = Enrollment.objects.filter(section__school_id__in=school_ids).values_list("pk", "section_id", "section__school_id", "student_id")
    for pk, section, school, student in enrollments.order_by("pk"):
        rows["enrollments"].append({"sourcedId": f"{PREFIX}enr-{pk}", "classSourcedId": f"{PREFIX}cls-{section}",
                                    "schoolSourcedId": f"{PREFIX}sch-{school}", "userSourcedId": f"{PREFIX}stu-{student}", "role": "student"})
