"""What the family portal keeps: teacher highlights and family replies, how each parent wants to hear
from school, the outbox of emails about highlights, and one weekly digest per family per week."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Highlight(models.Model):
    """Something a teacher wants a family to see: a sentence about the day, maybe a photo of the work.
    The teacher's own words are shown as written, in whatever language they were written."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="highlights")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="highlights_posted")
    text = models.TextField(_("message to the family"))
    # Optional Spanish version written by staff, shown to Spanish readers (accounts reader_language.staff_text).
    text_es = models.TextField(_("message to the family in Spanish"), blank=True)
    photo = models.FileField(upload_to="family_portal/highlights/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=30, blank=True)
    photo_description = models.CharField(_("what the photo shows"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["student", "created_at"], name="highlight_student_created")]

    def __str__(self) -> str:
        return f"Highlight {self.pk} about {self.student_id}"


class HighlightReply(models.Model):
    """A family's answer to a highlight. It is also an outbox row: author_told_at stays empty until the
    teacher who posted the highlight has been emailed that the family replied (claimed like HighlightNotice)."""

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="highlight_replies")
    text = models.TextField(_("your reply"))
    created_at = models.DateTimeField(auto_now_add=True)
    author_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author_told_at"], name="highlightreply_untold",
                                condition=Q(author_told_at__isnull=True))]

    def __str__(self) -> str:
        return f"Reply {self.pk} to highlight {self.highlight_id}"


class NotificationPreference(models.Model):
    """How one parent wants to hear from school. No row yet means the parent has not chosen:
    the portal asks on the first visit, and until then they get the weekly digest."""

    class Frequency(models.TextChoices):
        EACH_EVENT = "each", _("An email each time something new is posted")
        WEEKLY = "weekly", _("One email a week with everything new")
        NONE = "none", _("No emails: I will look in Waypoint myself")

    DEFAULT = Frequency.WEEKLY

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    frequency = models.CharField(_("how you hear from school"), max_length=10, choices=Frequency.choices, default=DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"


class HighlightNotice(models.Model):
    """Outbox row: one email about one highlight to one parent who asked for each event.
    sent_at is claimed with a conditional UPDATE, so a retried task or the sweep never sends twice."""

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="notices")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["highlight", "guardian"], name="one_notice_per_highlight_guardian")]
        indexes = [models.Index(fields=["sent_at"], name="highlightnotice_pending", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"Notice of highlight {self.highlight_id} to {self.guardian_id}"


class WeeklyDigest(models.Model):
    """One weekly email per family per week (the week starts on Monday). The unique row is the guard
    against two beat processes or a retried task (quality.md T8.7, pitfall 7)."""

    family = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_digests")
    week = models.DateField(help_text="The Monday the week starts on")
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["family", "week"], name="one_digest_per_family_week")]

    def __str__(self) -> str:
        return f"Digest {self.week} for {self.family_id}"
