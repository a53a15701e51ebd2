"""The one door every student page goes through."""

from functools import wraps
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from audit.services import record_access

from .access import door_student, may_see


def student_view(perm: str):
    """Resolve the student from the URL, check `perm`, log the access, call the view.

    - 404 when the user may not see the student at all: the same answer as for
      a student who does not exist, so the door is no existence oracle;
    - 403 when they may see the student but not do this;
    - exactly one audit.AccessEvent per request, denied requests included. If
      the event cannot be written the request fails before any data is read.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, student_id: UUID, *args, **kwargs):
            # One query: the student with every relationship the policy reads (P1); may_see is `visible_students`
            # for one student, and the permission checks below read the same answers.
            student = door_student(request.user, student_id)
            if student is None or not may_see(request.user, student):
                record_access(request=request, student=student, permission=perm, allowed=False)
                raise Http404("No student found")
            if not request.user.has_perm(perm, student):
                record_access(request=request, student=student, permission=perm, allowed=False)
                raise PermissionDenied
            record_access(request=request, student=student, permission=perm, allowed=True)
            return view(request, student, *args, **kwargs)

        wrapper.student_permission = perm
        return wrapper

    return decorator


def role_required(*roles: str):
    """Pages that belong to roles rather than to one student (a teacher's home, the district queue)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
