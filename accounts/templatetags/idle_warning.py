"""The idle-timeout warning every signed-in page carries (quality.md T9.6, WCAG 2.2.1).

The markup holds no time that changes from one request to the next (pages must stay byte-identical, for
example a hidden student's 404 and an unknown one's): the script counts from the page load, knowing the
server notes activity at most once a minute, and asks the server for the exact time left before warning."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("components/idle_warning.html", takes_context=True)
def idle_warning(context) -> dict:
    request = context.get("request")
    if request is None or not hasattr(request, "session") or not request.user.is_authenticated:
        return {"show": False}
    warn_before = min(settings.WAYPOINT_IDLE_WARNING, settings.WAYPOINT_IDLE_TIMEOUT)
    return {
        "show": True,
        "idle_timeout": settings.WAYPOINT_IDLE_TIMEOUT,
        "warn_before": warn_before,
        "idle_minutes": max(1, settings.WAYPOINT_IDLE_TIMEOUT // 60),
        "warn_minutes": max(1, round(warn_before / 60)),
        "csrf_token": context.get("csrf_token"),
    }
