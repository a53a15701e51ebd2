from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Queryset writes refuse too, so `AccessEvent.objects.filter(...).update()` or `.delete()` cannot
    rewrite the trail on a database without the PostgreSQL trigger (SQLite, the embedded default)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Access events cannot be changed")

    def delete(self):
        raise AppendOnlyError("Access events cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Access events cannot be changed")

    def _raw_delete(self, using):
        raise AppendOnlyError("Access events cannot be deleted")


class AccessEvent(models.Model):
    """Who viewed or changed which student's record, when and from where (FERPA 99.32).

    Written by the access door (roster.decorators.student_view), never by a view
    remembering to. Rows are never changed or deleted: on PostgreSQL a trigger
    refuses it (migration 0002); everywhere save(), delete() and the queryset's update() and delete() refuse it.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        DENIED = "denied", _("Denied")

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CHANGE = "change", _("Changed")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # No database constraint: the trail outlives a purged student record.
    student = models.ForeignKey("roster.Student", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="access_events")
    action = models.CharField(max_length=10, choices=Action.choices)
    permission = models.CharField(max_length=100)
    route_name = models.CharField(max_length=150)
    method = models.CharField(max_length=10)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        base_manager_name = "objects"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["student", "at"], name="accessevent_student_at"),
            models.Index(fields=["user", "at"], name="accessevent_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.student_id} ({self.outcome})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Access events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access events cannot be deleted")
