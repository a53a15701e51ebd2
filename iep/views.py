import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError

from accounts.models import User
from roster.decorators import role_required, student_view
from roster.models import Student

from . import forms, monitoring, selectors, services, tasks
from .models import IEPInput

Role = User.Role
PAGE_SIZE = 25
REVIEWERS = (Role.SPED_DIRECTOR, Role.SPECIAL_EDUCATOR)


# --- A student's IEP ---------------------------------------------------------------------


def _point_form(goal, data=None) -> forms.ProgressPointForm:
    return forms.ProgressPointForm(data, goal=goal, prefix=f"goal-{goal.pk}", initial={"measured_on": timezone.localdate()})


def _iep_page(request: HttpRequest, student: Student, bound: forms.ProgressPointForm | None = None) -> HttpResponse:
    user = request.user
    plan = selectors.current_plan(student)
    goals = selectors.goals_with_progress(plan)
    can_record = user.has_perm("iep.record_progress", student)
    can_review = user.has_perm("iep.review_queue", student)
    if can_record:
        for item in goals:
            item.goal.point_form = bound if bound is not None and bound.goal.pk == item.goal.pk else _point_form(item.goal)
    context = {
        "student": student, "plan": plan, "goals": goals,
        "can_record": can_record, "can_review": can_review,
        "can_submit": user.has_perm("iep.submit_input", student),
        "inputs": selectors.inputs_about(student) if can_review else selectors.inputs_for_family(user, student),
        "reports": selectors.progress_reports_of(student),
        "current_period": monitoring.quarter_of(timezone.localdate()),
    }
    return render(request, "iep/student_iep.html", context)


@student_view("iep.view")
def student_iep(request: HttpRequest, student: Student) -> HttpResponse:
    return _iep_page(request, student)


@student_view("iep.record_progress")
@require_POST
def goal_point_add(request: HttpRequest, student: Student, goal_id: int) -> HttpResponse:
    goal = selectors.goal_of(student, goal_id)
    if goal is None:
        raise Http404
    form = _point_form(goal, request.POST)
    if not form.is_valid():
        return _iep_page(request, student, bound=form)
    try:
        decision = services.record_progress(goal=goal, recorded_by=request.user, **form.cleaned_data)
    except services.PointExists:
        form.add_error("measured_on", _("This goal already has a result for that day."))
        return _iep_page(request, student, bound=form)
    if decision == monitoring.Decision.BELOW_AIM:
        messages.warning(request, _("Saved. The last four results are below the aim line: the goal is flagged and "
                                    "the case manager has been told."))
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("iep:student-iep", args=[student.uuid]) + f"#goal-{goal.pk}")


# --- Input to the IEP team --------------------------------------------------------------------


@student_view("iep.submit_input")
def input_new(request: HttpRequest, student: Student) -> HttpResponse:
    form = forms.InputForm(request.POST or None, request.FILES or None, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.submit_input(student=student, submitted_by=request.user, kind=data["kind"], text=data["text"],
                              attachment=data["attachment"], idempotency_key=data["idempotency_key"])
        messages.success(request, _("Sent. The IEP team has received your message."))
        return redirect("iep:student-iep", student_id=student.uuid)
    return render(request, "iep/input_new.html", {"student": student, "form": form})


def _input_or_404(student: Student, input_id: int) -> IEPInput:
    item = selectors.input_with_history(student, input_id)
    if item is None:
        raise Http404
    return item


@student_view("iep.review_queue")
def input_detail(request: HttpRequest, student: Student, input_id: int) -> HttpResponse:
    item = _input_or_404(student, input_id)
    form = forms.InputActionForm(initial={"seen_status": item.status})
    return render(request, "iep/input_detail.html", {"student": student, "input": item, "form": form})


@student_view("iep.review_queue")
@require_POST
def input_act(request: HttpRequest, student: Student, input_id: int) -> HttpResponse:
    item = _input_or_404(student, input_id)
    form = forms.InputActionForm(request.POST)
    if not form.is_valid():
        return render(request, "iep/input_detail.html", {"student": student, "input": item, "form": form})
    data = form.cleaned_data
    try:
        moved = services.move_input(input_id=item.pk, action=data["action"], by=request.user,
                                    seen_status=data["seen_status"], answer=data["answer"].strip())
    except services.TransitionNotAllowed as refused:
        messages.error(request, _("Someone else changed this input first. It is now: %(status)s. Nothing was saved.")
                       % {"status": IEPInput.Status(refused.current).label})
    else:
        messages.success(request, _("Done. The input is now: %(status)s.") % {"status": moved.get_status_display()})
    return redirect("iep:input-detail", student_id=student.uuid, input_id=item.pk)


@student_view("iep.review_queue")
def input_attachment(request: HttpRequest, student: Student, input_id: int) -> FileResponse:
    item = _input_or_404(student, input_id)
    if not item.attachment:
        raise Http404
    return FileResponse(item.attachment.open("rb"), as_attachment=True, filename=item.attachment_name or "attachment",
                        content_type=item.attachment_type or "application/octet-stream")


# --- Progress reports ------------------------------------------------------------------------


@student_view("iep.view")
def report_page(request: HttpRequest, student: Student, period: str) -> HttpResponse:
    plan = selectors.current_plan(student)
    context = {"student": student, "plan": plan, "period": period}
    if plan is not None:
        context.update(services.report_context(plan=plan, period=period))
    return render(request, "iep/report_page.html", context)


@student_view("iep.view")
def report_pdf(request: HttpRequest, student: Student, report_id: int) -> FileResponse:
    report = selectors.progress_reports_of(student).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return FileResponse(report.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"progress-report-{report.period}.pdf")


@student_view("iep.review_queue")
@require_POST
def report_generate(request: HttpRequest, student: Student) -> HttpResponse:
    period = monitoring.quarter_of(timezone.localdate())
    try:
        tasks.generate_progress_report.delay(student_id=student.pk, period=period)
    except OperationalError:
        messages.error(request, _("The report could not be started right now. Please try again in a few minutes."))
    else:
        messages.success(request, _("The progress report for %(period)s is being prepared.") % {"period": period})
    return redirect("iep:student-iep", student_id=student.uuid)


# --- The review queue ---------------------------------------------------------------------------


@role_required(*REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    schools, case_managers = list(selectors.queue_schools(user)), list(selectors.case_managers_for(user))
    filter_form = forms.QueueFilterForm(request.GET or None, schools=schools, case_managers=case_managers)
    filters = selectors.QueueFilters(**filter_form.cleaned_data) if filter_form.is_valid() else selectors.QueueFilters()
    target_days = selectors.response_target_days(user)
    cutoff = selectors.past_target_cutoff(timezone.localdate(), target_days)
    page = Paginator(selectors.review_queue(user, filters, cutoff=cutoff), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "filter_form": filter_form, "cutoff": cutoff, "target_days": target_days,
        "querystring_base": query.urlencode() + "&" if query else "",
        "case_managers": case_managers, "is_director": user.role == Role.SPED_DIRECTOR,
    }
    return render(request, "iep/queue.html", context)


@role_required(Role.SPED_DIRECTOR)
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.AssignForm(request.POST, case_managers=selectors.case_managers_for(user))
    if form.is_valid():
        scoped = selectors.review_queue(user, selectors.QueueFilters(), cutoff=timezone.now()).filter(
            pk__in=form.cleaned_data["inputs"])
        assigned, skipped = services.assign_inputs(inputs=scoped, assignee=form.cleaned_data["assignee"], by=user)
        messages.success(request, _("%(n)s input(s) assigned.") % {"n": assigned})
        if skipped:
            messages.warning(request, _("%(n)s input(s) were not assigned: they are closed already, or the person "
                                        "chosen is not the case manager of that student.") % {"n": skipped})
    else:
        for error in form.errors.get("inputs", []) + form.errors.get("assignee", []):
            messages.error(request, error)
    return redirect(reverse("iep:queue") + "?" + request.POST.get("return_query", "")[:500])


@role_required(*REVIEWERS)
def deadlines(request: HttpRequest) -> HttpResponse:
    user = request.user
    horizon = 30 if request.GET.get("within") == "30" else 60
    today = timezone.localdate()
    target_days = selectors.response_target_days(user)
    cutoff = selectors.past_target_cutoff(today, target_days)
    context = {
        "deadlines": selectors.deadlines(user, today=today, horizon_days=horizon, cutoff=cutoff),
        "horizon": horizon, "today": today, "target_days": target_days,
        "is_director": user.role == Role.SPED_DIRECTOR,
        "current_period": monitoring.quarter_of(today),
    }
    return render(request, "iep/deadlines.html", context)


@role_required(Role.SPED_DIRECTOR)
@require_POST
def reports_generate(request: HttpRequest) -> HttpResponse:
    """On demand: this quarter's reports for every student with an IEP in the director's district(s)."""
    period = monitoring.quarter_of(timezone.localdate())
    try:
        for district_id in selectors.directed_district_ids(request.user):
            tasks.generate_progress_reports.delay(period=period, district_id=district_id)
    except OperationalError:
        messages.error(request, _("The reports could not be started right now. Please try again in a few minutes."))
    else:
        messages.success(request, _("Progress reports for %(period)s are being prepared. Families are told when "
                                    "each one is ready.") % {"period": period})
    return redirect("iep:deadlines")
