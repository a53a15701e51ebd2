from celery import shared_task

from notifications.outbox import EMAIL_TASK_OPTIONS

from . import magic_link


@shared_task(name="sso.send_sign_in_link", **EMAIL_TASK_OPTIONS)
def send_sign_in_link(*, link_id: int, token: str) -> bool:
    return magic_link.send(link_id=link_id, token=token)
