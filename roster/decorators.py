"""The one door every student page goes through."""

from functools import wraps
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from audit.services import record_access, record_class_access

from .access import door_student, holds_permission, may_see, open_section


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


def permission_required(perm: str):
    """Pages that belong to what a person is in the district rather than to one student (a teacher's home, the
    district's pages, the queue): `perm` is decided by roster/access.py from relationships (staff assignments,
    guardianships, the student's own record), never by User.role; 403 otherwise."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not holds_permission(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.standing_permission = perm
        return wrapper

    return decorator


def class_view(perm: str):
    """The class door (the class grid, bulk evidence entry, pacing, groups, path assignment): resolve the class
    from the URL, 404 when the user may not open it this term (the class form of roster.access: its teachers and
    its school's leaders, this term's classes only), 403 when they may open it but not do this; one
    audit.AccessEvent per student of the class, written in one insert before the view reads anything (a denied
    request writes one event without a student). The view is called with the Section."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, section_id: int, *args, **kwargs):
            section = open_section(request.user, section_id)
            if section is None or not request.user.has_perm(perm, section):
                record_access(request=request, student=None, permission=perm, allowed=False)
                if section is None:
                    raise Http404("No class found")
                raise PermissionDenied
            record_class_access(request=request, section=section, permission=perm)
            return view(request, section, *args, **kwargs)

        wrapper.class_permission = perm
        return wrapper

    return decorator
