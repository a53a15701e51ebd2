from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User

from . import selectors
from .access import administers_district
from .decorators import role_required, student_view
from .models import Student

Role = User.Role
PAGE_SIZE = 50


@role_required(*User.STAFF_ROLES)
def staff_home(request: HttpRequest) -> HttpResponse:
    context = {
        "sections": selectors.current_sections_taught(request.user),
        "caseload": selectors.caseload_for(request.user),
    }
    return render(request, "roster/staff_home.html", context)


@role_required(*User.STAFF_ROLES)
def student_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    plan = request.GET.get("plan", "")
    students = selectors.student_directory(request.user, query=query, plan=plan)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "plan": plan, "plans": Student.Plan.choices}
    return render(request, "roster/student_list.html", context)


@student_view("roster.view_student")
def student_detail(request: HttpRequest, student: Student) -> HttpResponse:
    context = {
        "student": student,
        "can_see_restricted": request.user.has_perm("roster.view_restricted", student),
        **selectors.student_record(student),
    }
    return render(request, "roster/student_detail.html", context)


@role_required(Role.GUARDIAN)
def family_home(request: HttpRequest) -> HttpResponse:
    return render(request, "roster/family_home.html", {"children": selectors.children_of(request.user)})


@role_required(Role.STUDENT)
def student_home(request: HttpRequest) -> HttpResponse:
    record = Student.objects.filter(user=request.user).only("uuid").first()
    if record is None:
        return render(request, "roster/no_student_record.html")
    return redirect("roster:student-detail", student_id=record.uuid)


@role_required(Role.DISTRICT_ADMIN)
def district_overview(request: HttpRequest) -> HttpResponse:
    if not administers_district(request.user):
        raise PermissionDenied
    return render(request, "roster/district_overview.html", {"schools": selectors.district_overview(request.user)})
