from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import MicroCredential, PurgedStatus, StudentCredential, Submission


@receiver(post_delete, sender=StudentCredential)
def keep_revoked_when_purged(sender, instance: StudentCredential, **kwargs) -> None:
    PurgedStatus.objects.get_or_create(issuer_id=instance.issuer_id, status_index=instance.status_index)


@receiver(post_delete, sender=Submission)
def keep_award_revoked_when_purged(sender, instance: Submission, **kwargs) -> None:
    """An award whose educator's account was deleted: its bit stays set, as a purged student's credential."""
    if instance.status_index is not None:
        issuer_id = MicroCredential.objects.filter(pk=instance.micro_credential_id).values_list("issuer_id", flat=True).first()
        if issuer_id is not None:
            PurgedStatus.objects.get_or_create(issuer_id=issuer_id, status_index=instance.status_index)
