"""Single sign-on: a district's identity providers, the provider identities linked to accounts, and the
one-use sign-in links emailed to families. Accounts always come from the roster, never from a provider."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roster.models import District


class IdentityProvider(models.Model):
    """One OpenID Connect (or SAML 2.0) provider a district signs its people in with (set in the administration site), or,
    without a district, one that family members sign in with using their own Google or Microsoft account.

    A district's provider matches people by its chosen claim and links them. A family provider never matches
    anyone: it signs in only the family members who linked it themselves from their Sign-in methods page.
    The client secret is never stored: `client_secret_env` names the environment variable that holds it.
    A SAML provider uses `issuer` for its entity ID and the saml_* fields instead of the client's."""

    class Kind(models.TextChoices):
        GOOGLE = "google", "Google Workspace"
        MICROSOFT = "microsoft", "Microsoft Entra ID"
        CLEVER = "clever", "Clever"
        CLASSLINK = "classlink", "ClassLink"
        OIDC = "oidc", _("Other OpenID Connect provider")

    class Protocol(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    class Match(models.TextChoices):
        EMAIL = "email", _("Verified email address")
        ROSTER_ID = "roster_id", _("Roster identifier (OneRoster sourcedId or SIS id)")

    # Known issuers; Microsoft's names the district's tenant, ClassLink's and any other are typed in.
    ISSUERS = {
        Kind.GOOGLE: "https://accounts.google.com",
        Kind.CLEVER: "https://clever.com",
        Kind.CLASSLINK: "https://launchpad.classlink.com",
    }

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="identity_providers", null=True, blank=True,
        help_text=_("Leave empty for a provider that family members use with their own personal account (Google; "
                    "Microsoft personal accounts have the issuer "
                    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0): it signs in only "
                    "those who linked it themselves after accepting their invitation."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    protocol = models.CharField(
        _("protocol"), max_length=8, choices=Protocol.choices, default=Protocol.OIDC,
        help_text=_("SAML 2.0 only for a district whose identity provider does not offer OpenID Connect."))
    name = models.CharField(_("name on the sign-in button"), max_length=80,
                            help_text=_("For example: Lincoln Unified Google account"))
    issuer = models.CharField(
        _("issuer URL (SAML: the identity provider's entity ID)"), max_length=300, blank=True,
        help_text=_("Leave empty for Google and Clever. Microsoft: https://login.microsoftonline.com/<tenant id>/v2.0. "
                    "Others: the issuer their OpenID Connect set-up page gives. SAML: the entity ID exactly as the "
                    "provider's metadata gives it."))
    client_id = models.CharField(_("client ID"), max_length=300, blank=True)
    client_secret_env = models.CharField(
        _("environment variable holding the client secret"), max_length=100, blank=True,
        help_text=_("The secret itself is never stored in the database. For example: WAYPOINT_SSO_GOOGLE_SECRET"))
    match_by = models.CharField(_("match people by"), max_length=16, choices=Match.choices, default=Match.EMAIL)
    match_claim = models.CharField(
        _("claim to match"), max_length=100, blank=True,
        help_text=_("The claim in the ID token holding the email or roster identifier. Empty: 'email' for email; "
                    "'sub' for Clever's roster id."))
    saml_sso_url = models.URLField(
        _("SAML single sign-on URL"), max_length=500, blank=True,
        help_text=_("The provider's SingleSignOnService address for the HTTP-Redirect binding (in its metadata)."))
    saml_certificate = models.TextField(
        _("SAML signing certificate"), blank=True,
        help_text=_("The provider's signing certificate in PEM form (-----BEGIN CERTIFICATE-----). During a "
                    "certificate change, paste both."))
    saml_emails_verified = models.BooleanField(
        _("the provider's email addresses are the district's own"), default=False,
        help_text=_("SAML has no 'verified' flag: tick this only if the provider sends addresses your district "
                    "issues, so people can be matched by email."))
    trust_mfa_claims = models.BooleanField(
        _("trust the provider's two-step sign-in"), default=False,
        help_text=_("When the provider says (amr/acr claims) that the person used two-step sign-in, Waypoint does not "
                    "ask for its own code."))
    mfa_acr_values = models.CharField(
        _("acr values that mean two-step"), max_length=300, blank=True,
        help_text=_("Space-separated. An amr claim with mfa, otp, hwk, swk, sc or fpt also counts."))
    required_for_staff = models.BooleanField(_("staff must use it (no passwords)"), default=False)
    required_for_students = models.BooleanField(_("students must use it (no passwords)"), default=False)
    enabled = models.BooleanField(_("shown on the sign-in page"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["district__name", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="one_provider_name_per_district")]

    def __str__(self) -> str:
        return f"{self.name} ({self.district})"

    def clean(self) -> None:
        if self.is_saml:
            self._clean_saml()
            return
        if self.kind in (self.Kind.MICROSOFT, self.Kind.CLASSLINK, self.Kind.OIDC) and not self.issuer:
            raise ValidationError({"issuer": _("This kind of provider needs its issuer URL.")})
        if self.issuer:
            URLValidator(schemes=["https", "http"])(self.issuer)
        if not self.client_id or not self.client_secret_env:
            raise ValidationError(_("An OpenID Connect provider needs its client ID and the environment variable "
                                    "holding its secret."))
        if self.for_families and (self.required_for_staff or self.required_for_students):
            raise ValidationError(_("A provider for families' own accounts cannot be required for staff or students: "
                                    "choose the district whose accounts it signs in."))

    def _clean_saml(self) -> None:
        if self.for_families:
            raise ValidationError(_("SAML 2.0 is for a district's own identity provider: choose the district."))
        if not self.issuer.strip() or not self.saml_sso_url:
            raise ValidationError(_("A SAML 2.0 provider needs its entity ID and its single sign-on URL."))
        if "-----BEGIN CERTIFICATE-----" not in self.saml_certificate:
            raise ValidationError({"saml_certificate": _("Paste the provider's signing certificate in PEM form.")})

    @property
    def is_saml(self) -> bool:
        return self.protocol == self.Protocol.SAML

    @property
    def for_families(self) -> bool:
        """Families' own accounts: no district, so no matching by email or roster id, only self-made links."""
        return self.district_id is None

    @property
    def issuer_url(self) -> str:
        if self.is_saml:
            return self.issuer.strip()  # an entity ID is compared exactly, trailing slash and all
        return (self.issuer or self.ISSUERS.get(self.kind, "")).rstrip("/")

    @property
    def claim(self) -> str:
        if self.is_saml and self.match_by == self.Match.EMAIL:
            return "email"  # sso.saml puts the chosen attribute there, with email_verified as the district says
        if self.match_claim:
            return self.match_claim
        return "email" if self.match_by == self.Match.EMAIL else "sub"

    def client_secret(self) -> str:
        return os.environ.get(self.client_secret_env, "")


class LinkedIdentity(models.Model):
    """A provider's stable subject (iss + sub) linked to one account, after a first match by email or roster id."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="linked_identities")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject"),
            models.UniqueConstraint(fields=["user", "provider"], name="one_identity_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} → {self.user_id}"


class SignInLink(models.Model):
    """A one-use sign-in link emailed to a family member. Only a hash of the token is kept."""

    VALID_MINUTES = 15

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    network = models.CharField(max_length=64)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Sign-in link for {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
