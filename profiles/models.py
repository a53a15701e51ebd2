"""The learner profile: free-text sections people write, and the structured parts people filter
or count (goals, accommodations). Every row is versioned for optimistic concurrency (services.py)
and kept in history (django-simple-history)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Visibility(models.TextChoices):
    """Who may read a section. Each wider audience includes the narrower one: the family may read
    everything the student may (parents hold the education-record rights of a minor, FERPA 99.4)."""

    STAFF = "staff", _("School staff only")
    FAMILY = "family", _("Staff and family")
    STUDENT = "student", _("Staff, family and the student")


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True


class ProfileSection(Versioned):
    class Kind(models.TextChoices):
        STRENGTHS = "strengths", _("Strengths")
        NEEDS = "needs", _("Needs")
        INTERESTS = "interests", _("Interests")
        MOTIVATIONS = "motivations", _("What motivates them")
        ENGAGEMENT = "engagement", _("Engagement: how they get interested and keep going")
        REPRESENTATION = "representation", _("Representation: how they take in information")
        ACTION_EXPRESSION = "action_expression", _("Action and expression: how they show what they know")
        SUPPORTS = "supports", _("Supports and services")
        EXECUTIVE_FUNCTIONING = "executive_functioning", _("Executive functioning")
        ABOUT_ME = "about_me", _("About me: how I learn best")
        EVALUATION = "evaluation", _("Evaluation details")

    # Kinds whose audience is fixed: the student's own words are always theirs to read, and
    # evaluation details follow the restricted rule of the access policy, not a choice.
    FIXED_VISIBILITY = {Kind.ABOUT_ME: Visibility.STUDENT, Kind.EVALUATION: Visibility.FAMILY}
    DEFAULT_VISIBILITY = {
        Kind.STRENGTHS: Visibility.STUDENT,
        Kind.NEEDS: Visibility.FAMILY,
        Kind.INTERESTS: Visibility.STUDENT,
        Kind.MOTIVATIONS: Visibility.STUDENT,
        Kind.ENGAGEMENT: Visibility.STUDENT,
        Kind.REPRESENTATION: Visibility.STUDENT,
        Kind.ACTION_EXPRESSION: Visibility.STUDENT,
        Kind.SUPPORTS: Visibility.FAMILY,
        Kind.EXECUTIVE_FUNCTIONING: Visibility.STAFF,
        **FIXED_VISIBILITY,
    }
    UDL_KINDS = (Kind.ENGAGEMENT, Kind.REPRESENTATION, Kind.ACTION_EXPRESSION)
    RESTRICTED_KINDS = frozenset({Kind.EVALUATION})
    STUDENT_AUTHORED_KINDS = frozenset({Kind.ABOUT_ME})

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="profile_sections")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.FAMILY)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "kind"], name="one_profile_section_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.student_id})"

    @property
    def is_restricted(self) -> bool:
        return self.kind in self.RESTRICTED_KINDS

    @property
    def has_fixed_visibility(self) -> bool:
        return self.kind in self.FIXED_VISIBILITY


class ProfileGoal(Versioned):
    """A goal on the learner profile. IEP goals (iep app) may point here for their source."""

    class Kind(models.TextChoices):
        ACADEMIC = "academic", _("Academic")
        FUNCTIONAL = "functional", _("Functional")
        EXECUTIVE_FUNCTIONING = "executive_functioning", _("Executive functioning")
        SELF_ADVOCACY = "self_advocacy", _("Self-advocacy")
        SOCIAL_EMOTIONAL = "social_emotional", _("Social-emotional")

    class Owner(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")
        FAMILY = "family", _("Family")
        IEP_TEAM = "iep_team", _("IEP team")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        DISCONTINUED = "discontinued", _("Stopped")

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="profile_goals")
    description = models.TextField(_("goal"))
    kind = models.CharField(_("kind of goal"), max_length=32, choices=Kind.choices)
    owner = models.CharField(_("whose goal"), max_length=16, choices=Owner.choices)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [models.Index(fields=["student", "status"])]

    def __str__(self) -> str:
        return self.description[:60]


class Accommodation(Versioned):
    class Category(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom")
        ASSESSMENT = "assessment", _("Assessment")

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="accommodations")
    category = models.CharField(_("used for"), max_length=16, choices=Category.choices)
    description = models.CharField(_("accommodation"), max_length=300)
    # Optional Spanish version written by staff, shown to Spanish readers (accounts reader_language.staff_text).
    description_es = models.CharField(_("accommodation in Spanish (optional)"), max_length=300, blank=True,
                                      help_text=_("Spanish-speaking families and students read this version when it is written."))
    applies_in = models.CharField(_("where it applies"), max_length=200, help_text=_("For example: all classes, math tests"))
    provided_by = models.CharField(_("who provides it"), max_length=200, help_text=_("For example: classroom teacher"))
    is_active = models.BooleanField(_("currently provided"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "pk"]
        indexes = [models.Index(fields=["student", "category"])]

    def __str__(self) -> str:
        return self.description
