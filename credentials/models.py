"""Open Badges 3.0 credentials: the district as issuer, its signing keys (public halves only), what it badges,
and the credentials its students' families chose to take."""

import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def public_url() -> str:
    """The address verifiers reach; written into every credential, so it must be set (and stay) in production."""
    if not settings.WAYPOINT_PUBLIC_URL:
        raise ImproperlyConfigured("WAYPOINT_PUBLIC_URL must be set (for example https://waypoint.district.org) before "
                                   "credentials are issued or published.")
    return settings.WAYPOINT_PUBLIC_URL


class IssuerProfile(models.Model):
    """The district as an Open Badges issuer (an OB 3.0 Profile)."""

    class Algorithm(models.TextChoices):
        RS256 = "RS256", "RS256 (RSA)"
        EDDSA = "EdDSA", "EdDSA (Ed25519)"

    district = models.OneToOneField("roster.District", on_delete=models.PROTECT, related_name="issuer_profile")
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("web site"))
    email = models.EmailField(_("contact email"))
    image_url = models.URLField(_("logo (web address of an image)"), blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The JWT's algorithm; the .json copy always carries an Ed25519 Data Integrity proof.
    jwt_algorithm = models.CharField(max_length=10, choices=Algorithm.choices, default=Algorithm.RS256)
    validity_days = models.PositiveIntegerField(_("credentials expire after (days)"), null=True, blank=True,
                                                help_text=_("Empty: credentials do not expire."))
    # Issue 21.3: families decide, "or the student's own where the district allows it by age" (selectors.may_choose_own).
    students_choose_from_age = models.PositiveSmallIntegerField(
        _("students choose their own credentials from age"), null=True, blank=True, default=13,
        help_text=_("Students this old or older choose, download and share their own credentials on their Credentials "
                    "page. Younger students see theirs; their family or school staff choose. Empty: only families."))

    def __str__(self) -> str:
        return self.name

    @property
    def issuer_id(self) -> str:
        return public_url() + reverse("credentials:issuer", args=[self.district_id])

    @property
    def jwks_url(self) -> str:
        return public_url() + reverse("credentials:jwks", args=[self.district_id])

    @property
    def status_list_url(self) -> str:
        return public_url() + reverse("credentials:status-list", args=[self.district_id])


class SigningKey(models.Model):
    """The public half of one signing key. The private half lives in the key folder or the environment, under
    `name`. Retired keys stay published so that credentials signed with them still verify (rotation)."""

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.PROTECT, related_name="keys")
    name = models.CharField(max_length=80, unique=True)  # file name of the private key; letters, digits, dashes
    kid = models.CharField(max_length=500, unique=True)  # a URL: the JWK set, with the key's name as fragment
    algorithm = models.CharField(max_length=10, choices=IssuerProfile.Algorithm.choices)
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["issuer", "algorithm"], condition=Q(retired_at__isnull=True),
                                               name="one_active_key_per_issuer_algorithm")]

    def __str__(self) -> str:
        return self.kid


class BadgeRule(models.Model):
    """The district badges mastery of a whole framework, or of one competency."""

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.CASCADE, related_name="rules")
    framework = models.ForeignKey("competencies.Framework", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey("competencies.Competency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(framework__isnull=True) ^ Q(competency__isnull=True),
                                              name="badge_rule_framework_xor_competency")]

    def __str__(self) -> str:
        return str(self.framework or self.competency)


class Revocable(models.Model):
    """A signed credential with an index in its issuer's status list, and the record of its end: who, when, why.
    `services.end` writes it; `status.revoked_indexes` reads it into the list; `is_revoked` is the one rule."""

    status_index = models.PositiveIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revocation_note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class StudentCredential(Revocable):
    """One OpenBadgeCredential, issued because a family member chose to take it. What was signed is kept as
    signed (the JWT and the JSON with its proof): a verifier checks exactly these bytes."""

    class Revocation(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Sharing withdrawn by the family")
        REVOKED = "revoked", _("Revoked by the school")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(IssuerProfile, on_delete=models.PROTECT, related_name="credentials")
    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="credentials")
    competency = models.ForeignKey("competencies.Competency", on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    jwt = models.TextField()
    document = models.JSONField()  # the credential with its Data Integrity proof (the .json download)
    revocation = models.CharField(max_length=10, choices=Revocation.choices, blank=True)

    class Meta:
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "status_index"], name="one_status_index_per_issuer"),
            models.UniqueConstraint(fields=["student", "competency"], condition=Q(revoked_at__isnull=True),
                                    name="one_live_credential_per_student_competency"),
        ]

    def __str__(self) -> str:
        return f"{self.uuid}"


class PurgedStatus(models.Model):
    """A status list index whose credential was deleted (the student's record purged): its bit stays set, so a
    copy of the credential kept elsewhere reads as revoked. No personal data: the issuer and a number."""

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.CASCADE, related_name="+")
    status_index = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "status_index"], name="one_purged_status_per_index")]


class LearnerRecord(models.Model):
    """A year-end CLR 2.0 ClrCredential bundling the student's credentials in force, made at a family member's
    choice. Signed as a VC-JWT and with a Data Integrity proof; each credential inside keeps its own proof and status
    entry."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(IssuerProfile, on_delete=models.PROTECT, related_name="learner_records")
    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="learner_records")
    school_year = models.CharField(max_length=9)  # 2026-2027
    credentials = models.ManyToManyField(StudentCredential, related_name="learner_records")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()
    jwt = models.TextField()
    document = models.JSONField()

    class Meta:
        ordering = ["-issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.uuid}"


# --- Educator micro-credentials -----------------------------------------------------------------------------


class MicroCredential(models.Model):
    """A micro-credential the district offers its staff: what it covers and the rubric a reviewer scores."""

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.PROTECT, related_name="micro_credentials")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    competencies = models.TextField(_("competencies"), help_text=_("One per line: what a holder can do."))
    passing_level = models.PositiveSmallIntegerField(_("level needed on every criterion"), default=3)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [models.UniqueConstraint(fields=["issuer", "title"], name="one_micro_credential_title_per_issuer")]

    def __str__(self) -> str:
        return self.title

    @property
    def competency_list(self) -> list[str]:
        return [line.strip() for line in self.competencies.splitlines() if line.strip()]


class RubricCriterion(models.Model):
    LEVELS = [(1, _("1 Beginning")), (2, _("2 Developing")), (3, _("3 Proficient")), (4, _("4 Exemplary"))]

    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("what proficient looks like"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class MicroCredentialReviewer(models.Model):
    """A staff member the district chose to review submissions."""

    issuer = models.ForeignKey(IssuerProfile, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="micro_credential_reviews")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "user"], name="one_reviewer_row_per_issuer")]

    def __str__(self) -> str:
        return str(self.user)


class Submission(Revocable):
    """Evidence sent for a micro-credential and its review. Once awarded it is a signed credential with an index in
    its issuer's status list (`status_index`, empty for awards made before status entries), revocable like a
    student's (Revocable)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        RETURNED = "returned", _("Returned with feedback")
        AWARDED = "awarded", _("Awarded")

    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="submissions")
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="micro_credential_submissions")
    reflection = models.TextField(_("reflection"))
    links = models.TextField(_("links to evidence"), blank=True, help_text=_("One web address per line."))
    file = models.FileField(_("a file (PDF or picture)"), upload_to="credentials/evidence/%Y/%m/", blank=True)
    file_type = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    award_uuid = models.UUIDField(null=True, blank=True, unique=True)
    jwt = models.TextField(blank=True)
    document = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["micro_credential", "educator"], condition=Q(status="submitted"),
                                               name="one_open_submission_per_educator")]

    def __str__(self) -> str:
        return f"{self.micro_credential} · {self.educator}"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class CriterionScore(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=RubricCriterion.LEVELS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "criterion"], name="one_score_per_criterion")]
