"""Privacy duties: disclosures (FERPA 99.32), amendment requests and statements (99.20-99.22),
departures and purge certificates (IDEA 300.624, NDPA Art. IV §6).

A disclosure record and a purge certificate must outlive the student record they describe, so they
point at the student by UUID and keep a name snapshot; the foreign key is only a convenience and is
cleared when the record is purged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RETENTION_DAYS = 5 * 365


class DisclosureRecord(models.Model):
    """One export or outside share of a student's record: who received it, why, when (FERPA 99.32)."""

    class Kind(models.TextChoices):
        EXPORT_JSON = "export_json", _("Complete record, machine-readable (JSON)")
        EXPORT_PDF = "export_pdf", _("Complete record, readable (PDF)")

    student = models.ForeignKey(
        "roster.Student", null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="disclosures"
    )
    student_uuid = models.UUIDField(db_index=True)
    student_name = models.CharField(max_length=210)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.CharField(_("who receives the record"), max_length=200)
    purpose = models.CharField(_("why they need it"), max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_by_name = models.CharField(max_length=210)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student_uuid", "at"], name="disclosure_student_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"


class AmendmentRequest(models.Model):
    """A parent's request to correct the record (FERPA 99.20): received, then agreed or refused;
    a refusal offers a hearing (99.21), after which the parent may add a statement (99.21(b)(2))."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting for a decision")
        AGREED = "agreed", _("Agreed: the record will be corrected")
        REFUSED = "refused", _("Not changed: you may ask for a hearing")
        HEARING_REQUESTED = "hearing_requested", _("Hearing asked for")
        UPHELD = "upheld", _("Not changed after the hearing")

    OPEN = frozenset({Status.RECEIVED, Status.HEARING_REQUESTED})
    STATEMENT_ALLOWED = frozenset({Status.REFUSED, Status.HEARING_REQUESTED, Status.UPHELD})

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="amendment_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_key = models.CharField(max_length=120)  # "<app>.<Model>:<pk>:<field>" (privacy.registry.item_key)
    item_label = models.CharField(max_length=300)
    reason = models.TextField(_("what is wrong and what it should say"), max_length=4000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    decision_note = models.TextField(blank=True, max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["student", "item_key"], name="amendment_student_item")]

    def __str__(self) -> str:
        return f"Amendment request about {self.item_label}"

    @property
    def hearing_offered(self) -> bool:
        return self.status == self.Status.REFUSED

    @property
    def allows_statement(self) -> bool:
        return self.status in self.STATEMENT_ALLOWED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RecordStatement(models.Model):
    """The parent's statement of disagreement, kept with the contested item and shown wherever the
    item is shown or exported (FERPA 99.21(b)(2), 99.21(c))."""

    request = models.OneToOneField(AmendmentRequest, on_delete=models.CASCADE, related_name="statement")
    text = models.TextField(_("your statement"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Statement on {self.request.item_label}"


class RetentionRule(models.Model):
    """How long a district keeps a departed student's records before the scheduled purge."""

    district = models.OneToOneField("roster.District", on_delete=models.CASCADE, related_name="retention_rule")
    days_after_departure = models.PositiveIntegerField(default=DEFAULT_RETENTION_DAYS)

    def __str__(self) -> str:
        return f"{self.district}: {self.days_after_departure} days"


class Departure(models.Model):
    """When a student left the district: the retention clock starts here."""

    student = models.OneToOneField("roster.Student", on_delete=models.CASCADE, related_name="departure")
    departed_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.student_id} left on {self.departed_on}"


class PermanentRecord(models.Model):
    """What may be kept without time limit after a purge (IDEA 300.624(b)): name, classes attended,
    grade level and year completed. Waypoint holds no address, phone or attendance."""

    district = models.ForeignKey("roster.District", on_delete=models.PROTECT, related_name="+")
    student_uuid = models.UUIDField(unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    grade_level = models.CharField(max_length=10)
    year_completed = models.PositiveIntegerField(null=True, blank=True)
    classes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} (permanent record)"


class PurgeCertificate(models.Model):
    """Proof of deletion for the district: rows removed per table, rows kept and why."""

    district = models.ForeignKey("roster.District", on_delete=models.PROTECT, related_name="+")
    student_uuid = models.UUIDField(db_index=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200)
    deleted = models.JSONField(default=dict)
    kept = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Purge of {self.student_uuid} ({sum(self.deleted.values())} rows)"
