import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class PrivateCacheMiddleware:
    """Pages for a signed-in person hold student records: never cache them (quality.md T6.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


IDLE_NEUTRAL_HEADER = "X-Waypoint-Idle-Neutral"


def idle_seconds_left(request) -> int:
    """Seconds until this session ends for idleness (or its 12-hour limit, if sooner). The middleware below
    ends it once *more than* the limit has passed, in whole seconds: hence the + 1."""
    now = int(time.time())
    idle_end = request.session.get("last_seen", now) + settings.WAYPOINT_IDLE_TIMEOUT + 1
    hard_end = request.session.get("signed_in_at", now) + settings.SESSION_COOKIE_AGE + 1
    return max(0, min(idle_end, hard_end) - now)


class SessionTimeoutMiddleware:
    """Sign a person out after 30 idle minutes, and 12 hours after signing in (quality.md T5.3).

    The last-seen time is written at most once a minute, so most requests cost no session write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("signed_in_at", now)
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.WAYPOINT_IDLE_TIMEOUT or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("You were signed out to keep student records safe. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if request.headers.get(IDLE_NEUTRAL_HEADER) == "1":
                pass  # the page's own housekeeping (session status, draft saving) is not a person's activity (T9.6)
            elif now - last_seen >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)
