from django.http import HttpRequest

from .models import AccessEvent

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is set by the proxy in front of gunicorn; X-Forwarded-For is not trusted here.
    return request.META.get("REMOTE_ADDR") or None


def record_access(*, request: HttpRequest, student, permission: str, allowed: bool) -> AccessEvent:
    """Write the one event for this request. Raises if it cannot: the door then fails closed."""
    action = AccessEvent.Action.CHANGE if request.method in WRITE_METHODS else AccessEvent.Action.VIEW
    if permission.endswith(".export"):
        action = AccessEvent.Action.EXPORT
    match = getattr(request, "resolver_match", None)
    return AccessEvent.objects.create(
        user=request.user if request.user.is_authenticated else None,
        student=student,
        action=action,
        permission=permission,
        route_name=match.view_name if match else "",
        method=request.method,
        ip_address=client_ip(request),
        outcome=AccessEvent.Outcome.ALLOWED if allowed else AccessEvent.Outcome.DENIED,
    )
