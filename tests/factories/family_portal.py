import io

import factory
from PIL import Image

from family_portal.models import Highlight, HighlightReply, NotificationPreference

from .accounts import UserFactory
from .roster import StudentFactory


def png_bytes(size: tuple[int, int] = (20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


class HighlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Highlight

    student = factory.SubFactory(StudentFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Highlight number {n}")


class HighlightReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HighlightReply

    highlight = factory.SubFactory(HighlightFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Reply number {n}")


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    frequency = NotificationPreference.Frequency.WEEKLY
