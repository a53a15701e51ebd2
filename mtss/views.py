"""MTSS pages: a student's tiered supports, a support plan, the screening import and the overview."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from iep import services as iep_services
from iep.forms import InputActionForm
from iep.models import IEPInput
from iep.selectors import status_audience
from roster.access import screening_students
from roster.decorators import permission_required, student_view
from roster.models import Student

from . import forms, screening, selectors, services
from .models import SupportPlan


def _add_errors(form, refused: ValidationError) -> None:
    for field, problems in refused.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


# --- A student's tiered supports ------------------------------------------------------------


def _answer_form(item: IEPInput, data=None) -> InputActionForm:
    return InputActionForm(data, prefix=f"input-{item.pk}", initial={"action": "answer", "seen_status": item.status})


def _family_messages(request: HttpRequest, student: Student, failed: InputActionForm | None = None,
                     failed_id: int | None = None) -> list[tuple[IEPInput, InputActionForm | None]]:
    """The family's messages to the support team, each open one with its answer form, for those who answer them."""
    if not request.user.has_perm("mtss.answer_input", student):
        return []
    return [(item, (failed if item.pk == failed_id else _answer_form(item)) if item.is_open else None)
            for item in selectors.support_inputs(student)]


def _student_page(request: HttpRequest, student: Student, tier_form=None, decision_form=None, status: int = 200,
                  family_messages=None) -> HttpResponse:
    can_manage = request.user.has_perm("mtss.manage", student)
    can_decide = request.user.has_perm("mtss.decide", student)
    context = {"student": student, "areas": selectors.student_areas(student), "can_manage": can_manage,
               "tier_form": tier_form or (forms.TierForm(prefix="tier") if can_manage else None),
               "decisions": selectors.decisions_of(student), "referral": selectors.latest_referral(student),
               "can_refer": request.user.has_perm("mtss.refer", student),
               "family_messages": _family_messages(request, student) if family_messages is None else family_messages,
               "decision_form": decision_form or (forms.DecisionForm(prefix="decision", initial={
                   "met_on": timezone.localdate()}) if can_decide else None)}
    return render(request, "mtss/student.html", context, status=status)


@student_view("mtss.view")
def student(request: HttpRequest, student: Student) -> HttpResponse:
    return _student_page(request, student)


@student_view("mtss.manage")
@require_POST
def tier_change(request: HttpRequest, student: Student) -> HttpResponse:
    form = forms.TierForm(request.POST, prefix="tier")
    if form.is_valid():
        try:
            change = services.set_tier(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The tier is changed.") if change else _("That is already the student's tier."))
            return redirect("mtss:student", student_id=student.uuid)
    return _student_page(request, student, tier_form=form, status=400)


@student_view("mtss.manage")
def plan_new(request: HttpRequest, student: Student) -> HttpResponse:
    form = forms.PlanForm(request.POST or None, interventions=selectors.interventions_for(student),
                          interventionists=selectors.interventionist_choices(student))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.start_plan(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The support plan is started. Enter its results as you measure them."))
            return redirect("mtss:plan", student_id=student.uuid, plan_id=plan.pk)
    return render(request, "mtss/plan_form.html", {"student": student, "form": form},
                  status=400 if request.method == "POST" else 200)


def _plan(student: Student, plan_id: int) -> SupportPlan:
    plan = selectors.plan_of(student, plan_id)
    if plan is None:
        raise Http404
    return plan


def _plan_page(request: HttpRequest, student: Student, plan: SupportPlan, *, result_form=None, session_form=None,
               status: int = 200) -> HttpResponse:
    can_record = request.user.has_perm("mtss.record", student) and plan.is_active
    today = timezone.localdate()
    context = {
        "student": student, "plan": plan, "progress": selectors.plan_progress(plan), "sessions": plan.sessions.all(),
        "fidelity": selectors.fidelity(plan, today=today), "status_audience": status_audience(request.user, student),
        "can_record": can_record,
        "result_form": (result_form or forms.ResultForm(plan=plan, prefix="result", initial={"measured_on": today}))
        if can_record else None,
        "session_form": (session_form or forms.SessionForm(prefix="session", initial={"held_on": today, "delivered": "yes",
                                                                                       "minutes": plan.intervention.minutes}))
        if can_record else None,
    }
    return render(request, "mtss/plan.html", context, status=status)


@student_view("mtss.view")
def plan(request: HttpRequest, student: Student, plan_id: int) -> HttpResponse:
    return _plan_page(request, student, _plan(student, plan_id))


@student_view("mtss.record")
@require_POST
def result_add(request: HttpRequest, student: Student, plan_id: int) -> HttpResponse:
    plan = _plan(student, plan_id)
    form = forms.ResultForm(request.POST, plan=plan, prefix="result")
    if form.is_valid() and plan.is_active:
        try:
            services.record_result(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The result is saved."))
            return redirect("mtss:plan", student_id=student.uuid, plan_id=plan.pk)
    return _plan_page(request, student, plan, result_form=form, status=400)


@student_view("mtss.record")
@require_POST
def session_add(request: HttpRequest, student: Student, plan_id: int) -> HttpResponse:
    plan = _plan(student, plan_id)
    form = forms.SessionForm(request.POST, prefix="session")
    if form.is_valid() and plan.is_active:
        try:
            services.log_session(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The session is logged."))
            return redirect("mtss:plan", student_id=student.uuid, plan_id=plan.pk)
    return _plan_page(request, student, plan, session_form=form, status=400)


@student_view("mtss.decide")
@require_POST
def decision_add(request: HttpRequest, student: Student) -> HttpResponse:
    form = forms.DecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        try:
            services.record_decision(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The team's decision is recorded."))
            return redirect("mtss:student", student_id=student.uuid)
    return _student_page(request, student, decision_form=form, status=400)


@student_view("mtss.answer_input")
@require_POST
def input_answer(request: HttpRequest, student: Student, input_id: int) -> HttpResponse:
    """The support team answers a family's message (the IEP inputs' own service: one life, the family is emailed)."""
    item = selectors.support_inputs(student).filter(pk=input_id).first()
    if item is None:
        raise Http404
    form = InputActionForm(request.POST, prefix=f"input-{item.pk}")
    if form.is_valid() and form.cleaned_data["action"] == "answer":
        data = form.cleaned_data
        try:
            iep_services.move_input(input_id=item.pk, action="answer", by=request.user, seen_status=data["seen_status"],
                                    answer=data["answer"].strip(), answer_es=data["answer_es"].strip())
        except iep_services.TransitionNotAllowed as refused:
            messages.error(request, _("Someone else changed this input first. It is now: %(status)s. Nothing was saved.")
                           % {"status": IEPInput.Status(refused.current).label})
        else:
            messages.success(request, _("Your answer is sent to the family."))
        return redirect(reverse("mtss:student", args=[student.uuid]) + f"#input-{item.pk}")
    return _student_page(request, student, status=400,
                         family_messages=_family_messages(request, student, failed=form, failed_id=item.pk))


@student_view("mtss.refer")
def referral(request: HttpRequest, student: Student) -> HttpResponse:
    """Start a referral for a special education evaluation (drafted from the record), or add the parent's consent."""
    current = selectors.latest_referral(student)
    initial = selectors.referral_draft(student) if current is None else {}
    form = forms.ReferralForm(request.POST or None, initial=initial, prefix="referral") if current is None else \
        forms.ReferralForm(request.POST or None, prefix="referral", initial={
            "concerns": current.concerns, "data": current.data, "interventions_tried": current.interventions_tried,
            "consent_on": current.consent_on})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_referral(student=student, referral=current, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The referral is saved.") if saved.evaluation_due is None else
                             _("The referral is saved. The evaluation is due by %(day)s.")
                             % {"day": date_format(saved.evaluation_due, "DATE_FORMAT")})
            return redirect("mtss:student", student_id=student.uuid)
    return render(request, "mtss/referral.html", {"student": student, "form": form, "referral": current},
                  status=400 if request.method == "POST" else 200)


# --- Screening import ----------------------------------------------------------------------


@permission_required("mtss.import_screening")
def screening_import(request: HttpRequest) -> HttpResponse:
    """Upload a screener's CSV: every row checked first; one bad row refuses the file and nothing is written."""
    form = forms.ScreeningUploadForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        checked = screening.import_file(form.cleaned_data["file"].read(), students=screening_students(request.user),
                                        by=request.user)
        if checked.ok:
            messages.success(request, ngettext("%(n)d screening result is imported.",
                                               "%(n)d screening results are imported.", len(checked.rows))
                             % {"n": len(checked.rows)})
            return redirect("mtss:screening-import")
    status = 400 if checked is not None or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "mtss/screening_import.html", {"form": form, "checked": checked}, status=status)


# --- The overview ----------------------------------------------------------------------------


@permission_required("mtss.overview")
def overview(request: HttpRequest) -> HttpResponse:
    """The tiers of the students this person may see (teachers their classes, leaders their school)."""
    return render(request, "mtss/overview.html", {"overview": selectors.overview(request.user),
                                                   "today": timezone.localdate()})
