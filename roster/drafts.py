"""Server-side drafts of long forms (quality.md T9.6, ASVS 8.2.2: never in the browser's storage).

When the idle-timeout warning appears, and again just before the session ends, the page sends what the
person typed in each draft-enabled form; the next time they open that form it is filled back in and the
draft removed. Each form names the permission it needs, so a draft goes through the same door
(`student_view`) as the form itself, and only the form's own fields are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import Draft, Student

KEEP_FOR = timedelta(days=30)
MAX_CHARS = 10_000


@dataclass(frozen=True)
class DraftForm:
    permission: str
    fields: tuple[str, ...]


# The forms whose typing is kept. Permission names are strings, so roster imports nothing from above.
FORMS: dict[str, DraftForm] = {
    # profiles:section-edit, one draft per section kind (the version is kept, so a save after someone
    # else's change goes through the merge view instead of overwriting it)
    "profile-section": DraftForm("profiles.change", ("text", "visibility", "base_version")),
    # family_portal:input-new (the idempotency key is kept, so an input that did arrive is not sent twice)
    "family-input": DraftForm("family_portal.send_input", ("kind", "text", "idempotency_key")),
}


def _key(form: str, part: str = "") -> str:
    return f"{form}:{part}" if part else form


def save(*, user: User, student: Student, form: str, part: str = "", data: dict) -> Draft | None:
    """Keep the declared fields of `form` (strings, cut at MAX_CHARS). Nothing typed: nothing kept."""
    allowed = FORMS[form].fields
    fields = {name: str(data[name])[:MAX_CHARS] for name in allowed if name in data}
    with transaction.atomic():
        Draft.objects.filter(user=user, saved_at__lt=timezone.now() - KEEP_FOR).delete()
        if not any(v.strip() for k, v in fields.items() if k == "text"):
            Draft.objects.filter(user=user, student=student, form=_key(form, part)).delete()
            return None
        draft, _ = Draft.objects.update_or_create(user=user, student=student, form=_key(form, part),
                                                  defaults={"fields": fields, "saved_at": timezone.now()})
    return draft


def take(*, user: User, student: Student, form: str, part: str = "") -> Draft | None:
    """The kept draft, removed from the server as it goes back into the form; None if there is none (or it is old)."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(user=user, student=student, form=_key(form, part)).first()
        if draft is None:
            return None
        draft.delete()
    return draft if draft.saved_at >= timezone.now() - KEEP_FOR else None


def discard(*, user: User, student: Student, form: str, part: str = "") -> int:
    return Draft.objects.filter(user=user, student=student, form=_key(form, part)).delete()[0]
