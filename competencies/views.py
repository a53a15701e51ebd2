import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import record_class_access
from config.params import id_or_none
from config.spreadsheets import safe_cell
from roster.decorators import class_view, permission_required, student_view
from roster.models import Section, Student

from . import charts, forms, mastery, selectors, services


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- one student ------------------------------------------------------------------


@student_view("competencies.view")
def student_progress(request: HttpRequest, student: Student) -> HttpResponse:
    context = {"student": student, "can_record": request.user.has_perm("competencies.record_evidence", student),
               **selectors.student_progression(student)}
    return render(request, "competencies/student_progress.html", context)


@student_view("competencies.view")
def student_competency(request: HttpRequest, student: Student, competency_id: int) -> HttpResponse:
    competency = selectors.competency_for_student(student, competency_id)
    if competency is None:
        raise Http404("No such competency for this student")
    info = selectors.scale_info({competency.framework_id})[competency.framework_id]
    evidence, removed = selectors.evidence_for(student, competency)
    scores = [e.score for e in evidence]
    stored = competency.masteries.filter(student=student).select_related("overridden_by").first()
    for item in [*evidence, *removed]:
        item.student = student  # the door's student: the correction rule reads its relationships with no query
    context = {
        "student": student, "competency": competency, "evidence": evidence, "removed": removed, "levels": info.levels,
        "correctable": {e.pk for e in evidence if request.user.has_perm("competencies.correct_evidence", e)},
        "threshold": info.threshold, "cell": selectors.cell_for(stored, info), "mastery": stored,
        "explanation": mastery.explain(scores, info.params, info.levels),
        "chart": charts.build([(e.observed_on, e.score) for e in evidence], levels=info.levels, threshold=info.threshold),
        "can_record": request.user.has_perm("competencies.record_evidence", student),
    }
    return render(request, "competencies/student_competency.html", context)


@student_view("competencies.record_evidence")
def evidence_new(request: HttpRequest, student: Student) -> HttpResponse:
    competencies = selectors.student_competencies(student)
    framework_ids = set(competencies.values_list("framework_id", flat=True))
    info = selectors.scale_info(framework_ids)
    levels = sorted({level for item in info.values() for level in item.levels})
    initial = {"competencies": [c] if (c := id_or_none(request.GET.get("competency"))) else []}
    form = forms.EvidenceForm(request.POST or None, competencies=competencies, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_evidence(
                student=student, competencies=list(data["competencies"]), score=data["level"], observed_on=data["observed_on"],
                kind=data["kind"], demonstration=data["demonstration"], accommodations=data["accommodations"],
                note=data["note"], recorded_by=request.user,
            )
        except ValidationError as error:
            forms.add_refusal(form, error, {"score": "level", "observed_on": "observed_on", "competencies": "competencies"})
        else:
            messages.success(request, _("The result was saved and mastery is up to date."))
            return redirect("competencies:student-progress", student_id=student.uuid)
    return render(request, "competencies/evidence_form.html", {"student": student, "form": form, "has_competencies": bool(framework_ids)})


@student_view("competencies.record_evidence")
def mastery_override(request: HttpRequest, student: Student, competency_id: int) -> HttpResponse:
    competency = selectors.competency_for_student(student, competency_id)
    if competency is None:
        raise Http404("No such competency for this student")
    info = selectors.scale_info({competency.framework_id})[competency.framework_id]
    stored = competency.masteries.filter(student=student).first()
    initial = {"level": stored.override_value, "reason": stored.override_reason} if stored else {}
    form = forms.OverrideForm(request.POST or None, levels=info.levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.override_mastery(student=student, competency=competency, value=form.cleaned_data["level"],
                                      reason=form.cleaned_data["reason"], overridden_by=request.user)
        except ValidationError as error:
            forms.add_refusal(form, error, {"score": "level", "reason": "reason"})
        else:
            messages.success(request, _("The level shown was updated."))
            return redirect("competencies:student-competency", student_id=student.uuid, competency_id=competency.pk)
    history = stored.history.select_related("history_user").order_by("-history_date")[:10] if stored else []
    return render(request, "competencies/override_form.html",
                  {"student": student, "competency": competency, "form": form, "history": history})


def _correctable(request: HttpRequest, student: Student, evidence_id: int):
    """The student's result (not removed) that this person may correct or remove: 404 if there is none, 403 if they
    may not (roster/access.py: the person who recorded it or the student's case manager)."""
    evidence = selectors.evidence_of(student, evidence_id)
    if evidence is None:
        raise Http404("No such result for this student")
    if not request.user.has_perm("competencies.correct_evidence", evidence):
        raise PermissionDenied
    return evidence


def _back_to(student: Student, evidence) -> HttpResponse:
    return redirect("competencies:student-competency", student_id=student.uuid, competency_id=evidence.competency_id)


@student_view("competencies.record_evidence")
def evidence_correct(request: HttpRequest, student: Student, evidence_id: int) -> HttpResponse:
    evidence = _correctable(request, student, evidence_id)
    levels = selectors.scale_info({evidence.competency.framework_id})[evidence.competency.framework_id].levels
    initial = {"level": evidence.score.normalize(), "observed_on": evidence.observed_on, "note": evidence.note}
    form = forms.EvidenceCorrectionForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_evidence(evidence=evidence, corrected_by=request.user, reason=data["reason"], score=data["level"],
                                      observed_on=data["observed_on"], note=data["note"])
        except ValidationError as error:
            forms.add_refusal(form, error, {"score": "level", "observed_on": "observed_on", "reason": "reason"})
        else:
            messages.success(request, _("The result was corrected and mastery is up to date. The earlier version is kept in its history."))
            return _back_to(student, evidence)
    return render(request, "competencies/evidence_change.html",
                  {"student": student, "evidence": evidence, "form": form, "removing": False})


@student_view("competencies.record_evidence")
def evidence_void(request: HttpRequest, student: Student, evidence_id: int) -> HttpResponse:
    evidence = _correctable(request, student, evidence_id)
    form = forms.EvidenceVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_evidence(evidence=evidence, voided_by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            forms.add_refusal(form, error, {"reason": "reason"})
        else:
            messages.success(request, _("The result was removed and mastery is up to date. It stays in the history, with your reason."))
            return _back_to(student, evidence)
    return render(request, "competencies/evidence_change.html",
                  {"student": student, "evidence": evidence, "form": form, "removing": True})


@student_view("competencies.export")
def student_evidence_csv(request: HttpRequest, student: Student) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evidence-{student.uuid}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Code"), _("Competency"), _("Level"), _("Kind of assessment"), _("How the student showed it"),
                     _("Accommodations used"), _("Recorded by")])
    for row in selectors.student_evidence_rows(student):
        writer.writerow([safe_cell(v) for v in (
            row.observed_on.isoformat(), row.competency.short_code, row.competency.statement, row.score, row.get_kind_display(),
            row.get_demonstration_display(), "; ".join(row.accommodation_labels()), str(row.recorded_by or ""))])
    return response


# --- classes --------------------------------------------------------------------------


@permission_required("roster.staff_pages")
def section_list(request: HttpRequest) -> HttpResponse:
    sections = list(selectors.sections_for_grids(request.user))
    return render(request, "competencies/section_list.html", {"sections": sections})


@permission_required("roster.staff_pages")
@class_view("competencies.view_section_grid")
def section_grid(request: HttpRequest, section: Section) -> HttpResponse:
    domain_id = id_or_none(request.GET.get("domain"))
    context = {"section": section, "domain_id": domain_id, **selectors.section_grid(section=section, domain_id=domain_id),
               "can_record": request.user.has_perm("competencies.record_section_evidence", section)}
    template = "competencies/section_grid.html#grid" if is_htmx(request) else "competencies/section_grid.html"
    return render(request, template, context)


@permission_required("roster.staff_pages")
@class_view("competencies.record_section_evidence")
def section_evidence(request: HttpRequest, section: Section) -> HttpResponse:
    grid = selectors.section_grid(section=section)
    competency = selectors.section_competency(section=section, competency_id=id_or_none(request.GET.get("competency")))
    context = {"section": section, "competencies": grid["competencies"], "competency": competency}
    if competency is None:
        return render(request, "competencies/section_evidence.html", context)
    levels = selectors.scale_info({competency.framework_id})[competency.framework_id].levels
    form = forms.BulkEvidenceForm(request.POST or None, students=grid["students"], levels=levels,
                                  planned=selectors.plan_accommodations_for_assessment(grid["students"]))
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.record_section_evidence(
                section=section, competency=competency, entries=form.entries(), observed_on=form.cleaned_data["observed_on"],
                kind=form.cleaned_data["kind"], recorded_by=request.user,
            )
        except ValidationError as error:
            forms.add_refusal(form, error, {"score": "level_{student}", "observed_on": "observed_on"})
        else:
            messages.success(request, _("Saved %(n)d results. The grid shows the new mastery.") % {"n": len(rows)})
            return redirect("competencies:section-grid", section_id=section.pk)
    return render(request, "competencies/section_evidence.html", {**context, "form": form})


@permission_required("roster.staff_pages")
@class_view("competencies.view_section_grid")
def section_grid_csv(request: HttpRequest, section: Section) -> HttpResponse:
    grid = selectors.section_grid(section=section)
    # A disclosure of each student's record (FERPA 99.32): one "exported" event per student, in one insert.
    record_class_access(request=request, section=section, permission="competencies.export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mastery-class-{section.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Student"), *[c.short_code or c.statement[:40] for c in grid["competencies"]]])
    for student, cells in grid["rows"]:
        writer.writerow([safe_cell(student.display_name),
                         *[safe_cell(_cell_text(cell)) for _c, cell in cells]])
    return response


def _cell_text(cell: selectors.Cell) -> str:
    if cell.state == selectors.NO_EVIDENCE:
        return ""
    if cell.state == selectors.NOT_ENOUGH:
        return _("not enough evidence yet")
    mark = _("mastered") if cell.state == selectors.MASTERED else _("not yet")
    return f"{cell.value} {cell.level[1]} ({mark})"
