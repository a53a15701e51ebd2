from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import get_language
from simple_history.models import HistoricalRecords

from roster.models import Section, Student

from . import mastery


class Framework(models.Model):
    """A set of competencies, authored here or imported from a CASE CFDocument."""

    class Method(models.TextChoices):
        LATEST = mastery.LATEST, _("Latest result")
        HIGHEST = mastery.HIGHEST, _("Highest result")
        AVERAGE = mastery.AVERAGE, _("Average of all results")
        DECAYING_AVERAGE = mastery.DECAYING_AVERAGE, _("Decaying average (newest counts most)")
        N_TIMES_AT_MASTERY = mastery.N_TIMES_AT_MASTERY, _("Reached mastery a number of times")
        POWER_LAW = mastery.POWER_LAW, _("Power law trend (predicted current level)")

    identifier = models.CharField(max_length=255, unique=True, help_text=_("CASE identifier; kept on re-import"))
    uri = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=300)
    subject = models.CharField(max_length=100, blank=True)
    grade_range = models.CharField(max_length=50, blank=True)
    source_uri = models.CharField(_("source URL"), max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)
    creator = models.CharField(max_length=300, blank=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    mastery_method = models.CharField(max_length=32, choices=Method.choices, default=Method.DECAYING_AVERAGE)
    decay_weight = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.65"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("Decaying average: how much the newest result counts, for example 0.65"),
    )
    n_times = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    min_evidence = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text=_("Fewer results than this show 'not enough evidence yet'")
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProficiencyScale(models.Model):
    framework = models.OneToOneField(Framework, on_delete=models.CASCADE, related_name="scale")
    name = models.CharField(max_length=100, default="Four-level scale")
    mastery_threshold = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal(3), help_text=_("A mastery value at or above this is mastered")
    )

    def __str__(self) -> str:
        return self.name


class ProficiencyLevel(models.Model):
    scale = models.ForeignKey(ProficiencyScale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="one_level_per_value")]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class Competency(models.Model):
    """A node of a framework's tree: a domain, a cluster, a standard or a skill."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    identifier = models.CharField(max_length=255)
    uri = models.CharField(max_length=500, blank=True)
    code = models.CharField(_("code"), max_length=100, blank=True, help_text=_("For example 5.NF.1"))
    statement = models.TextField()
    short_statement = models.CharField(max_length=300, blank=True)
    # What families and students read (issue 17.2): written by the district's curriculum staff in plain words, in
    # English and in Spanish; empty means the framework's abbreviated statement (`plain_statement`).
    family_statement = models.CharField(_("statement for families (English)"), max_length=300, blank=True,
                                        help_text=_("Plain words a parent understands. Empty: the framework's short statement."))
    family_statement_es = models.CharField(_("statement for families (Spanish)"), max_length=300, blank=True,
                                           help_text=_("The same in Spanish. Empty: the English statement for families."))
    item_type = models.CharField(max_length=60, blank=True)
    education_level = models.CharField(max_length=60, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(default=False, help_text=_("Gone from the source framework; kept for its evidence"))
    last_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["framework", "position", "pk"]
        verbose_name_plural = "competencies"
        constraints = [models.UniqueConstraint(fields=["framework", "identifier"], name="one_competency_per_identifier")]

    def __str__(self) -> str:
        return f"{self.short_code} {self.short_statement or self.statement[:80]}".strip()

    def plain_statement(self, language: str | None = None) -> str:
        """THE wording of this competency for families and students, in `language` (default: the active one): the
        district's family statement in that language, else in English, else the framework's abbreviated statement,
        else its full statement. Never cut: a page that must shorten it uses the `shorten` filter (word boundary)."""
        language = (language or get_language() or "en").split("-")[0]
        own = self.family_statement_es if language == "es" else ""
        return own or self.family_statement or self.short_statement or self.statement

    @property
    def short_code(self) -> str:
        """`CCSS.Math.Content.5.NF.A.1` reads as `5.NF.A.1`."""
        return self.code.removeprefix("CCSS.Math.Content.").removeprefix("CCSS.ELA-Literacy.")


class Prerequisite(models.Model):
    """`prerequisite` opens `competency` (CASE `precedes`: origin precedes destination)."""

    prerequisite = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="opens")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="prerequisite_links")
    # Imported links follow the source on re-import; links authored here are left alone.
    is_imported = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prerequisite", "competency"], name="one_prerequisite_link"),
            models.CheckConstraint(condition=~Q(prerequisite=F("competency")), name="no_self_prerequisite"),
        ]


class SectionCompetency(models.Model):
    """A class teaches this competency; all of them mastered earns the course's credit."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="competency_links")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="section_links")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["section", "competency"], name="one_link_per_section_competency")]


class EvidenceQuerySet(models.QuerySet):
    def current(self) -> EvidenceQuerySet:
        """The results that count (mastery, charts, offers): every one not voided. A voided result stays, with its
        reason, in the row, its history and the family's record export."""
        return self.filter(voided_at__isnull=True)


class Evidence(models.Model):
    """One result of a student on one competency. Corrected or voided with a reason, never deleted: each version is
    kept in its history (who, when, what, why: history_change_reason)."""

    class Kind(models.TextChoices):
        QUIZ = "quiz", _("Quiz")
        TEST = "test", _("Test")
        PERFORMANCE_TASK = "performance_task", _("Performance task")
        PROJECT = "project", _("Project")
        CLASSWORK = "classwork", _("Classwork")
        CONVERSATION = "conversation", _("Conversation with the teacher")
        OBSERVATION = "observation", _("Observation")

    class Demonstration(models.TextChoices):
        # UDL: multiple means of action and expression.
        WRITTEN = "written", _("Written")
        ORAL = "oral", _("Spoken (oral)")
        PROJECT = "project", _("Project")
        PERFORMANCE = "performance", _("Performance or presentation")
        PRODUCT = "product", _("Something made (a product)")
        OBSERVATION = "observation", _("Seen by the teacher (observation)")

    class Accommodation(models.TextChoices):
        READ_ALOUD = "read_aloud", _("Read aloud")
        EXTENDED_TIME = "extended_time", _("Extended time")
        SPEECH_TO_TEXT = "speech_to_text", _("Speech-to-text")
        SCRIBE = "scribe", _("Scribe")
        CALCULATOR = "calculator", _("Calculator")
        BREAKS = "breaks", _("Breaks")
        SMALL_GROUP = "small_group", _("Small group or separate setting")
        LARGE_PRINT = "large_print", _("Large print")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="evidence")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="evidence")
    score = models.DecimalField(max_digits=4, decimal_places=2)
    observed_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    demonstration = models.CharField(max_length=20, choices=Demonstration.choices)
    accommodations = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    void_reason = models.CharField(max_length=300, blank=True)

    objects = EvidenceQuerySet.as_manager()
    # why each correction or removal was made, as long as the form lets people say it
    history = HistoricalRecords(history_change_reason_field=models.CharField(max_length=300, null=True))

    class Meta:
        ordering = ["observed_on", "pk"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["student", "competency", "observed_on"], name="evidence_student_comp_date")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.competency_id} {self.score} on {self.observed_on}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def accommodation_labels(self) -> list[str]:
        labels = dict(self.Accommodation.choices)
        return [str(labels.get(key, key)) for key in self.accommodations]


class MasteryQuerySet(models.QuerySet):
    """THE reader of effective mastery: every page, path and signal asks these, never the computed columns."""

    def mastered(self) -> MasteryQuerySet:
        """Rows whose effective state (the computed one, or a teacher's override) is mastered."""
        return self.filter(effective_mastered=True)

    def mastered_ids(self) -> dict[int, set[int]]:
        """{student id: ids of the competencies they have mastered}, over the rows of this queryset (one query)."""
        found: dict[int, set[int]] = defaultdict(set)
        for student_id, competency_id in self.mastered().values_list("student_id", "competency_id"):
            found[student_id].add(competency_id)
        return found


class Mastery(models.Model):
    """The stored mastery of one student on one competency: how it was computed, a teacher's override, and the
    effective state every page reads (kept by every write: competencies.services and competencies.recompute)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="masteries")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="masteries")
    value = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    is_mastered = models.BooleanField(default=False)
    evidence_count = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=32, choices=Framework.Method.choices)
    params = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    override_value = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    override_reason = models.CharField(max_length=300, blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # mastery.effective(value, is_mastered, override_value, threshold), stored
    effective_value = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    effective_mastered = models.BooleanField(default=False)
    mastered_on = models.DateField(null=True, blank=True, help_text=_("The day the effective state was first reached"))

    objects = MasteryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "masteries"
        constraints = [
            models.UniqueConstraint(fields=["student", "competency"], name="one_mastery_per_student_competency"),
            models.CheckConstraint(condition=Q(effective_mastered=False, mastered_on__isnull=True) | Q(effective_mastered=True, mastered_on__isnull=False),
                                   name="mastered_on_iff_mastered"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.competency_id} {self.effective_value}"

    @property
    def is_overridden(self) -> bool:
        return self.override_value is not None


class ImportJob(models.Model):
    """A CASE import run in the background; the page shows its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking the file")
        WRITING = "writing", _("Saving the framework")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Refused")

    source_name = models.CharField(max_length=300)
    payload = models.TextField(help_text=_("The uploaded file, kept until the import ends"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    item_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    framework = models.ForeignKey(Framework, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.WRITING}
