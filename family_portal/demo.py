"""Demo data for the family portal: parent@demo.test reads in English until she switches, gets the weekly
digest, and has highlights about Maya (one with a photo of her work, one already answered) and Leo;
parent2@demo.test asked for an email each time. Idempotent: nothing is added twice."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from roster.models import District, Student

from .models import Highlight, HighlightReply, NotificationPreference

MAYA, LEO, PARENT2_CHILD, OTHER_SCHOOL = "demo-student-00", "demo-student-01", "demo-student-02", "demo-student-41"


def seed(district: District) -> None:
    users = {u.email: u for u in User.objects.filter(email__in=[
        "parent@demo.test", "parent2@demo.test", "teacher@demo.test", "teacher2@demo.test", "casemanager@demo.test"])}
    NotificationPreference.objects.get_or_create(user=users["parent@demo.test"],
                                                 defaults={"frequency": NotificationPreference.Frequency.WEEKLY})
    NotificationPreference.objects.get_or_create(user=users["parent2@demo.test"],
                                                 defaults={"frequency": NotificationPreference.Frequency.EACH_EVENT})
    students = {s.sourced_id: s for s in Student.objects.filter(school__district=district, sourced_id__in=[MAYA, LEO, PARENT2_CHILD, OTHER_SCHOOL])}
    teacher, case_manager, parent = users["teacher@demo.test"], users["casemanager@demo.test"], users["parent@demo.test"]
    maya = students[MAYA]
    _highlight(maya, teacher, "Maya explained how she compared 0.45 and 0.5 to the whole class today, using place-value "
               "blocks. She was proud, and so am I!", days_ago=9, photo="Maya's place-value chart comparing 0.45 and 0.5",
               reply=(parent, "Thank you! She showed us the blocks at dinner."))
    _highlight(maya, case_manager, "Maya used her speech-to-text tool on her own for the first time in the writing "
               "test. Great step towards doing it without reminders.", days_ago=2)
    _highlight(students[LEO], teacher, "Leo helped a classmate find the common denominator without giving the answer "
               "away. A real teacher move!", days_ago=4)
    # Other families' highlights, with photos: data that could leak (tests/security/matrix.py).
    _highlight(students[PARENT2_CHILD], teacher, "Great focus in math this week: every exit ticket done.", days_ago=3,
               photo="An exit ticket with every answer done")
    _highlight(students[OTHER_SCHOOL], users["teacher2@demo.test"], "A careful, tidy fraction poster for the hallway.",
               days_ago=5, photo="A poster of equivalent fractions")


def _highlight(student: Student, author: User, text: str, *, days_ago: int, photo: str = "", reply=None) -> None:
    if Highlight.objects.filter(student=student, text=text).exists():
        return
    highlight = Highlight(student=student, author=author, text=text, photo_description=photo)
    if photo:
        highlight.photo_type = "image/png"
        highlight.photo.save(f"demo-{student.sourced_id}.png", SimpleUploadedFile("work.png", _work_photo()), save=False)
    highlight.save()
    Highlight.objects.filter(pk=highlight.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    if reply:
        HighlightReply.objects.create(highlight=highlight, author=reply[0], text=reply[1], author_told_at=timezone.now())


def _work_photo() -> bytes:
    """A small drawing of a place-value chart, made here so the demo needs no image files."""
    image = Image.new("RGB", (360, 200), "white")
    draw = ImageDraw.Draw(image)
    for column, (label, value) in enumerate([("ones", "0"), ("tenths", "4"), ("hundredths", "5")]):
        x = 20 + column * 110
        draw.rectangle([x, 30, x + 100, 170], outline="black", width=2)
        draw.text((x + 10, 40), label, fill="black")
        draw.text((x + 45, 100), value, fill="navy")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
