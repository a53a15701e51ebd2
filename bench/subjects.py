"""Who the benchmarks sign in as and which pages they open, picked from the bench district (seed_district)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import User
from mtss.models import SupportPlan
from roster.models import Caseload, District, Guardianship, Section, Student

from .seed.people import DISTRICT_SOURCED_ID


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # teacher, case_manager, director, guardian, student, principal, interventionist
    url: str
    is_grid: bool = False


@dataclass(frozen=True)
class Cast:
    teacher: User
    case_manager: User
    director: User
    guardian: User
    student_user: User
    student: Student
    section: Section
    principal: User | None = None  # the leader of the class's school, on its problem-solving team (MTSS)
    plan: SupportPlan | None = None  # an active tier 3 support plan at that school, with its interventionist

    @property
    def interventionist(self) -> User | None:
        return self.plan.interventionist if self.plan else None

    def user(self, role: str) -> User:
        return getattr(self, "student_user" if role == "student" else role)


class NotSeeded(Exception):
    pass


def cast(*, offset: int = 0) -> Cast:
    """A class of 35, one of its students with an IEP, a family and a path, and the people around them.
    `offset` picks another school's class (the load test spreads its users over several)."""
    district = District.objects.filter(sourced_id=DISTRICT_SOURCED_ID).first()
    if district is None:
        raise NotSeeded("No bench district here: run `manage.py seed_district` on this database first.")
    sections = list(Section.objects.filter(school__district=district).order_by("pk").values_list("pk", flat=True))
    section = Section.objects.get(pk=sections[(offset * 7) % len(sections)])
    students = Student.objects.filter(enrollments__section=section, plan=Student.Plan.IEP, user__isnull=False,
                                      guardianships__isnull=False).order_by("pk")
    student = students.select_related("user").first()
    if student is None:  # a tiny district: any student of the class
        student = Student.objects.filter(enrollments__section=section).select_related("user").order_by("pk").first()
    manager = Caseload.objects.filter(student=student, role=Caseload.Role.CASE_MANAGER).select_related("staff").first()
    principal = (User.objects.filter(role=User.Role.SCHOOL_LEADER, mtss_team_seats__school_id=section.school_id)
                 .order_by("pk").first())
    plan = (SupportPlan.objects.filter(student__school_id=section.school_id, tier=3, is_active=True)
            .select_related("student", "interventionist").order_by("pk").first())
    return Cast(
        teacher=section.teachers.order_by("pk").first(),
        case_manager=manager.staff if manager else User.objects.get(email="director@bench.test"),
        director=User.objects.get(email="director@bench.test"),
        guardian=Guardianship.objects.filter(student=student).select_related("guardian").order_by("pk").first().guardian,
        student_user=student.user, student=student, section=section, principal=principal, plan=plan,
    )


def pages(c: Cast) -> list[Page]:
    """The main page of each role (issue #10), in the order the table prints them."""
    s, sec = c.student.uuid, c.section.pk
    school = c.section.school_id
    return [
        Page("teacher home", "teacher", reverse("roster:staff-home")),
        Page("class mastery grid (35 x 60)", "teacher", reverse("competencies:section-grid", args=[sec]), is_grid=True),
        Page("student profile", "teacher", reverse("profiles:detail", args=[s])),
        Page("student progression", "teacher", reverse("competencies:student-progress", args=[s])),
        Page("student path (student)", "student", reverse("paths:path-detail", args=[s])),
        Page("section pacing", "teacher", reverse("paths:section-pacing", args=[sec])),
        Page("family child page", "guardian", reverse("family_portal:child", args=[s])),
        Page("family child: learning", "guardian", reverse("family_portal:child-learning", args=[s])),
        Page("family child: goals and progress", "guardian", reverse("family_portal:child-goals", args=[s])),
        Page("family child: how they learn best", "guardian", reverse("family_portal:child-about", args=[s])),
        Page("family home", "guardian", reverse("family_portal:home")),
        Page("director queue, filtered", "director", reverse("iep:queue") + f"?school={school}&status=received"),
        Page("director queue, unfiltered", "director", reverse("iep:queue")),
        Page("IEP goal chart", "case_manager", reverse("iep:student-iep", args=[s])),
        Page("deadlines dashboard", "director", reverse("iep:deadlines")),
        Page("student home (student)", "student", reverse("me:home", args=[s])),
        *mtss_pages(c),
    ]


def mtss_pages(c: Cast) -> list[Page]:
    """The MTSS school view for the principal on the school's team, and a tier 3 support plan and its student's MTSS
    page for the plan's interventionist (none in a district too small to have a tier 3 plan)."""
    found = []
    if c.principal is not None:
        found.append(Page("MTSS school view", "principal", reverse("mtss:overview")))
    if c.plan is not None:
        student = c.plan.student.uuid
        found += [Page("support plan, tier 3", "interventionist", reverse("mtss:plan", args=[student, c.plan.pk])),
                  Page("student MTSS page (tier 3)", "interventionist", reverse("mtss:student", args=[student]))]
    return found
