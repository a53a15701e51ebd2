"""Privacy pages: thin function views. Every page about a student goes through the access door."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from roster.access import holds_permission
from roster.decorators import permission_required, student_view
from roster.models import Student
from roster.selectors import children_of

from . import forms, selectors, services
from .models import AmendmentRequest


def _holds_rights_as_family(user: User) -> bool:
    return holds_permission(user, "privacy.family_rights")


@permission_required("roster.family_pages")
def family_home(request: HttpRequest) -> HttpResponse:
    """A parent's rights over each child's record, one place to start."""
    return render(request, "privacy/family_home.html", {"children": children_of(request.user).order_by("last_name", "first_name", "pk")})


@student_view("privacy.export")
def export(request: HttpRequest, student: Student) -> HttpResponse:
    """The complete record as a PDF or JSON download; each download writes a disclosure record (T2.5)."""
    family = _holds_rights_as_family(request.user)
    form_class = forms.ExportForm if family else forms.StaffExportForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if family:
            recipient = _("%(name)s (family)") % {"name": request.user.get_full_name() or request.user.email}
            purpose = _("The family's right to inspect and review the record (FERPA 34 CFR 99.10)")
        else:
            recipient, purpose = form.cleaned_data["recipient"], form.cleaned_data["purpose"]
        file = services.export_record(request=request, student=student, by=request.user, kind=form.cleaned_data["kind"],
                                      recipient=recipient, purpose=purpose)
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        return response
    template = "privacy/export_family.html" if family else "privacy/export_staff.html"
    return render(request, template, {"student": student, "form": form})


@student_view("privacy.view_disclosures")
def disclosures(request: HttpRequest, student: Student) -> HttpResponse:
    """FERPA 99.32(c): who has received the child's record."""
    return render(request, "privacy/disclosures.html", {"student": student, "disclosures": selectors.disclosures_for(student)})


@student_view("privacy.request_amendment")
def amendments(request: HttpRequest, student: Student) -> HttpResponse:
    """FERPA 99.20: ask the school to correct the record; see each request and its decision."""
    form = forms.AmendmentForm(request.POST or None, items=selectors.contestable_items(student) if request.method == "POST" or "new" in request.GET else [])
    if request.method == "POST" and form.is_valid():
        services.request_amendment(student=student, by=request.user, item_key=form.cleaned_data["item"],
                                   item_label=form.cleaned_data["item_label"], reason=form.cleaned_data["reason"])
        messages.success(request, _("Your request was sent to the school. You will see its decision here."))
        return redirect("privacy:amendments", student_id=student.uuid)
    context = {"student": student, "requests": selectors.amendments_for(student), "form": form,
               "show_form": request.method == "POST" or "new" in request.GET}
    return render(request, "privacy/amendments.html", context)


@student_view("privacy.request_amendment")
@require_POST  # inside the door: outsiders get the door's 404/403, not a 405 that confirms the route
def amendment_hearing(request: HttpRequest, student: Student, request_id: int) -> HttpResponse:
    try:
        services.request_hearing(request_id=request_id, student=student)
    except AmendmentRequest.DoesNotExist:
        return _missing(request, student)
    except services.TransitionRefused:
        messages.error(request, _("A hearing can only be asked for after the school said no."))
    else:
        messages.success(request, _("You asked for a hearing. The school will contact you with a date."))
    return redirect("privacy:amendments", student_id=student.uuid)


@student_view("privacy.request_amendment")
def amendment_statement(request: HttpRequest, student: Student, request_id: int) -> HttpResponse:
    amendment = get_object_or_404(AmendmentRequest.objects.select_related("statement"), pk=request_id, student=student)
    current = getattr(amendment, "statement", None)
    form = forms.StatementForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_statement(request_id=amendment.pk, student=student, text=form.cleaned_data["text"])
        except services.TransitionRefused:
            messages.error(request, _("A statement can be added once the school has decided not to change the record."))
        else:
            messages.success(request, _("Your statement is saved. It will be shown with that part of the record."))
        return redirect("privacy:amendments", student_id=student.uuid)
    return render(request, "privacy/statement.html", {"student": student, "amendment": amendment, "form": form})


def _missing(request: HttpRequest, student: Student) -> HttpResponse:
    messages.error(request, _("That request no longer exists."))
    return redirect("privacy:amendments", student_id=student.uuid)


@student_view("privacy.view_requests")
def student_requests(request: HttpRequest, student: Student) -> HttpResponse:
    """Staff: the family's correction requests, statements of disagreement, and who received the record."""
    context = {"student": student, "requests": selectors.amendments_for(student),
               "disclosures": selectors.disclosures_for(student),
               "may_export": request.user.has_perm("privacy.export", student)}
    return render(request, "privacy/student_requests.html", context)


@student_view("privacy.decide_amendment")
def amendment_decide(request: HttpRequest, student: Student, request_id: int) -> HttpResponse:
    amendment = get_object_or_404(AmendmentRequest.objects.select_related("requested_by"), pk=request_id, student=student)
    form = forms.DecisionForm(request.POST or None, initial={"seen_status": amendment.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_amendment(request_id=amendment.pk, student=student, action=form.cleaned_data["action"],
                                      note=form.cleaned_data["note"], by=request.user, seen_status=form.cleaned_data["seen_status"])
        except services.TransitionRefused as refused:
            messages.error(request, _("Someone else already decided this request (now: %(status)s). Nothing was changed.")
                           % {"status": refused.current.get_status_display()})
        else:
            messages.success(request, services.decision_message(form.cleaned_data["action"]))
        return redirect("privacy:student-requests", student_id=student.uuid)
    return render(request, "privacy/decide.html", {"student": student, "amendment": amendment, "form": form})


@permission_required("privacy.pii_staff")
def pii_staff(request: HttpRequest) -> HttpResponse:
    """IDEA 300.623(d): the current list of staff who may access students' personal data."""
    staff = selectors.staff_with_pii_access(district_ids=selectors.director_districts(request.user))
    return render(request, "privacy/pii_staff.html", {"staff": staff})
