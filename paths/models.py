"""Learning paths: templates a teacher builds, each student's own copy, and small-group sessions.

A template is copied when it is assigned (copy-on-assign): a student's path, steps and options
are their own rows, so adapting one student's path never touches the template or anyone else.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from competencies.models import Competency, Framework
from roster.models import School, Section, Student


class OptionKind(models.TextChoices):
    LEARN = "learn", _("Ways to learn")
    SHOW = "show", _("Ways to show what I learned")


class OptionMode(models.TextChoices):
    # UDL: several means of representation (read, watch, listen) and of action and expression.
    READ = "read", _("Read")
    WATCH = "watch", _("Watch")
    LISTEN = "listen", _("Listen")
    BUILD = "build", _("Build or use objects")
    PRACTICE = "practice", _("Practise with the teacher")
    WRITE = "write", _("Write")
    VIDEO = "video", _("Make a video")
    PRESENT = "present", _("Present or talk it through")
    DRAW = "draw", _("Draw or diagram")


class OptionFields(models.Model):
    """What one way to learn or to show learning says, on a template step and on a student's step."""

    kind = models.CharField(_("kind"), max_length=8, choices=OptionKind.choices)
    mode = models.CharField(_("how"), max_length=10, choices=OptionMode.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link or material"), blank=True, max_length=500)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated time in minutes"), default=20)
    accessibility_notes = models.CharField(
        _("accessibility notes"), max_length=300, blank=True, help_text=_("For example: captions available, read-aloud friendly")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["kind", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class PathTemplate(models.Model):
    """An ordered set of steps a teacher builds once and assigns to a class or to chosen students."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="path_templates")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="path_templates")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class TemplateStep(models.Model):
    template = models.ForeignKey(PathTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_days = models.PositiveSmallIntegerField(_("target duration in school days"), default=10)
    competencies = models.ManyToManyField(Competency, related_name="template_steps")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class TemplateOption(OptionFields):
    step = models.ForeignKey(TemplateStep, on_delete=models.CASCADE, related_name="options")

    class Meta(OptionFields.Meta):
        pass


class StudentPath(models.Model):
    """One student's own path, copied from a template when it was assigned."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="learning_paths")
    template = models.ForeignKey(PathTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="student_paths")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="student_paths")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "template"], condition=Q(is_active=True), name="one_active_path_per_student_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.student_id})"


class PathStep(models.Model):
    class Status(models.TextChoices):
        LOCKED = "locked", _("Not open yet")
        OPEN = "open", _("Open: working on it")
        MASTERED = "mastered", _("Done: mastered")
        SKIPPED = "skipped", _("Skipped by the teacher")

    DONE = frozenset({Status.MASTERED, Status.SKIPPED})

    path = models.ForeignKey(StudentPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_date = models.DateField(_("target date"))
    competencies = models.ManyToManyField(Competency, related_name="path_steps")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOCKED)
    status_reason = models.CharField(max_length=300, blank=True)
    # Opened by the teacher ahead of the path's order: stays open whatever comes before it.
    opened_by_hand = models.BooleanField(default=False)
    opened_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    chosen_learn = models.ForeignKey("PathOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    chosen_show = models.ForeignKey("PathOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    choice_reason = models.CharField(max_length=300, blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(status__in=["mastered", "skipped"]), name="only_done_steps_have_finished_on"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE


class PathOption(OptionFields):
    step = models.ForeignKey(PathStep, on_delete=models.CASCADE, related_name="options")

    class Meta(OptionFields.Meta):
        pass


class PathEvent(models.Model):
    """What happened to a path, in words people read: adaptations, steps opened or skipped by hand,
    steps opened or finished by mastery, the student's choices. Append-only."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        STEP_ADDED = "step_added", _("Step added")
        STEP_REMOVED = "step_removed", _("Step removed")
        STEP_MOVED = "step_moved", _("Step moved")
        STEP_CHANGED = "step_changed", _("Step changed")
        RESCHEDULED = "rescheduled", _("Dates changed")
        OPENED_BY_HAND = "opened", _("Opened by the teacher")
        SKIPPED = "skipped", _("Skipped by the teacher")
        OPENED = "unlocked", _("Opened: ready to learn")
        MASTERED = "mastered", _("Mastered")
        CHOSE = "chose", _("Student's choice")

    path = models.ForeignKey(StudentPath, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    step_title = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.step_title}"


class LearningSession(models.Model):
    """Small-group instruction, tutoring or an online class, with a staff member, a room and a time."""

    class Kind(models.TextChoices):
        SMALL_GROUP = "small_group", _("Small-group instruction")
        TUTORING = "tutoring", _("Tutoring")
        ONLINE = "online", _("Online class")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="learning_sessions")
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="learning_sessions")
    kind = models.CharField(_("kind of session"), max_length=12, choices=Kind.choices, default=Kind.SMALL_GROUP)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_sessions_led")
    room = models.CharField(_("room or link"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=30)
    focus = models.CharField(_("focus"), max_length=300, blank=True)
    students = models.ManyToManyField(Student, related_name="learning_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="session_has_a_length")]
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

