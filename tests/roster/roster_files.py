"""Write synthetic OneRoster packages for tests and for the P5 import benchmark.

    python -m tests.roster.roster_files /tmp/big 10000 600 15000 40000   # students staff guardians enrollments
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from roster.importers.oneroster import COLUMNS

FILES = ["orgs", "academicSessions", "classes", "users", "enrollments", "courses", "demographics", "roles"]


@dataclass
class RosterFiles:
    """A district of `schools` schools; rows are plain dicts so a test can edit any cell before writing."""

    students: int = 6
    staff: int = 2
    guardians: int = 4
    enrollments: int = 10
    schools: int = 2
    version: str = "1.1"
    district_id: str = "dist-1"
    rows: dict[str, list[dict]] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.rows = {name: [] for name in FILES}
        self._orgs()
        self.rows["academicSessions"].append(
            {"sourcedId": "term-1", "title": "School year", "type": "schoolYear", "startDate": "2020-08-15",
             "endDate": "2040-06-20", "schoolYear": "2040"}
        )
        self._users()
        self._classes_and_enrollments()

    def _orgs(self):
        self.rows["orgs"].append({"sourcedId": self.district_id, "name": "Synthetic District", "type": "district"})
        for n in range(self.schools):
            self.rows["orgs"].append({"sourcedId": f"sch-{n}", "name": f"School {n}", "type": "school", "parentSourcedId": self.district_id})

    def _user(self, sourced_id, role, given, family, school, agents="", email=True):
        row = {"sourcedId": sourced_id, "enabledUser": "true", "username": sourced_id, "givenName": given,
               "familyName": family, "email": f"{sourced_id}@synthetic.test" if email else "", "agentSourcedIds": agents,
               "grades": "05" if role == "student" else "", "identifier": sourced_id}
        if self.version == "1.1":
            row.update({"orgSourcedIds": school, "role": role})
        else:
            self.rows["roles"].append({"sourcedId": f"role-{sourced_id}", "userSourcedId": sourced_id, "roleType": "primary",
                                       "role": role, "orgSourcedId": school})
        self.rows["users"].append(row)

    def _users(self):
        for n in range(self.students):
            self._user(f"stu-{n}", "student", f"Student{n}", f"Family{n}", f"sch-{n % self.schools}", email=False)
        for n in range(self.staff):
            self._user(f"tea-{n}", "teacher", f"Teacher{n}", f"Staff{n}", f"sch-{n % self.schools}")
        for n in range(self.guardians):
            child = n % max(self.students, 1)
            self._user(f"par-{n}", "parent", f"Parent{n}", f"Family{child}", f"sch-{child % self.schools}", agents=f"stu-{child}")

    def _classes_and_enrollments(self):
        per_student = -(-self.enrollments // max(self.students, 1))  # ceiling
        class_count = max(self.staff, self.schools * per_student, 1)
        for n in range(class_count):
            school = f"sch-{n % self.schools}"
            self.rows["classes"].append({"sourcedId": f"cls-{n}", "title": f"Class {n}", "courseSourcedId": "course-1",
                                         "classType": "scheduled", "schoolSourcedId": school,
                                         "termSourcedIds": "term-1", "periods": str(n % 8 + 1)})
            if self.staff:
                teacher = n % self.staff
                self.rows["enrollments"].append({"sourcedId": f"enr-t-{n}", "classSourcedId": f"cls-{n}", "schoolSourcedId": school,
                                                 "userSourcedId": f"tea-{teacher}", "role": "teacher"})
        # Each student joins classes of their own school until `enrollments` rows exist.
        classes_of = {s: [n for n in range(class_count) if n % self.schools == s] for s in range(self.schools)}
        made = 0
        for round_ in range(per_student):
            for n in range(self.students):
                if made == self.enrollments:
                    return
                own = classes_of[n % self.schools]
                c = own[(n // self.schools + round_) % len(own)]
                self.rows["enrollments"].append({"sourcedId": f"enr-{n}-{c}", "classSourcedId": f"cls-{c}", "schoolSourcedId": f"sch-{c % self.schools}",
                                                 "userSourcedId": f"stu-{n}", "role": "student"})
                made += 1

    def write(self, folder: Path, mode: str = "bulk") -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        names = ["orgs", "academicSessions", "classes", "users", "enrollments"] + (["roles"] if self.version == "1.2" else [])
        with open(folder / "manifest.csv", "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["propertyName", "value"])
            writer.writerows([["manifest.version", "1.0"], ["oneroster.version", self.version]])
            for name in FILES:
                writer.writerow([f"file.{name}", self.modes.get(name, mode if name in names else "absent")])
        for name in names:
            if self.modes.get(name, mode) == "absent":
                continue
            columns = COLUMNS[f"users-{self.version}" if name == "users" else name]
            with open(folder / f"{name}.csv", "w", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=columns, extrasaction="raise")
                writer.writeheader()
                writer.writerows(self.rows[name])
        return folder


if __name__ == "__main__":
    target, students, staff, guardians, enrollments = sys.argv[1], *map(int, sys.argv[2:6])
    RosterFiles(students=students, staff=staff, guardians=guardians, enrollments=enrollments, schools=20).write(Path(target))
    print(f"wrote {target}")
