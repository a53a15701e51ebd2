"""The demo district's single sign-on settings, as a district's IT would enter them for Google Workspace.

Turned off (`enabled=False`): a demo server has no Google client of its own, so the button would lead
nowhere. The administrator sees the settings in the administration site and Maya's linked account on her
sign-in methods page; turning it on needs a real client ID and secret (docs/deploy.md)."""

from django.utils import timezone

from accounts.models import User
from roster.models import District

from .models import IdentityProvider, LinkedIdentity


def seed(district: District) -> None:
    google, _ = IdentityProvider.objects.update_or_create(
        district=district, name="Demo Unified Google account",
        defaults={"kind": IdentityProvider.Kind.GOOGLE, "client_id": "demo-client-id.apps.googleusercontent.com",
                  "client_secret_env": "WAYPOINT_SSO_DEMO_GOOGLE_SECRET",  # nosec B105 (a variable's name, not a secret)
                  "match_by": IdentityProvider.Match.EMAIL,
                  "trust_mfa_claims": False, "enabled": False},
    )
    # Families' own Google accounts (no district): also off, for the same reason; with a client it would put
    # "Link your Google account" on the demo parents' Sign-in methods page.
    IdentityProvider.objects.update_or_create(
        district=None, name="Google",
        defaults={"kind": IdentityProvider.Kind.GOOGLE, "client_id": "demo-family-client-id.apps.googleusercontent.com",
                  "client_secret_env": "WAYPOINT_SSO_FAMILY_GOOGLE_SECRET",  # nosec B105 (a variable's name)
                  "enabled": False})
    student = User.objects.filter(email="student@demo.test").first()
    if student is not None:
        LinkedIdentity.objects.get_or_create(
            issuer=google.issuer_url, subject="demo-google-subject-maya",
            defaults={"user": student, "provider": google, "linked_at": timezone.now()})
