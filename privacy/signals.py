"""A student who stops being active has left: the retention clock starts (privacy.purge)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from roster.models import Student

from .models import Departure


@receiver(post_save, sender=Student, dispatch_uid="privacy.record_departure")
def record_departure(sender, instance: Student, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if instance.is_active:
        Departure.objects.filter(student=instance).delete()  # came back: the clock stops
    else:
        Departure.objects.get_or_create(student=instance, defaults={"departed_on": timezone.localdate()})
