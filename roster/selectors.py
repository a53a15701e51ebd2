"""Reads that pages share, already scoped to the viewer and already joined."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .access import visible_students
from .models import Caseload, Enrollment, Guardianship, School, Section, StaffAssignment, Student


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
    """A guardian's children whose records they may see (the policy decides which)."""
    return visible_students(user).filter(guardianships__guardian=user).select_related("school").distinct()


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
