from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.DISTRICT_ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. The role says which start page is theirs; what they
    may see about a student follows from relationships held in roster/."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        SPECIAL_EDUCATOR = "special_educator", _("Special educator / case manager")
        SISP = "sisp", _("Specialized instructional support")
        SCHOOL_LEADER = "school_leader", _("School leader")
        SPED_DIRECTOR = "sped_director", _("Special education director")
        DISTRICT_ADMIN = "district_admin", _("District administrator")
        GUARDIAN = "guardian", _("Parent or guardian")
        STUDENT = "student", _("Student")

    STAFF_ROLES = frozenset({Role.TEACHER, Role.SPECIAL_EDUCATOR, Role.SISP, Role.SCHOOL_LEADER, Role.SPED_DIRECTOR})

    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    title = models.CharField(
        _("job title"), max_length=100, blank=True, help_text=_("For example: Speech-language pathologist")
    )
    preferred_language = models.CharField(max_length=8, default="en", choices=[("en", "English"), ("es", "Español")])

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Invitation(models.Model):
    """A first-time sign-in link for an account made by an import. Single use, expiring, re-sendable.

    The link carries a signed (invitation id, nonce). Re-sending draws a new nonce, so an older
    link stops working; accepting sets accepted_at, so the link works once."""

    VALID_DAYS = 14

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The nonce of the link last emailed: a retried or repeated task never emails the same link twice.
    sent_nonce = models.CharField(max_length=32, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(accepted_at__isnull=True), name="one_open_invitation_per_user"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class Lockout(models.Model):
    """One lockout of one account from one network (quality.md T5.2): the owner's email (an outbox row,
    `notified_at` null until sent) and, once it ends, how and by whom. django-axes decides whether a
    sign-in is refused; this row is the account owner's and the district's record of it.

    The address is kept in coarse form only (203.0.113.x, or an IPv6 /48): enough for "was that me?",
    not a tracking identifier. One open row per (account, network): a unique constraint."""

    class End(models.TextChoices):
        EXPIRED = "expired", _("Unlocked itself after the waiting time")
        UNLOCKED = "unlocked", _("Unlocked by the district administrator")
        PASSWORD_RESET = "password_reset", _("Unlocked by choosing a new password")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lockouts")
    network = models.CharField(max_length=64)
    locked_at = models.DateTimeField(default=timezone.now)
    last_failure_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    end_reason = models.CharField(max_length=20, choices=End.choices, blank=True)

    class Meta:
        ordering = ["-locked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], condition=models.Q(ended_at__isnull=True),
                                    name="one_open_lockout_per_user_network"),
        ]

    def __str__(self) -> str:
        return f"Lockout of {self.user_id} from {self.network} at {self.locked_at:%Y-%m-%d %H:%M}"


class SecurityEvent(models.Model):
    """A change to how an account signs in, or a sign of someone trying (quality.md T5.4): the owner's
    email (an outbox row, `notified_at` null until sent) and the account's audit trail in one row.

    Kept for the account's life; the address only in coarse form, as for lockouts."""

    class Kind(models.TextChoices):
        TWO_FACTOR_ON = "two_factor_on", _("Two-step sign-in was turned on")
        AUTHENTICATOR_REPLACED = "authenticator_replaced", _("The authenticator app was replaced")
        WRONG_CODES = "wrong_codes", _("Too many wrong codes after a correct password")
        SSO_LINKED = "sso_linked", _("A Google, Microsoft or school sign-in account was linked")
        SSO_UNLINKED = "sso_unlinked", _("A Google, Microsoft or school sign-in account was unlinked")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    network = models.CharField(max_length=64)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
