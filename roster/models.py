import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

ADULT_AGE = 18


def eighteenth_birthday_cutoff(today: date) -> date:
    """Students born on or before this date are 18 or older today."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


class District(models.Model):
    name = models.CharField(max_length=200)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    requires_staff_two_factor = models.BooleanField(
        _("staff must use two-factor sign-in"),
        default=False,
        help_text=_("When on, school staff need a code from an authenticator app before they can open student pages."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TermQuerySet(models.QuerySet):
    def current(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, end_date__gte=today)


class Term(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField(max_length=100)
    start_date = models.DateField()
    end_date = models.DateField()
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="term_ends_after_start")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.start_date <= timezone.localdate() <= self.end_date


class Section(models.Model):
    """A class: a group of students taught together in one term."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sections")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(max_length=200)
    subject = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=20, blank=True)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="sections_taught", blank=True)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["period", "name"]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    class Plan(models.TextChoices):
        NONE = "none", _("No plan")
        IEP = "iep", _("IEP")
        SECTION_504 = "504", _("504 plan")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="student_record"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    grade_level = models.CharField(max_length=10, help_text=_("For example: K, 3, 11"))
    date_of_birth = models.DateField(null=True, blank=True)
    student_number = models.CharField(max_length=50, blank=True)
    plan = models.CharField(max_length=8, choices=Plan.choices, default=Plan.NONE)
    # Restricted to the special-education team, the director and the family (roster/access.py).
    disability_category = models.CharField(max_length=100, blank=True)
    # An adult student whose parents keep access to records (claimed as a dependent, FERPA 99.31(a)(8)).
    is_dependent_adult = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["school", "plan"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def has_plan(self) -> bool:
        return self.plan != self.Plan.NONE

    @property
    def is_adult(self) -> bool:
        return self.date_of_birth is not None and self.date_of_birth <= eighteenth_birthday_cutoff(timezone.localdate())


class Enrollment(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="enrollments")
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "section"], name="one_enrollment_per_section")]

    def __str__(self) -> str:
        return f"{self.student} in {self.section}"


class Guardianship(models.Model):
    class Relationship(models.TextChoices):
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Guardian")
        RELATIVE = "relative", _("Relative")
        OTHER = "other", _("Other")

    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.PARENT)
    # FERPA: a guardian may be barred from education records (court order, for example).
    may_access_records = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["guardian", "student"], name="one_guardianship_per_pair")]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_relationship_display()}) of {self.student}"


class StaffAssignment(models.Model):
    """A staff member's role at a school, or at the district when school is empty."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        SPECIAL_EDUCATOR = "special_educator", _("Special educator")
        SISP = "sisp", _("Specialized instructional support")
        SCHOOL_LEADER = "school_leader", _("School leader")
        SPED_DIRECTOR = "sped_director", _("Special education director")
        DISTRICT_ADMIN = "district_admin", _("District administrator")

    DISTRICT_ROLES = frozenset({Role.SPED_DIRECTOR, Role.DISTRICT_ADMIN})

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="staff_assignments")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="staff_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "district", "school", "role"], name="one_assignment_per_role"),
            models.CheckConstraint(
                condition=Q(role__in=["sped_director", "district_admin"], school__isnull=True)
                | (~Q(role__in=["sped_director", "district_admin"]) & Q(school__isnull=False)),
                name="district_roles_have_no_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.school or self.district})"


class CaseloadQuerySet(models.QuerySet):
    def active_case_managers(self):
        """Who is a student's case manager today: an active entry of an active account (at most one a student)."""
        return self.filter(role=Caseload.Role.CASE_MANAGER, is_active=True, staff__is_active=True)


class Caseload(models.Model):
    """A case manager or a support specialist (SISP) responsible for a student."""

    class Role(models.TextChoices):
        CASE_MANAGER = "case_manager", _("Case manager")
        SERVICE_PROVIDER = "service_provider", _("Service provider")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="caseload_entries")
    role = models.CharField(max_length=20, choices=Role.choices)
    service = models.CharField(max_length=100, blank=True, help_text=_("For example: Speech-language therapy"))
    is_active = models.BooleanField(default=True)

    objects = CaseloadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "student", "role"], name="one_caseload_entry_per_role"),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(role="case_manager", is_active=True),
                name="one_active_case_manager_per_student",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.get_role_display()} for {self.student}"


# --- OneRoster import ---------------------------------------------------------


class RosterIdentity(models.Model):
    """The OneRoster sourcedId of a staff member or guardian in one district (students keep theirs on Student).

    Lives here rather than on User because accounts sits below roster: an account
    knows nothing about districts."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="roster_identities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_identities")
    sourced_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "sourced_id"], name="one_user_per_sourced_id"),
            models.UniqueConstraint(fields=["district", "user"], name="one_sourced_id_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.sourced_id} → {self.user}"


class TeachingEnrollment(models.Model):
    """A teacher's enrollment in a class as the roster file names it. Section.teachers is kept in step;
    this row keeps the sourcedId so a delta file can remove that one teacher."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="teaching_enrollments")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teaching_enrollments")
    sourced_id = models.CharField(max_length=255, unique=True)

    def __str__(self) -> str:
        return f"{self.teacher} teaches {self.section}"


class ImportRun(models.Model):
    """One OneRoster import (or dry run): the uploaded package, its progress and its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        SUCCEEDED = "succeeded", _("Finished")
        REFUSED = "refused", _("Refused: nothing was changed")
        FAILED = "failed", _("Stopped by an unexpected error: nothing was changed")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="import_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    # The zip itself, so a worker on another machine can read it; emptied once a real import ends.
    package = models.BinaryField(default=b"", editable=False)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    version = models.CharField(max_length=8, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.REFUSED, self.Status.FAILED}


class Draft(models.Model):
    """Text a person typed into a long form about a student, kept on the server when their session is about
    to end (quality.md T9.6; never in the browser's storage, ASVS 8.2.2). One per person, student and form;
    given back (and removed) the next time that person opens the form. See roster/drafts.py."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="drafts")
    form = models.CharField(max_length=60)
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "student", "form"], name="one_draft_per_person_student_form")]

    def __str__(self) -> str:
        return f"Draft of {self.form} by {self.user_id} about {self.student_id}"
