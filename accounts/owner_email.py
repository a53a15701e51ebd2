"""An email to an account's owner about their own account (a lockout, a change to how they sign in)."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import User


def send_to_owner(user: User, template: str, context: Callable[[], dict]) -> None:
    """Render `accounts/emails/<template>_subject.txt` and `<template>.txt` in the owner's language and the
    district's time zone (the context is built inside both, so dates in it are local) and send it."""
    with translation.override(user.preferred_language), timezone.override(settings.TIME_ZONE):
        values = {"user": user, "time_zone": settings.TIME_ZONE, **context()}
        subject = render_to_string(f"accounts/emails/{template}_subject.txt", values).strip()
        body = render_to_string(f"accounts/emails/{template}.txt", values)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
