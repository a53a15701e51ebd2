"""Statements of disagreement shown with the contested item, on every page and PDF that shows it
(FERPA 99.21(c); quality.md T3.4).

    {% load record_statements %}
    {% disagreement student section "text" %}

The statements of a student are read once per render (one query, cached on the template context, which
includes and partials share), so a page showing many items adds one query, not one per item."""

from django import template

from privacy import registry
from privacy.models import AmendmentRequest

register = template.Library()

_CACHE = "_record_statements_by_student"


def statements_by_item(context, student) -> dict[str, list[AmendmentRequest]]:
    cache = context.__dict__.setdefault(_CACHE, {})
    if student.pk not in cache:
        found: dict[str, list[AmendmentRequest]] = {}
        requests = (AmendmentRequest.objects.filter(student_id=student.pk, statement__isnull=False)
                    .select_related("statement").order_by("created_at", "pk"))
        for request in requests:
            found.setdefault(request.item_key, []).append(request)
        cache[student.pk] = found
    return cache[student.pk]


@register.inclusion_tag("privacy/_disagreement.html", takes_context=True)
def disagreement(context, student, obj, field_name: str) -> dict:
    """The statements about `obj.<field_name>` of `student`, rendered next to it (nothing if there are none)."""
    if getattr(student, "pk", None) is None or getattr(obj, "pk", None) is None:
        return {"requests": []}
    key = registry.item_key(type(obj), obj.pk, field_name)
    return {"requests": statements_by_item(context, student).get(key, [])}
