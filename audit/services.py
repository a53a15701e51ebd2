from django.http import HttpRequest

from .models import AccessEvent

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is set by the proxy in front of gunicorn; X-Forwarded-For is not trusted here.
    return request.META.get("REMOTE_ADDR") or None


def _event(*, request: HttpRequest, permission: str, allowed: bool, **fields) -> AccessEvent:
    action = AccessEvent.Action.CHANGE if request.method in WRITE_METHODS else AccessEvent.Action.VIEW
    if permission.endswith(".export"):
        action = AccessEvent.Action.EXPORT
    match = getattr(request, "resolver_match", None)
    return AccessEvent(
        user=request.user if request.user.is_authenticated else None,
        action=action,
        permission=permission,
        route_name=match.view_name if match else "",
        method=request.method,
        ip_address=client_ip(request),
        outcome=AccessEvent.Outcome.ALLOWED if allowed else AccessEvent.Outcome.DENIED,
        **fields,
    )


def record_access(*, request: HttpRequest, student, permission: str, allowed: bool) -> AccessEvent:
    """Write the one event for this request. Raises if it cannot: the door then fails closed."""
    event = _event(request=request, permission=permission, allowed=allowed, student=student)
    event.save()
    return event


def record_class_access(*, request: HttpRequest, section, permission: str) -> list[AccessEvent]:
    """The class door's events: one per student of the class (shown or changed by a class page), in one insert.
    Raises if they cannot be written: the door then fails closed."""
    student_ids = section.enrollments.values_list("student_id", flat=True)
    return AccessEvent.objects.bulk_create([_event(request=request, permission=permission, allowed=True, student_id=pk)
                                            for pk in student_ids])
