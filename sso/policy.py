"""Who may sign in how: districts that require single sign-on turn passwords off for their staff and students;
family accounts may also use an emailed link or their own linked Google or Microsoft account."""

from django.db.models import Q
from django.utils.translation import gettext as _

from roster.access import holds_permission
from roster.models import StaffAssignment, Student

from .models import IdentityProvider


def required_provider(user) -> IdentityProvider | None:
    """The provider this person must sign in with, if their district requires one for them."""
    staff_districts = StaffAssignment.objects.filter(user=user).values("district")
    student_districts = Student.objects.filter(user=user).values("school__district")
    return IdentityProvider.objects.filter(enabled=True).filter(
        Q(district__in=staff_districts, required_for_staff=True)
        | Q(district__in=student_districts, required_for_students=True)).first()


def refuse_password_when_sso_required(sender, user, **kwargs) -> str | None:
    """accounts.signals.password_sign_in receiver: runs after the password was found right."""
    provider = required_provider(user)
    if provider is None:
        return None
    return _("Your district signs you in with %(provider)s. Use the %(provider)s button on this page.") % {
        "provider": provider.name}


def is_family_account(user) -> bool:
    """A family account (roster's standing: an active guardianship, never User.role) that is active and has
    accepted its invitation. The one rule for the emailed sign-in link and for linking one's own account."""
    return (user is not None and user.is_active and user.invitations.filter(accepted_at__isnull=False).exists()
            and holds_permission(user, "roster.family_pages"))
