"""Reads that pages share, already scoped to the viewer and already joined."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from accounts.models import Invitation, User

from .access import guarded_students, visible_students
from .models import Caseload, District, Enrollment, Guardianship, ImportRun, School, Section, StaffAssignment, Student


def current_sections_taught(user: User) -> QuerySet[Section]:
    """This term's sections of a teacher, each with its students in name order."""
    today = timezone.localdate()
    students = Prefetch(
        "enrollments",
        queryset=Enrollment.objects.select_related("student").order_by("student__last_name", "student__first_name"),
    )
    return (
        Section.objects.filter(teachers=user, term__start_date__lte=today, term__end_date__gte=today)
        .select_related("school", "term")
        .prefetch_related(students)
    )


def caseload_for(user: User) -> QuerySet[Caseload]:
    return (
        Caseload.objects.filter(staff=user, is_active=True)
        .select_related("student__school")
        .order_by("student__last_name", "student__first_name")
    )


def children_of(user: User) -> QuerySet[Student]:
    """A guardian's children whose records they may see (the policy decides which: those the family pages open)."""
    return guarded_students(user).select_related("school")


def student_directory(user: User, *, query: str = "", plan: str = "") -> QuerySet[Student]:
    students = visible_students(user).select_related("school")
    if query:
        for word in query.split()[:5]:
            students = students.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(preferred_name__icontains=word)
            )
    if plan in Student.Plan.values:
        students = students.filter(plan=plan)
    return students.order_by("last_name", "first_name", "pk")


def student_record(student: Student) -> dict:
    """The basic record shown on a student page: sections this term, guardians, staff around them."""
    today = timezone.localdate()
    sections = (
        Section.objects.filter(enrollments__student=student, term__start_date__lte=today, term__end_date__gte=today)
        .prefetch_related("teachers")
        .order_by("period", "name")
    )
    return {
        "sections": list(sections),
        "guardianships": list(
            Guardianship.objects.filter(student=student, is_active=True).select_related("guardian").order_by("guardian__last_name")
        ),
        "caseload": list(
            Caseload.objects.filter(student=student, is_active=True).select_related("staff").order_by("role", "staff__last_name")
        ),
    }


def district_overview(user: User) -> QuerySet[School]:
    """Counts per school for a district administrator: configuration, not student narratives."""
    today = timezone.localdate()
    districts = StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.DISTRICT_ADMIN).values("district")
    return (
        School.objects.filter(district__in=districts)
        .annotate(
            student_count=Count("students", filter=Q(students__is_active=True), distinct=True),
            section_count=Count(
                "sections",
                filter=Q(sections__term__start_date__lte=today, sections__term__end_date__gte=today),
                distinct=True,
            ),
            staff_count=Count("staff_assignments", distinct=True),
        )
        .select_related("district")
        .order_by("name")
    )


def administered_district(user: User) -> District | None:
    assignment = (
        StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.DISTRICT_ADMIN).select_related("district").first()
    )
    return assignment.district if assignment is not None else None


def import_runs_for(district: District) -> QuerySet[ImportRun]:
    """A district's import runs, newest first, without the uploaded file itself."""
    return ImportRun.objects.filter(district=district).select_related("started_by").defer("package")


def district_people(district: District) -> QuerySet[User]:
    """Staff and guardians of a district: who may be invited to sign in."""
    staff = StaffAssignment.objects.filter(user=OuterRef("pk"), district=district)
    family = Guardianship.objects.filter(guardian=OuterRef("pk"), student__school__district=district, is_active=True)
    return User.objects.filter(Exists(staff) | Exists(family), role__in=[*User.STAFF_ROLES, User.Role.GUARDIAN])


def district_accounts(district: District) -> QuerySet[User]:
    """Everyone who signs in through this district: its staff (any role), families and students.
    The district administrator manages these accounts (sign-in lockouts, quality.md T5.2)."""
    staff = StaffAssignment.objects.filter(user=OuterRef("pk"), district=district)
    family = Guardianship.objects.filter(guardian=OuterRef("pk"), student__school__district=district, is_active=True)
    own = Student.objects.filter(user=OuterRef("pk"), school__district=district)
    return User.objects.filter(Exists(staff) | Exists(family) | Exists(own))


def invitations_for(district: District, *, state: str = "") -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(user__in=district_people(district)).select_related("user")
    now = timezone.now()
    if state == "pending":
        invitations = invitations.filter(accepted_at=None, expires_at__gt=now)
    elif state == "expired":
        invitations = invitations.filter(accepted_at=None, expires_at__lte=now)
    elif state == "accepted":
        invitations = invitations.exclude(accepted_at=None)
    return invitations.order_by("user__last_name", "user__first_name", "pk")


def people_to_invite(district: District) -> QuerySet[User]:
    """Active people of the district with no password yet and no open invitation."""
    open_invitation = Invitation.objects.filter(user=OuterRef("pk"), accepted_at=None)
    return district_people(district).filter(is_active=True, password__startswith="!").exclude(Exists(open_invitation))  # nosec B106 (Django's mark of an unusable password)


# --- Students nobody answers for ----------------------------------------------------------------------

WITHOUT_CASE_MANAGER_SHOWN = 50


@dataclass(frozen=True)
class WithoutCaseManager:
    """Active students with an IEP and no active case manager: how many, and the first `shown` by school and name."""

    count: int
    students: list[Student]
    shown: int = WITHOUT_CASE_MANAGER_SHOWN


def without_case_manager(students: QuerySet[Student]) -> WithoutCaseManager:
    """Which of `students` (already scoped to the reader) have an IEP and no active case manager: nobody is
    told of their family's input, and their reviews have no one to run them. One query (the count rides on
    each row), whatever their number."""
    rows = list(
        students.filter(plan=Student.Plan.IEP, is_active=True)
        .exclude(Exists(Caseload.objects.active_case_managers().filter(student=OuterRef("pk"))))
        .select_related("school").annotate(total=Window(Count("pk")))
        .order_by("school__name", "last_name", "first_name", "pk")[:WITHOUT_CASE_MANAGER_SHOWN]
    )
    return WithoutCaseManager(count=rows[0].total if rows else 0, students=rows)


def without_case_manager_per_school(students: QuerySet[Student]) -> list[dict]:
    """The same students counted per school, with no names: what the district administrator, who keeps the
    roster but not student records, may know ("no student records", README; issue 15.4)."""
    return list(
        students.filter(plan=Student.Plan.IEP, is_active=True)
        .exclude(Exists(Caseload.objects.active_case_managers().filter(student=OuterRef("pk"))))
        .values("school__name").annotate(n=Count("pk")).order_by("school__name")
    )


def administered_students(user: User) -> QuerySet[Student]:
    """Every student of the districts `user` administers (for counts and repairs, not their records)."""
    districts = StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.DISTRICT_ADMIN).values("district")
    return Student.objects.filter(school__district__in=districts)
