"""The family portal: thin function views. Every page about a child goes through the access door."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from iep import services as iep_services
from iep.models import IEPInput, ReviewSettings
from iep.selectors import DEFAULT_RESPONSE_TARGET
from iep.status import Audience
from mtss import selectors as mtss_selectors
from roster.decorators import permission_required, student_view
from roster.models import Student

from . import forms, selectors, services
from .models import NotificationPreference

ACCESS_PAGE_SIZE = 25


def _child_context(request: HttpRequest, student: Student, **extra) -> dict:
    return {"student": student, "children": selectors.children_for(request.user), **extra}


# --- Home, first visit, preferences, language ------------------------------------------------


@permission_required("roster.family_pages")
def home(request: HttpRequest) -> HttpResponse:
    """The family's start page: their children, each a way into the child's page. On the very first
    visit (no preference saved yet) the parent is asked how they want to hear from school."""
    if not NotificationPreference.objects.filter(user=request.user).exists():
        return redirect("family_portal:welcome")
    return render(request, "family_portal/home.html", {"children": selectors.children_for(request.user)})


def _preferences_page(request: HttpRequest, *, template: str, done_message: str, extra: dict | None = None) -> HttpResponse:
    current = NotificationPreference.objects.filter(user=request.user).first()
    initial = {"frequency": current.frequency if current else NotificationPreference.DEFAULT,
               "language": request.user.preferred_language}
    form = forms.PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, done_message)
        return redirect("family_portal:home")
    return render(request, template, {"form": form, **(extra or {})})


@permission_required("roster.family_pages")
def welcome(request: HttpRequest) -> HttpResponse:
    return _preferences_page(request, template="family_portal/welcome.html",
                             done_message=_("Thank you. You can change these choices at any time under “My choices”."))


@permission_required("roster.family_pages")
def preferences(request: HttpRequest) -> HttpResponse:
    return _preferences_page(request, template="family_portal/preferences.html", done_message=_("Your choices are saved."),
                             extra={"children_with_accounts": [c for c in selectors.children_for(request.user) if c.user_id]})


# --- A child's page ----------------------------------------------------------------------------


# A child's page is split into sections a parent moves between (quality.md P1: at most 12 queries a page;
# shorter pages also read better on a phone and with a screen reader): an overview of what is new, then
# learning, goals and progress (with the progress reports), how the child learns best, messages, record of access.


@student_view("family_portal.view_child")
def child(request: HttpRequest, student: Student) -> HttpResponse:
    """The overview: a plain-language summary, next steps on each path, highlights with replies."""
    context = _child_context(request, student, page=selectors.overview(student), reply_form=forms.ReplyForm(),
                             can_send_input=request.user.has_perm("family_portal.send_input", student))
    return render(request, "family_portal/child.html", context)


@student_view("family_portal.view_child")
def child_learning(request: HttpRequest, student: Student) -> HttpResponse:
    context = _child_context(request, student, page=selectors.learning_page(student))
    return render(request, "family_portal/child_learning.html", context)


@student_view("family_portal.view_child")
def child_goals(request: HttpRequest, student: Student) -> HttpResponse:
    context = _child_context(request, student, page=selectors.goals_page(student), status_audience=Audience.FAMILY.value,
                             can_send_input=request.user.has_perm("family_portal.send_input", student))
    return render(request, "family_portal/child_goals.html", context)


@student_view("family_portal.view_child")
def child_supports(request: HttpRequest, student: Student) -> HttpResponse:
    """Extra help at school (MTSS, issue 20.6): the child's tier 2 and 3 support plans and how they are going, in
    plain words, with the chart and its table (the same progress and status as the staff see, worded for families)."""
    context = _child_context(request, student, plans=mtss_selectors.family_plans(student),
                             status_audience=Audience.FAMILY.value,
                             can_send_support_input=request.user.has_perm("family_portal.send_support_input", student))
    return render(request, "mtss/family_supports.html", context)


@student_view("family_portal.view_child")
def child_about(request: HttpRequest, student: Student) -> HttpResponse:
    context = _child_context(request, student, page=selectors.about_page(student))
    return render(request, "family_portal/child_about.html", context)


@student_view("family_portal.reply")
@require_POST
def highlight_reply(request: HttpRequest, student: Student, highlight_id: int) -> HttpResponse:
    highlight = selectors.highlight_of(student, highlight_id)
    if highlight is None:
        raise Http404
    form = forms.ReplyForm(request.POST, prefix=f"h{highlight.pk}")
    if form.is_valid():
        services.reply_to_highlight(highlight=highlight, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your reply is sent. The school staff will see it on your child's page."))
    else:
        messages.error(request, _("Please write your reply before sending it."))
    return redirect(reverse("family_portal:child", args=[student.uuid]) + f"#highlight-{highlight.pk}")


@student_view("family_portal.view_highlight_photo")
def highlight_photo(request: HttpRequest, student: Student, highlight_id: int) -> FileResponse:
    highlight = selectors.highlight_of(student, highlight_id)
    if highlight is None or not highlight.photo:
        raise Http404
    # The type is the one found by content when it was posted, so the browser never guesses (nosniff is set).
    return FileResponse(highlight.photo.open("rb"), content_type=highlight.photo_type)


@student_view("family_portal.view_reports")
def report_pdf(request: HttpRequest, student: Student, report_id: int) -> FileResponse:
    report = selectors.reports_for(student).filter(pk=report_id).first()
    if report is None:
        raise Http404
    # The copy in the reader's language when the report was made in it; otherwise the school's own.
    pdf = selectors.report_pdf_in(report, translation.get_language())
    return FileResponse(pdf.open("rb"), content_type="application/pdf", as_attachment=request.GET.get("download") == "1",
                        filename=report.file_name)


# --- Input to the IEP team ---------------------------------------------------------------------


@student_view("family_portal.send_input")
def input_new(request: HttpRequest, student: Student) -> HttpResponse:
    form = forms.FamilyInputForm(request.POST or None, request.FILES or None, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = iep_services.submit_input(student=student, submitted_by=request.user, kind=data["kind"], text=data["text"],
                                             attachment=data["attachment"], idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            form.add_error("attachment", error)
        else:
            return redirect("family_portal:input-sent", student_id=student.uuid, input_id=item.pk)
    return render(request, "family_portal/input_new.html", _child_context(request, student, form=form))


@student_view("family_portal.send_support_input")
def support_input_new(request: HttpRequest, student: Student) -> HttpResponse:
    """A message to the support team of the child's tier 2 or 3 plan (MTSS, issue 20.6): the same input, its life and
    its answer as for an IEP team; the team reads and answers it on the student's tiered-supports page."""
    form = forms.SupportInputForm(request.POST or None, request.FILES or None, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        iep_services.submit_input(student=student, submitted_by=request.user, kind=data["kind"], text=data["text"],
                                  idempotency_key=data["idempotency_key"], team=IEPInput.Team.SUPPORT)
        messages.success(request, _("Sent. The support team has your message; their answer will appear on this page."))
        return redirect("family_portal:input-list", student_id=student.uuid)
    return render(request, "family_portal/support_input_new.html", _child_context(request, student, form=form),
                  status=400 if request.method == "POST" else 200)


@student_view("family_portal.send_input")
def input_sent(request: HttpRequest, student: Student, input_id: int) -> HttpResponse:
    item = selectors.family_inputs(request.user, student).filter(pk=input_id).first()
    if item is None:
        raise Http404
    days = ReviewSettings.objects.filter(district_id=student.school.district_id).values_list(
        "response_target_school_days", flat=True).first() or DEFAULT_RESPONSE_TARGET
    return render(request, "family_portal/input_sent.html", _child_context(request, student, input=item, days=days))


@student_view("family_portal.view_child")
def input_list(request: HttpRequest, student: Student) -> HttpResponse:
    context = _child_context(request, student, inputs=selectors.family_inputs(request.user, student),
                             can_send_input=request.user.has_perm("family_portal.send_input", student),
                             can_send_support_input=request.user.has_perm("family_portal.send_support_input", student))
    return render(request, "family_portal/input_list.html", context)


# --- Record of access --------------------------------------------------------------------------


@student_view("family_portal.view_child")
def access_record(request: HttpRequest, student: Student) -> HttpResponse:
    page = Paginator(selectors.access_record(student), ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "family_portal/access_record.html", _child_context(request, student, page=page))


# --- Staff: highlights on the student page ----------------------------------------------------------


@student_view("family_portal.post_highlight")
def student_highlights(request: HttpRequest, student: Student) -> HttpResponse:
    """Staff post a highlight to the family and read the family's replies."""
    form = forms.HighlightForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.post_highlight(student=student, author=request.user, text=data["text"], photo=data["photo"],
                                photo_description=data["photo_description"], text_es=data["text_es"])
        messages.success(request, _("Posted. The family will see it in their portal."))
        return redirect("family_portal:student-highlights", student_id=student.uuid)
    highlights = Paginator(selectors.highlights_for(student), 20).get_page(request.GET.get("page"))
    return render(request, "family_portal/student_highlights.html", {"student": student, "form": form, "page": highlights})
