"""Every family-portal write that matters: keyword-only, one transaction, emails after commit.

Emails use an outbox (style.md, quality.md T8): the row that says "this person must hear about this"
is saved with the change; after commit a task is queued (robust: a dead broker is logged, never an
error page); the task claims each row with a conditional UPDATE, so a retry or a second worker sends
nothing twice; a failed send releases the claim for the retry; the beat sweep sends what a dead broker
dropped; an email the mail server refuses for good is recorded for the district administrator
(notifications.outbox, T8.6).
"""

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import language as account_language
from accounts.models import User
from notifications import outbox
from notifications.models import DeliveryFailure
from notifications.outbox import TransientEmailError, send_once, sweep, unsent
from roster import access
from roster.models import Student

from . import photos
from .models import Highlight, HighlightNotice, HighlightReply, NotificationPreference, WeeklyDigest

logger = logging.getLogger(__name__)
Frequency = NotificationPreference.Frequency


def _after_commit(task_name: str, **kwargs) -> None:
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(**kwargs), robust=True)


# --- Highlights and replies --------------------------------------------------------------


def guardians_with_access(student: Student) -> list[User]:
    """The parents who may read this child's record (roster.access.guardians_with_rights)."""
    return list(access.guardians_with_rights(student).select_related("notification_preference"))


def frequency_of(user: User) -> str:
    preference = getattr(user, "notification_preference", None)
    return preference.frequency if preference is not None else NotificationPreference.DEFAULT


def post_highlight(*, student: Student, author: User, text: str, photo=None, photo_description: str = "",
                   text_es: str = "") -> Highlight:
    """Post a highlight to a child's family.

    - the caller has passed the door with family_portal.post_highlight
    - the photo, if any (an upload, or what photos.clean_photo made of one), is checked by content (JPEG or PNG,
      <= 5 MB, <= photos.MAX_PIXELS): ValidationError otherwise; what is stored is the photo encoded afresh,
      upright and with no EXIF/GPS or other metadata and nothing appended (quality.md T4.6), never the upload
    - one transaction: the highlight and an outbox row per parent who wants each event; emails after commit
    """
    if photo and not isinstance(photo, photos.CleanPhoto):
        photo = photos.clean_photo(photo)
    with transaction.atomic():
        highlight = Highlight(student=student, author=author, text=text, text_es=text_es, photo_type=photo.content_type if photo else "",
                              photo_description=photo_description if photo else "")
        if photo:
            highlight.photo.save(f"{uuid.uuid4()}.{photo.extension}", photo.file, save=False)
        highlight.save()
        wanted = [g for g in guardians_with_access(student) if frequency_of(g) == Frequency.EACH_EVENT]
        HighlightNotice.objects.bulk_create([HighlightNotice(highlight=highlight, guardian=g) for g in wanted])
        if wanted:
            _after_commit("send_highlight_notices", highlight_id=highlight.pk)
    return highlight


@transaction.atomic
def reply_to_highlight(*, highlight: Highlight, author: User, text: str) -> HighlightReply:
    """A parent's reply; staff read it on the student's page. The caller has checked family_portal.reply.

    The reply row is its own outbox entry: after commit the teacher who posted the highlight is emailed
    that the family replied (a link, not the family's words: they stay behind the door)."""
    reply = HighlightReply.objects.create(highlight=highlight, author=author, text=text)
    _after_commit("tell_author_of_reply", reply_id=reply.pk)
    return reply


# --- Preferences and language ------------------------------------------------------------


@transaction.atomic
def save_preferences(*, user: User, frequency: str, language: str) -> NotificationPreference:
    """Store how a parent hears from school and the language of their pages and emails."""
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})
    account_language.set_language(user=user, language=language)
    return preference




# --- Emails --------------------------------------------------------------------------------


def _link(name: str, **kwargs) -> str:
    return settings.WAYPOINT_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _render_mail(template: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body in the reader's language; the teacher's own text stays as written."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"family_portal/emails/{template}_subject.txt", context).split())
        body = render_to_string(f"family_portal/emails/{template}.txt", context)
    return subject, body


def send_highlight_notices(*, highlight_id: int) -> int:
    """Send each pending email about one highlight, once. Returns how many were sent now."""
    sent = 0
    pending = unsent(HighlightNotice.objects.filter(highlight_id=highlight_id), "sent_at").select_related(
        "guardian", "highlight__student", "highlight__author")
    for notice in pending:
        sent += _send_notice(notice)
    return sent


def _send_notice(notice: HighlightNotice) -> int:
    highlight, guardian = notice.highlight, notice.guardian
    context = {"guardian": guardian, "highlight": highlight, "student": highlight.student,
               "link": _link("family_portal:child", student_id=highlight.student.uuid)}
    subject, body = _render_mail("highlight", context, guardian.preferred_language)
    return int(send_once(HighlightNotice.objects.filter(pk=notice.pk), "sent_at",
                         lambda: send_mail(subject, body, None, [guardian.email]), to=[guardian.email]))


def tell_author_of_reply(*, reply_id: int) -> int:
    """Email the teacher who posted a highlight that the family replied, once. Returns 1 if sent now.

    A teacher who has left (inactive account) is not emailed; the reply stays on the student's page."""
    reply = HighlightReply.objects.select_related("highlight__author", "highlight__student").get(pk=reply_id)
    teacher, student = reply.highlight.author, reply.highlight.student
    context = {"teacher": teacher, "student": student,
               "link": _link("family_portal:student-highlights", student_id=student.uuid)}
    subject, body = _render_mail("reply_to_teacher", context, teacher.preferred_language)

    def send() -> None:
        if teacher.is_active:
            send_mail(subject, body, None, [teacher.email])

    return int(send_once(HighlightReply.objects.filter(pk=reply_id), "author_told_at", send, to=[teacher.email])
               and teacher.is_active)


def sweep_outbox() -> int:
    """Send every highlight email and reply notice still pending (a broker that was down dropped its task),
    except those that failed for good and wait for a person (T8.6)."""
    highlights = unsent(HighlightNotice.objects.all(), "sent_at").values_list("highlight_id", flat=True).distinct()
    replies = unsent(HighlightReply.objects.all(), "author_told_at").values_list("pk", flat=True)
    return (sweep(highlights, lambda pk: send_highlight_notices(highlight_id=pk), "highlight emails")
            + sweep(replies, lambda pk: tell_author_of_reply(reply_id=pk), "reply notice"))


# --- The weekly digest -----------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def families_for_digest() -> list[int]:
    """Active parents who chose the weekly digest (or have not chosen: weekly is the default)
    and have at least one child whose record they may see."""
    opted_out = NotificationPreference.objects.exclude(frequency=Frequency.WEEKLY).values("user_id")
    guardianships = access.guardianships_with_rights().exclude(guardian__in=opted_out)
    return sorted(set(guardianships.values_list("guardian_id", flat=True)))


def send_weekly_digests(*, week: date) -> int:
    """The digest of the week starting `week` (a Monday) to every family who wants one, once.

    - one WeeklyDigest row per (family, week), created with ignore_conflicts: a second run, a second
      beat process or a retried task finds the rows already there
    - each row is claimed with a conditional UPDATE before its email is sent; a failed send releases it
    Returns how many emails were sent by this run."""
    from .selectors import digest_contents

    family_ids = families_for_digest()
    WeeklyDigest.objects.bulk_create([WeeklyDigest(family_id=pk, week=week) for pk in family_ids], ignore_conflicts=True)
    pending = list(unsent(WeeklyDigest.objects.filter(week=week, family_id__in=family_ids), "sent_at")
                   .values_list("pk", "family_id"))
    contents = digest_contents(family_ids=[family for _pk, family in pending], week=week)
    sent = 0
    for digest_id, family_id in pending:
        try:
            sent += _send_digest(digest_id, contents[family_id], week)
        except TransientEmailError:
            pass  # counted by send_once; the task retries the week (digests_being_retried)
        except Exception:
            logger.exception("Weekly digest %s failed; the next run of the week tries again", digest_id)
    return sent


def digests_being_retried(*, week: date) -> bool:
    """Whether a digest of `week` failed for now and may still go (the task then runs the week again)."""
    owed = WeeklyDigest.objects.filter(week=week, sent_at=None).values("pk")
    return DeliveryFailure.objects.filter(kind=outbox.kind_of(WeeklyDigest, "sent_at"), object_id__in=owed,
                                          state=DeliveryFailure.State.RETRYING).exists()


def _send_digest_again(digest_id: int) -> None:
    """After "Send again" (T8.6): no sweep sends digests, so run the digest's week again."""
    from .tasks import send_weekly_digests

    week = WeeklyDigest.objects.filter(pk=digest_id).values_list("week", flat=True).first()
    if week is not None:
        send_weekly_digests.delay(week=week.isoformat())


outbox.on_send_again(outbox.kind_of(WeeklyDigest, "sent_at"), _send_digest_again)


def _send_digest(digest_id: int, content, week: date) -> int:
    language = content.family.preferred_language
    context = {"family": content.family, "children": content.children, "week": week, "week_end": week + timedelta(days=6),
               "link": _link("family_portal:home"), "preferences_link": _link("family_portal:preferences")}
    subject, body = _render_mail("digest", context, language)
    return int(send_once(WeeklyDigest.objects.filter(pk=digest_id), "sent_at",
                         lambda: send_mail(subject, body, None, [content.family.email]), to=[content.family.email],
                         language=language))