from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from .models import AccessEvent

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is set by the proxy in front of gunicorn; X-Forwarded-For is not trusted here.
    return request.META.get("REMOTE_ADDR") or None


def _event(*, request: HttpRequest, permission: str, allowed: bool, **fields) -> AccessEvent:
    action = AccessEvent.Action.CHANGE if request.method in WRITE_METHODS else AccessEvent.Action.VIEW
    if permission.rpartition(".")[2].startswith("export"):  # credentials.export, credentials.export_own, ...
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


def record_class_access(*, request: HttpRequest, section, permission: str) -> int:
    """The class door's events: one per student of the class (shown or changed by a class page), written by one
    INSERT ... SELECT over the class's enrollments, so a class page pays one query for its trail however large the
    class (P1). Returns how many were written. Raises if they cannot be: the door then fails closed."""
    event = _event(request=request, permission=permission, allowed=True)
    event.at = timezone.now()
    enrollments = section.enrollments.model._meta
    fields = [f for f in AccessEvent._meta.concrete_fields if not f.primary_key]
    columns, values, params = [], [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.name == "student":
            values.append(connection.ops.quote_name(enrollments.get_field("student").column))
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(getattr(event, field.attname), connection))
    sql = (f"INSERT INTO {connection.ops.quote_name(AccessEvent._meta.db_table)} ({', '.join(columns)}) "  # nosec B608: identifiers from model metadata, values are parameters
           f"SELECT {', '.join(values)} FROM {connection.ops.quote_name(enrollments.db_table)} "
           f"WHERE {connection.ops.quote_name(enrollments.get_field('section').column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, section.pk])
        return cursor.rowcount
