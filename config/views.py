"""Project-wide pages that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused for its missing or stale security token (CSRF_FAILURE_VIEW): in Waypoint's own page and the
    reader's language, saying what to do, instead of Django's English debug page (issue 15.9). The reason is
    for developers and is not shown."""
    return render(request, "403_csrf.html", {"next": request.path}, status=403)
