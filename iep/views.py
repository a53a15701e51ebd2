import re
import uuid
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError

from accounts.models import User
from config.params import id_or_none
from roster.access import holds_permission
from roster.decorators import permission_required, student_view
from competencies.models import Evidence
from roster.models import Student

from . import deadline_sources, forms, monitoring, selectors, services, tasks
from .models import Goal, IEPInput, ProgressPoint, ProgressReport

PAGE_SIZE = 25


# --- A student's IEP ---------------------------------------------------------------------


def _iep_page(request: HttpRequest, student: Student) -> HttpResponse:
    user = request.user
    page = selectors.plan_page(student)
    can_review = user.has_perm("iep.review_queue", student)
    context = {
        "student": student, "plan": page.plan, "team": page.team, "goals": page.goals,
        "can_record": user.has_perm("iep.record_progress", student), "can_review": can_review,
        "can_manage": user.has_perm("iep.manage_plan", student),
        "can_submit": user.has_perm("iep.submit_input", student),
        "inputs": selectors.inputs_about(student) if can_review else selectors.inputs_for_family(user, student),
        "reports": selectors.progress_reports_of(student),
        "current_period": monitoring.quarter_of(timezone.localdate()),
        "current_period_name": monitoring.period_name(monitoring.quarter_of(timezone.localdate())),
        "report_form": forms.ReportRequestForm(today=timezone.localdate()) if can_review else None,
        "status_audience": selectors.status_audience(user, student),
    }
    return render(request, "iep/student_iep.html", context)


@student_view("iep.view")
def student_iep(request: HttpRequest, student: Student) -> HttpResponse:
    return _iep_page(request, student)


# --- The plan and its goals ---------------------------------------------------------------


@student_view("iep.manage_plan")
def plan_edit(request: HttpRequest, student: Student) -> HttpResponse:
    """Start the plan (none yet) or change its dates, case manager and team."""
    plan = selectors.plan_for_editing(student)
    form = forms.PlanForm(request.POST or None, plan=plan, candidates=selectors.team_candidates(student, plan))
    if request.method == "POST" and form.is_valid():
        services.save_plan(student=student, by=request.user, **form.service_data())
        messages.success(request, _("The plan is saved.") if plan else _("The plan is started. Now add its goals."))
        return redirect("iep:student-iep", student_id=student.uuid)
    return render(request, "iep/plan_form.html", {"student": student, "plan": plan, "form": form})


def _goal_form_page(request: HttpRequest, student: Student, goal: Goal | None) -> HttpResponse:
    plan = goal.plan if goal else selectors.current_plan_only(student)
    if plan is None:
        messages.info(request, _("Start the plan first: its goals belong to it."))
        return redirect("iep:plan-edit", student_id=student.uuid)
    form = forms.GoalForm(request.POST or None, plan=plan, goal=goal,
                          competencies=selectors.linkable_competencies(student, goal),
                          profile_goals=selectors.linkable_profile_goals(student))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_goal(plan=plan, goal=goal, by=request.user, **form.service_data())
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("iep:goal-detail", student_id=student.uuid, goal_id=saved.pk)
    context = {"student": student, "plan": plan, "goal": goal, "form": form,
               "changes": selectors.goal_changes(goal) if goal else []}
    return render(request, "iep/goal_form.html", context)


@student_view("iep.manage_plan")
def goal_new(request: HttpRequest, student: Student) -> HttpResponse:
    return _goal_form_page(request, student, None)


@student_view("iep.manage_plan")
def goal_edit(request: HttpRequest, student: Student, goal_id: int) -> HttpResponse:
    goal = selectors.goal_for_page(student, goal_id)
    if goal is None:
        raise Http404
    return _goal_form_page(request, student, goal)


def _point_form(goal: Goal, data=None, *, scales=None, offers=(),
                use: Evidence | None = None) -> forms.ProgressPointForm:
    initial = {"measured_on": timezone.localdate()}
    if use is not None:
        initial = {"measured_on": use.observed_on, "value": use.score, "from_evidence": use.pk,
                   "note": _("From the class record: level %(level)s on %(code)s")
                   % {"level": selectors.plain_number(use.score), "code": use.competency.short_code or use.competency}}
    return forms.ProgressPointForm(data, goal=goal, linked=list(goal.competencies.all()), scales=scales, offers=offers,
                                   prefix="point", initial=initial)


def _goal_page(request: HttpRequest, student: Student, goal: Goal, bound: forms.ProgressPointForm | None = None,
               status: int = 200) -> HttpResponse:
    user = request.user
    can_record = user.has_perm("iep.record_progress", student)
    # Changing the goal (and its history) is reached from the IEP page; this page stays within P1's 12 queries.
    context = {"student": student, "goal": goal, "progress": selectors.goal_progress(goal), "can_record": can_record,
               "status_audience": selectors.status_audience(user, student)}
    if user.has_perm("iep.view_result_history", student):
        context.update(_result_history(user, student, goal))
    if can_record:
        offers = selectors.evidence_offers(goal)
        scales = selectors.scales_for(list(goal.competencies.all()))
        use = next((e for e in offers if str(e.pk) == request.GET.get("use")), None)
        context.update(offer_rows=selectors.offer_rows(offers, scales), using=use,
                       form=bound or _point_form(goal, scales=scales, offers=offers, use=use))
    return render(request, "iep/goal_detail.html", context, status=status)


def _result_history(user: User, student: Student, goal: Goal) -> dict:
    """Every result with its corrections, and which ones this person may correct or void (its recorder, the
    case manager: iep.correct_result)."""
    history = selectors.result_history(goal)
    goal.plan.student = student
    correctable = set()
    if user.has_perm("iep.correct_progress", student):
        for point in history:
            point.goal = goal
            if not point.is_voided and user.has_perm("iep.correct_result", point):
                correctable.add(point.pk)
    return {"history": history, "correctable": correctable}


def _goal_or_404(student: Student, goal_id: int) -> Goal:
    goal = selectors.goal_for_page(student, goal_id)
    if goal is None:
        raise Http404
    return goal


@student_view("iep.view")
def goal_detail(request: HttpRequest, student: Student, goal_id: int) -> HttpResponse:
    return _goal_page(request, student, _goal_or_404(student, goal_id))


@student_view("iep.record_progress")
@require_POST
def goal_point_add(request: HttpRequest, student: Student, goal_id: int) -> HttpResponse:
    goal = _goal_or_404(student, goal_id)
    offers = selectors.evidence_offers(goal)
    scales = selectors.scales_for(list(goal.competencies.all()))
    form = _point_form(goal, request.POST, scales=scales, offers=offers)
    if not form.is_valid():
        return _goal_page(request, student, goal, bound=form)
    try:
        status = services.record_progress(goal=goal, recorded_by=request.user, also_evidence=form.also_evidence(),
                                            from_evidence=form.source_evidence(), **form.point_data())
    except services.ResultRefused as refused:  # the rule at the fields (a result entered at the same moment)
        form.add_error(None, refused)
        return _goal_page(request, student, goal, bound=form)
    except ValidationError as refused:
        form.add_error(None, refused)
        return _goal_page(request, student, goal, bound=form)
    if status.needs_a_look:
        messages.warning(request, _("Saved. %(status)s. %(reason)s The case manager has been told.")
                         % {"status": status.label(), "reason": status.reason()})
    elif form.also_evidence():
        messages.success(request, _("Saved, and recorded as evidence in the class record too."))
    else:
        messages.success(request, _("Saved."))
    return redirect("iep:goal-detail", student_id=student.uuid, goal_id=goal.pk)


def _result_or_404(request: HttpRequest, student: Student, goal_id: int, point_id: int):
    """The goal and one of its results that this person may correct or void: 404 for no such (live) result,
    403 for a result someone else recorded, unless they are the student's case manager (iep.correct_result)."""
    goal = _goal_or_404(student, goal_id)
    point = selectors.point_to_correct(goal, point_id)
    if point is None:
        raise Http404
    goal.plan.student = student
    if not request.user.has_perm("iep.correct_result", point):
        raise PermissionDenied
    return goal, point


def _change_result(request: HttpRequest, student: Student, goal: Goal, form, change) -> HttpResponse | None:
    """Run `change` (a correction or a void) for a valid form; the message and the redirect, or None to show the
    form again with the service's refusals at their fields."""
    try:
        change(form.cleaned_data)
    except services.ResultChanged:
        messages.error(request, _("Someone else changed this result first. Nothing was saved: check it below and "
                                  "try again if it is still needed."))
    except ProgressPoint.DoesNotExist:
        raise Http404 from None
    except ValidationError as refused:
        form.add_error(None, refused)
        return None
    return redirect(reverse("iep:goal-detail", kwargs={"student_id": student.uuid, "goal_id": goal.pk}) + "#history")


@student_view("iep.correct_progress")
def goal_point_correct(request: HttpRequest, student: Student, goal_id: int, point_id: int) -> HttpResponse:
    """Correct a result's date, value or note, with a reason; the original stays in its history."""
    goal, point = _result_or_404(request, student, goal_id, point_id)
    form = forms.CorrectResultForm(request.POST or None, goal=goal, point=point)
    if request.method == "POST" and form.is_valid():
        def change(data):
            services.correct_result(goal=goal, point_id=point.pk, by=request.user, version=data["version"],
                                    measured_on=data["measured_on"], value=data["value"], note=data["note"],
                                    reason=data["reason"])
            messages.success(request, _("The result is corrected. What it was, and why it changed, stay in its "
                                        "history and in the family's record."))
        if (response := _change_result(request, student, goal, form, change)) is not None:
            return response
    return render(request, "iep/result_correct.html", {"student": student, "goal": goal, "point": point, "form": form})


@student_view("iep.correct_progress")
def goal_point_void(request: HttpRequest, student: Student, goal_id: int, point_id: int) -> HttpResponse:
    """Void a result, with a reason: it no longer counts anywhere, and stays in its history."""
    goal, point = _result_or_404(request, student, goal_id, point_id)
    form = forms.VoidResultForm(request.POST or None, point=point)
    if request.method == "POST" and form.is_valid():
        def change(data):
            services.void_result(goal=goal, point_id=point.pk, by=request.user, version=data["version"],
                                 reason=data["reason"])
            messages.success(request, _("The result is voided: it no longer counts in the chart, the goal's status "
                                        "or the next report. It stays in its history and in the family's record."))
        if (response := _change_result(request, student, goal, form, change)) is not None:
            return response
    return render(request, "iep/result_void.html", {"student": student, "goal": goal, "point": point, "form": form})


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


def _input_or_404(request: HttpRequest, student: Student, input_id: int) -> IEPInput:
    """The input, for its reviewers; for someone who only owns inputs about the student, only one they own."""
    item = selectors.input_with_history(student, input_id)
    if item is None or not (item.assigned_to_id == request.user.pk or request.user.has_perm("iep.review_queue", student)):
        raise Http404
    return item


@student_view("iep.handle_input")
def input_detail(request: HttpRequest, student: Student, input_id: int) -> HttpResponse:
    item = _input_or_404(request, student, input_id)
    form = forms.InputActionForm(initial={"seen_status": item.status})
    return render(request, "iep/input_detail.html", {"student": student, "input": item, "form": form})


@student_view("iep.handle_input")
@require_POST
def input_act(request: HttpRequest, student: Student, input_id: int) -> HttpResponse:
    item = _input_or_404(request, student, input_id)
    form = forms.InputActionForm(request.POST)
    if not form.is_valid():
        return render(request, "iep/input_detail.html", {"student": student, "input": item, "form": form})
    data = form.cleaned_data
    try:
        moved = services.move_input(input_id=item.pk, action=data["action"], by=request.user,
                                    seen_status=data["seen_status"], answer=data["answer"].strip(),
                                    answer_es=data["answer_es"].strip())
    except services.TransitionNotAllowed as refused:
        messages.error(request, _("Someone else changed this input first. It is now: %(status)s. Nothing was saved.")
                       % {"status": IEPInput.Status(refused.current).label})
    else:
        messages.success(request, _("Done. The input is now: %(status)s.") % {"status": moved.get_status_display()})
        if moved.status == IEPInput.Status.CLOSED and not request.user.has_perm("iep.review_queue", student):
            return redirect("iep:queue")  # its owner's part is over, and so is their access to the student
    return redirect("iep:input-detail", student_id=student.uuid, input_id=item.pk)


@student_view("iep.handle_input")
def input_attachment(request: HttpRequest, student: Student, input_id: int) -> FileResponse:
    item = _input_or_404(request, student, input_id)
    if not item.attachment:
        raise Http404
    return FileResponse(item.attachment.open("rb"), as_attachment=True, filename=item.attachment_name or "attachment",
                        content_type=item.attachment_type or "application/octet-stream")


# --- Progress reports ------------------------------------------------------------------------


@student_view("iep.view")
def report_page(request: HttpRequest, student: Student, period: str) -> HttpResponse:
    """A period's report as a page; before the period ends, an interim one up to today (not started: not found)."""
    today = timezone.localdate()
    first, last = monitoring.quarter_bounds(period)
    if not selectors.period_in_school_years(student, period) or first > today:
        raise Http404
    interim_up_to = today if today <= last else None
    plan = selectors.current_plan(student)
    context = {"student": student, "plan": plan, "period": period, "interim_up_to": interim_up_to,
               "report": ProgressReport(period=period, interim_up_to=interim_up_to)}
    if plan is not None:
        context.update(services.report_context(plan=plan, period=period, interim_up_to=interim_up_to))
    return render(request, "iep/report_page.html", context)


@student_view("iep.view")
def report_pdf(request: HttpRequest, student: Student, report_id: int) -> FileResponse:
    report = selectors.progress_reports_of(student).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return FileResponse(report.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=report.file_name)


def _report_request(request: HttpRequest) -> tuple[str, date | None, str] | None:
    """The report the form asks for: (period, interim cut-off, its name), or None with the error shown."""
    form = forms.ReportRequestForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        for error in form.errors.get("kind", []):
            messages.error(request, error)
        return None
    period, interim_up_to = form.report_request()
    return period, interim_up_to, ProgressReport(period=period, interim_up_to=interim_up_to).label


@student_view("iep.review_queue")
@require_POST
def report_generate(request: HttpRequest, student: Student) -> HttpResponse:
    """The student's report of the last period that ended, or an interim one up to today when chosen."""
    asked = _report_request(request)
    if asked is None:
        return redirect("iep:student-iep", student_id=student.uuid)
    period, interim_up_to, label = asked
    try:
        tasks.generate_progress_report.delay(student_id=student.pk, period=period,
                                             interim_up_to=interim_up_to and interim_up_to.isoformat())
    except OperationalError:
        messages.error(request, _("The report could not be started right now. Please try again in a few minutes."))
    else:
        messages.success(request, _("The progress report for %(period)s is being prepared.") % {"period": label})
    return redirect("iep:student-iep", student_id=student.uuid)


# --- The review queue ---------------------------------------------------------------------------


@permission_required("iep.open_queue")
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    schools, case_managers = list(selectors.queue_schools(user)), list(selectors.case_managers_for(user))
    filter_form = forms.QueueFilterForm(request.GET or None, schools=schools, case_managers=case_managers)
    filters = selectors.QueueFilters(**filter_form.cleaned_data) if filter_form.is_valid() else selectors.QueueFilters()
    target_days = selectors.response_target_days(user)
    cutoff = selectors.past_target_cutoff(timezone.localdate(), target_days)
    page = Paginator(selectors.review_queue(user, filters, cutoff=cutoff), PAGE_SIZE).get_page(request.GET.get("page"))
    is_director = holds_permission(user, "iep.direct")
    page.object_list = selectors.with_case_managers(page.object_list, owners=is_director)
    sees_deadlines = holds_permission(user, "iep.review_inputs")
    today = timezone.localdate()
    # The deadlines higher apps keep (an evaluation a referral started), counted where the queue's reader looks.
    other_deadlines = deadline_sources.collect(user, today=today, until=today + timedelta(days=selectors.QUEUE_DEADLINE_DAYS),
                                               shown=0) if sees_deadlines else []
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "filter_form": filter_form, "cutoff": cutoff, "target_days": target_days,
        "querystring_base": query.urlencode() + "&" if query else "", "is_director": is_director,
        "owner_only": not holds_permission(user, "iep.review_inputs"), "sees_deadlines": sees_deadlines,
        "other_deadlines": [group for group in other_deadlines if group.count], "deadline_days": selectors.QUEUE_DEADLINE_DAYS,
        "bulk_owners": selectors.bulk_owners(page.object_list) if is_director else [],
        "without_case_manager": selectors.without_case_manager(user) if is_director else None,
    }
    return render(request, "iep/queue.html", context)


@permission_required("iep.direct")
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    """Assign inputs and say what became of each one: done, unchanged, or refused with why (never a green
    banner when nothing was done)."""
    user = request.user
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        wanted = form.choices()
        people = User.objects.in_bulk([pk for pk in wanted.values() if pk is not None])
        scoped = selectors.review_queue(user, selectors.QueueFilters(), cutoff=timezone.now())
        choices = {pk: None if person is None else people.get(person) for pk, person in wanted.items()}
        missing = [pk for pk, person in wanted.items() if person is not None and person not in people]
        if missing:
            messages.error(request, _("The person chosen could not be found. Nothing was changed."))
        else:
            for result in services.assign_inputs(inputs=scoped, choices=choices, by=user):
                _report_assignment(request, result)
    else:
        for error in form.non_field_errors() + form.errors.get("inputs", []) + form.errors.get("assignee", []):
            messages.error(request, error)
    return redirect(reverse("iep:queue") + "?" + request.POST.get("return_query", "")[:500])


def _report_assignment(request: HttpRequest, result: services.Assignment) -> None:
    if result.outcome == "done":
        messages.success(request, _("Assigned the input about %(student)s to %(person)s.") % {
            "student": result.input.student.display_name, "person": result.owner})
    elif result.outcome == "unchanged":
        messages.info(request, _("The input about %(student)s was with %(person)s already.") % {
            "student": result.input.student.display_name, "person": result.owner})
    else:
        messages.error(request, result.why)


@permission_required("iep.review_inputs")
def deadlines(request: HttpRequest) -> HttpResponse:
    user = request.user
    horizon = 30 if request.GET.get("within") == "30" else 60
    today = timezone.localdate()
    target_days = selectors.response_target_days(user)
    cutoff = selectors.past_target_cutoff(today, target_days)
    school = request.GET.get("school", "")
    school_id = id_or_none(school)  # a school the user reviews no one in lists nothing
    context = {
        "deadlines": selectors.deadlines(user, today=today, horizon_days=horizon, cutoff=cutoff, school_id=school_id),
        "horizon": horizon, "today": today, "target_days": target_days, "due_shown": selectors.DUE_SHOWN,
        "is_director": holds_permission(user, "iep.direct"),
        "report_form": forms.ReportRequestForm(today=today) if holds_permission(user, "iep.direct") else None,
    }
    return render(request, "iep/deadlines.html", context)


@permission_required("iep.direct")
@require_POST
def reports_generate(request: HttpRequest) -> HttpResponse:
    """On demand: the reports of the last period that ended (or, chosen explicitly, interim reports up to today)
    for every student with an IEP in the director's district(s)."""
    asked = _report_request(request)
    if asked is None:
        return redirect("iep:deadlines")
    period, interim_up_to, label = asked
    reports = selectors.district_reports(request.user, period=period, interim_up_to=interim_up_to)
    if request.POST.get("confirm") != "yes":  # first: who and what, and a question
        return render(request, "iep/reports_confirm.html", {"reports": reports, "label": label, "kind": request.POST.get("kind", "")})
    try:
        for district_id in selectors.directed_district_ids(request.user):
            tasks.generate_progress_reports.delay(period=period, district_id=district_id,
                                                  interim_up_to=interim_up_to and interim_up_to.isoformat())
    except OperationalError:
        messages.error(request, _("Nothing was started: the reports could not be queued right now. Please try again in a "
                                  "few minutes."))
        return redirect("iep:deadlines")
    messages.success(request, ngettext("%(n)d progress report for %(period)s is being prepared. This page shows how far it has got.",
                                       "%(n)d progress reports for %(period)s are being prepared. This page shows how far they have got.",
                                       reports.students) % {"n": reports.students, "period": label})
    query = f"?period={period}" + (f"&interim={interim_up_to.isoformat()}" if interim_up_to else "")
    return redirect(reverse("iep:reports-progress") + query)


@permission_required("iep.direct")
def reports_progress(request: HttpRequest) -> HttpResponse:
    """How far the district's reports have got: polled every few seconds (htmx) until every one is ready."""
    period = request.GET.get("period", "")
    interim = request.GET.get("interim", "")
    try:
        interim_up_to = date.fromisoformat(interim) if interim else None
        if not re.fullmatch(r"\d{4}-Q[1-4]", period):
            raise ValueError(period)
    except ValueError:
        raise Http404("No such period") from None
    label = ProgressReport(period=period, interim_up_to=interim_up_to).label
    reports = selectors.district_reports(request.user, period=period, interim_up_to=interim_up_to)
    context = {"reports": reports, "label": label, "query": request.GET.urlencode()}
    template = "iep/reports_progress.html#status" if request.headers.get("HX-Request") == "true" else "iep/reports_progress.html"
    return render(request, template, context)
