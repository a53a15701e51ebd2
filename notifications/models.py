from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeliveryFailure(models.Model):
    """An outbox email the mail server would not take (quality.md T8.6).

    One row per outbox row (`kind` names the model and its "sent at" column, `object_id` the row) and
    per episode: while `state` is RETRYING the email is being retried after transient errors (nobody is
    shown anything); FAILED (a permanent refusal, or a transient error that outlived every retry) is
    shown to the district administrator and keeps the sweep away from the row; DISMISSED keeps it away
    for good, for the record; SENT_AGAIN lets the sweep (or the row's task) send it again, and a new
    failure opens a new row. The server's answer is kept, never the message."""

    class State(models.TextChoices):
        RETRYING = "retrying", _("Being retried")
        FAILED = "failed", _("Could not be sent")
        DISMISSED = "dismissed", _("Dismissed")
        SENT_AGAIN = "sent_again", _("Sent again")

    BLOCKING = (State.FAILED, State.DISMISSED)

    kind = models.CharField(max_length=100)  # "<app>.<model>.<sent-at field>", e.g. "iep.iepinput.notified_at"
    object_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="delivery_failures")
    to = models.CharField(max_length=500, blank=True)  # the addresses the email was for
    state = models.CharField(max_length=16, choices=State.choices, default=State.RETRYING)
    permanent = models.BooleanField(default=False)  # the server refused (5xx); else it gave up after retries
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)  # the server's answer or the connection error; no body
    attempts = models.PositiveSmallIntegerField(default=0)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], condition=~Q(state="sent_again"),
                                    name="one_open_delivery_failure_per_email"),
        ]
        indexes = [models.Index(fields=["state", "-last_failed_at"], name="delivery_failure_state")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: {self.get_state_display()}"
