"""Who must sign in with a second factor, and keeping them to it (quality.md T5.4).

Staff of a district that requires it must set up an authenticator before they reach anything else;
anyone who has set one up (parents and students may opt in) must enter a code at each sign-in.
The decision is made once, at sign-in, and kept in the session, so pages pay no query for it.
"""

from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts import two_factor
from accounts.models import User

from .models import StaffAssignment

SESSION_KEY = "two_factor"
REQUIRED, ENROLLED, NOT_USED = "required", "enrolled", "none"
# What a session that still owes its second step may reach: for someone with an authenticator, only the
# code page (never set-up, where a password alone could swap the authenticator: quality.md T5.4).
_ALWAYS_OPEN = {"accounts:logout", "accounts:login"}
OPEN_ROUTES = {
    ENROLLED: frozenset(_ALWAYS_OPEN | {"accounts:two-factor-verify"}),
    REQUIRED: frozenset(_ALWAYS_OPEN | {"accounts:two-factor-setup"}),
}


def district_requires_two_factor(user: User) -> bool:
    return StaffAssignment.objects.filter(user=user, district__requires_staff_two_factor=True).exclude(
        role=StaffAssignment.Role.DISTRICT_ADMIN).exists()


def two_factor_state(user: User) -> str:
    if two_factor.has_confirmed_device(user):
        return ENROLLED
    return REQUIRED if district_requires_two_factor(user) else NOT_USED


def remember_state_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_state(user)


class TwoFactorMiddleware:
    """Send a signed-in person who still owes a second factor to set-up or verification."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            state = request.session.get(SESSION_KEY, NOT_USED)
            if state != NOT_USED and _route_name(request.path_info) not in OPEN_ROUTES[state]:
                target = "accounts:two-factor-verify" if state == ENROLLED else "accounts:two-factor-setup"
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def _route_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None
