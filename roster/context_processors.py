"""Permission flags for templates: what the navigation and pages offer comes from the same rules as the doors
(roster/access.py), never from User.role."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import STANDING_PERMISSIONS, holds_permission


def access(request: HttpRequest) -> dict:
    """`can.<app>_<permission>` for the permissions about no one student (roster.access.STANDING_PERMISSIONS),
    read once, when a template first asks (one query, shared with the page's own door)."""
    user = getattr(request, "user", None)

    def flags() -> dict:
        if user is None:
            return {}
        return {perm.replace(".", "_"): holds_permission(user, perm) for perm in STANDING_PERMISSIONS}

    return {"can": SimpleLazyObject(flags)}
