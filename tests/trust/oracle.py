"""A brute-force restatement of the access rules (quality.md T1.5), written from product.md and FERPA,
not from roster/access.py: plain Python over rows loaded once, no ORM filtering."""

from dataclasses import dataclass
from datetime import date

from roster.models import Caseload, Enrollment, Guardianship, StaffAssignment, Student


def is_adult(born: date | None, today: date) -> bool:
    if born is None:
        return False
    return (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) >= 18


@dataclass
class World:
    today: date
    students: list
    teachers_of: dict  # student pk -> set of user pks teaching them in a current term
    caseload_of: dict  # student pk -> set of staff pks (active)
    leaders: set  # (user pk, school pk)
    directors: set  # (user pk, district pk)
    guardians_of: dict  # student pk -> set of guardian pks with an active guardianship and the right to records
    referred: set  # student pks referred for a special education evaluation (Child Find: the director's too)

    @classmethod
    def load(cls, today: date) -> "World":
        students = list(Student.objects.select_related("school"))
        teachers_of: dict = {}
        for e in Enrollment.objects.select_related("section__term").prefetch_related("section__teachers"):
            term = e.section.term
            if term.start_date <= today <= term.end_date:
                teachers_of.setdefault(e.student_id, set()).update(t.pk for t in e.section.teachers.all())
        caseload_of: dict = {}
        for c in Caseload.objects.all():
            if c.is_active:
                caseload_of.setdefault(c.student_id, set()).add(c.staff_id)
        leaders, directors = set(), set()
        for a in StaffAssignment.objects.all():
            if a.role == "school_leader":
                leaders.add((a.user_id, a.school_id))
            if a.role == "sped_director":
                directors.add((a.user_id, a.district_id))
        guardians_of: dict = {}
        for g in Guardianship.objects.all():
            if g.is_active and g.may_access_records:
                guardians_of.setdefault(g.student_id, set()).add(g.guardian_id)
        from mtss.models import Referral

        referred = set(Referral.objects.values_list("student_id", flat=True))
        return cls(today, students, teachers_of, caseload_of, leaders, directors, guardians_of, referred)

    def works_with(self, user, s) -> bool:
        return (
            user.pk in self.teachers_of.get(s.pk, set())
            or user.pk in self.caseload_of.get(s.pk, set())
            or (user.pk, s.school_id) in self.leaders
            or ((s.plan != "none" or s.pk in self.referred) and (user.pk, s.school.district_id) in self.directors)
        )

    def can_view(self, user, s) -> bool:
        if not user.is_active:
            return False
        family = user.pk in self.guardians_of.get(s.pk, set()) and (not is_adult(s.date_of_birth, self.today) or s.is_dependent_adult)
        return self.works_with(user, s) or family or s.user_id == user.pk
