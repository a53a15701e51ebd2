from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from config.params import id_or_none, ids
from roster.decorators import class_view, permission_required, student_view
from roster.models import Section, Student

from . import forms, selectors, services
from .models import PathStep, PathTemplate, StudentPath, TemplateOption, TemplateStep



def _path(student: Student, path_id: int) -> StudentPath:
    return get_object_or_404(StudentPath.objects.select_related("framework", "section"), pk=path_id, student=student, is_active=True)


def _step(path: StudentPath, step_id: int) -> PathStep:
    step = get_object_or_404(PathStep.objects.prefetch_related("competencies", "options"), pk=step_id, path=path)
    step.path = path
    return step


def _back_to_adapt(student: Student, path: StudentPath) -> HttpResponse:
    return redirect("paths:path-adapt", student_id=student.uuid, path_id=path.pk)


def _saved(request: HttpRequest, form, service_call) -> bool:
    """POST with a valid form: call the service. A ValidationError goes back onto the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        service_call(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


# --- one student --------------------------------------------------------------------------------


@student_view("paths.view")
def path_detail(request: HttpRequest, student: Student) -> HttpResponse:
    context = {
        "student": student, "paths": selectors.paths_for_student(student),
        "sessions": selectors.upcoming_sessions_for_student(student),
        "choices": selectors.choices_so_far(student),
        "can_manage": request.user.has_perm("paths.manage", student),
        "is_student": request.user.has_perm("paths.choose", student),
    }
    return render(request, "paths/path_detail.html", context)


@student_view("paths.choose")
def step_choose(request: HttpRequest, student: Student, path_id: int, step_id: int) -> HttpResponse:
    path = _path(student, path_id)
    step = _step(path, step_id)
    options = list(step.options.all())
    learn, show = [o for o in options if o.kind == "learn"], [o for o in options if o.kind == "show"]
    initial = {"learn": str(step.chosen_learn_id or ""), "show": str(step.chosen_show_id or ""), "reason": step.choice_reason}
    form = forms.ChoiceForm(request.POST or None, learn_options=learn, show_options=show, initial=initial)
    saved = _saved(request, form, lambda d: services.choose_options(
        step=step, learn=d["learn"], show=d["show"], reason=d["reason"], chosen_by=request.user))
    if saved:
        messages.success(request, _("Your choice is saved. Your teacher can see it."))
        return redirect("paths:path-detail", student_id=student.uuid)
    return render(request, "paths/step_choose.html", {"student": student, "path": path, "step": step, "form": form,
                                                      "learn": learn, "show": show})


@student_view("paths.manage")
def path_adapt(request: HttpRequest, student: Student, path_id: int) -> HttpResponse:
    path = _path(student, path_id)
    view = next(v for v in selectors.paths_for_student(student) if v.path.pk == path.pk)
    return render(request, "paths/path_adapt.html", {"student": student, "view": view, "events": selectors.path_events(path)})


@student_view("paths.manage")
def step_add(request: HttpRequest, student: Student, path_id: int) -> HttpResponse:
    path = _path(student, path_id)
    form = forms.StepForm(request.POST or None, competencies=selectors.framework_competencies(path.framework_id))
    if _saved(request, form, lambda d: services.add_step(path=path, changed_by=request.user, **_step_fields(d))):
        messages.success(request, _("The step was added to this student's path only."))
        return _back_to_adapt(student, path)
    return render(request, "paths/step_form.html", {"student": student, "path": path, "form": form, "step": None})


def _step_fields(data: dict) -> dict:
    return {"title": data["title"], "description": data["description"], "target_date": data["target_date"],
            "competencies": list(data["competencies"])}


@student_view("paths.manage")
def step_edit(request: HttpRequest, student: Student, path_id: int, step_id: int) -> HttpResponse:
    path = _path(student, path_id)
    step = _step(path, step_id)
    initial = {"title": step.title, "description": step.description, "target_date": step.target_date,
               "competencies": [c.pk for c in step.competencies.all()]}
    form = forms.StepForm(request.POST or None, competencies=selectors.framework_competencies(path.framework_id), initial=initial)
    if _saved(request, form, lambda d: services.update_step(step=step, changed_by=request.user, **_step_fields(d))):
        messages.success(request, _("The step was changed on this student's path only."))
        return _back_to_adapt(student, path)
    return render(request, "paths/step_form.html", {"student": student, "path": path, "form": form, "step": step})


@student_view("paths.manage")
@require_POST
def step_action(request: HttpRequest, student: Student, path_id: int, step_id: int) -> HttpResponse:
    """Move a step up or down, or remove it (buttons on the adapt page)."""
    path = _path(student, path_id)
    step = _step(path, step_id)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.move_step(step=step, direction=action, changed_by=request.user)
        elif action == "remove":
            services.remove_step(step=step, changed_by=request.user)
        else:
            raise ValidationError(_("That change is not available."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The path was updated."))
    return _back_to_adapt(student, path)


@student_view("paths.manage")
def step_override(request: HttpRequest, student: Student, path_id: int, step_id: int) -> HttpResponse:
    path = _path(student, path_id)
    step = _step(path, step_id)
    form = forms.OverrideForm(request.POST or None)
    if _saved(request, form, lambda d: services.open_or_skip_step(
            step=step, action=d["action"], reason=d["reason"], changed_by=request.user)):
        messages.success(request, _("Done. The reason is kept in the path's history."))
        return _back_to_adapt(student, path)
    return render(request, "paths/step_override.html", {"student": student, "path": path, "step": step, "form": form})


@student_view("paths.manage")
def path_reschedule(request: HttpRequest, student: Student, path_id: int) -> HttpResponse:
    path = _path(student, path_id)
    form = forms.RescheduleForm(request.POST or None)
    if _saved(request, form, lambda d: services.reschedule_path(path=path, end_date=d["end_date"], changed_by=request.user)):
        messages.success(request, _("The dates were changed on this student's path only."))
        return _back_to_adapt(student, path)
    return render(request, "paths/path_reschedule.html", {"student": student, "path": path, "form": form})


# --- path templates ----------------------------------------------------------------------------------


def _schools(request: HttpRequest):
    schools = selectors.staff_schools(request.user)
    if not schools.exists():
        raise PermissionDenied  # path templates belong to a school; district staff have none
    return schools


@permission_required("roster.staff_pages")
def template_list(request: HttpRequest) -> HttpResponse:
    _schools(request)
    templates = selectors.templates_for(request.user).order_by("school__name", "title", "pk")
    return render(request, "paths/template_list.html", {"templates": templates})


@permission_required("roster.staff_pages")
def template_new(request: HttpRequest) -> HttpResponse:
    form = forms.TemplateForm(request.POST or None, schools=_schools(request))
    if request.method == "POST" and form.is_valid():
        template = services.create_template(created_by=request.user, **form.cleaned_data)
        messages.success(request, _("Path created. Now add its steps."))
        return redirect("paths:template-detail", template_id=template.pk)
    return render(request, "paths/template_form.html", {"form": form})


def _template(request: HttpRequest, template_id: int) -> PathTemplate:
    return get_object_or_404(selectors.templates_for(request.user), pk=template_id)


@permission_required("roster.staff_pages")
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    return render(request, "paths/template_detail.html", {"template": template, "steps": selectors.template_with_steps(template)})


@permission_required("roster.staff_pages")
def template_step_new(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    form = forms.TemplateStepForm(request.POST or None, competencies=selectors.framework_competencies(template.framework_id))
    if _saved(request, form, lambda d: services.add_template_step(
            template=template, title=d["title"], description=d["description"], target_days=d["target_days"],
            competencies=list(d["competencies"]))):
        messages.success(request, _("Step added. Add ways to learn and to show learning."))
        return redirect("paths:template-detail", template_id=template.pk)
    return render(request, "paths/template_step_form.html", {"template": template, "form": form})


def _template_step(template: PathTemplate, step_id: int) -> TemplateStep:
    return get_object_or_404(TemplateStep, pk=step_id, template=template)


@permission_required("roster.staff_pages")
def template_step_edit(request: HttpRequest, template_id: int, step_id: int) -> HttpResponse:
    template = _template(request, template_id)
    step = _template_step(template, step_id)
    initial = {"title": step.title, "description": step.description, "target_days": step.target_days,
               "competencies": [c.pk for c in step.competencies.all()]}
    form = forms.TemplateStepForm(request.POST or None, competencies=selectors.framework_competencies(template.framework_id),
                                  initial=initial)
    if _saved(request, form, lambda d: services.update_template_step(
            step=step, title=d["title"], description=d["description"], target_days=d["target_days"],
            competencies=list(d["competencies"]))):
        messages.success(request, _("Step saved. Paths already assigned keep their own copy."))
        return redirect("paths:template-detail", template_id=template.pk)
    return render(request, "paths/template_step_form.html", {"template": template, "form": form, "step": step})


@require_POST
@permission_required("roster.staff_pages")
def template_step_action(request: HttpRequest, template_id: int, step_id: int) -> HttpResponse:
    """Move a template step up or down, or remove it (buttons on the template page)."""
    template = _template(request, template_id)
    step = _template_step(template, step_id)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.move_template_step(step=step, direction=action)
        elif action == "remove":
            services.remove_template_step(step=step)
        else:
            raise ValidationError(_("That change is not available."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The path was updated. Paths already assigned keep their own copy."))
    return redirect("paths:template-detail", template_id=template.pk)


@permission_required("roster.staff_pages")
def template_option_new(request: HttpRequest, template_id: int, step_id: int) -> HttpResponse:
    template = _template(request, template_id)
    step = get_object_or_404(TemplateStep, pk=step_id, template=template)
    form = forms.OptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_template_option(step=step, **form.cleaned_data)
        messages.success(request, _("Option added."))
        return redirect("paths:template-detail", template_id=template.pk)
    return render(request, "paths/template_option_form.html", {"template": template, "step": step, "form": form})


def _template_option(template: PathTemplate, option_id: int) -> TemplateOption:
    return get_object_or_404(TemplateOption.objects.select_related("step"), pk=option_id, step__template=template)


@permission_required("roster.staff_pages")
def template_option_edit(request: HttpRequest, template_id: int, option_id: int) -> HttpResponse:
    template = _template(request, template_id)
    option = _template_option(template, option_id)
    initial = {name: getattr(option, name) for name in forms.OptionForm.base_fields}
    form = forms.OptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_template_option(option=option, **form.cleaned_data)
        messages.success(request, _("Option saved."))
        return redirect("paths:template-detail", template_id=template.pk)
    context = {"template": template, "step": option.step, "option": option, "form": form}
    return render(request, "paths/template_option_form.html", context)


@require_POST
@permission_required("roster.staff_pages")
def template_option_remove(request: HttpRequest, template_id: int, option_id: int) -> HttpResponse:
    template = _template(request, template_id)
    services.remove_template_option(option=_template_option(template, option_id))
    messages.success(request, _("Option removed. Paths already assigned keep their own copy."))
    return redirect("paths:template-detail", template_id=template.pk)


# --- a class ------------------------------------------------------------------------------------------


@permission_required("roster.staff_pages")
@class_view("paths.manage_section")
def section_assign(request: HttpRequest, section: Section) -> HttpResponse:
    students = Student.objects.filter(enrollments__section=section).order_by("last_name", "first_name")
    templates = PathTemplate.objects.filter(school=section.school).order_by("title")
    form = forms.AssignForm(request.POST or None, templates=templates, students=students,
                            initial={"students": list(students)} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made, had = services.assign_template(template=data["template"], students=list(data["students"]), section=section,
                                                 start_date=data["start_date"], assigned_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = ngettext("%(n)d student now has their own copy of the path.", "%(n)d students now have their own copy of the path.",
                            len(made)) % {"n": len(made)}
            if had:
                text += " " + ngettext("%(n)d already had it.", "%(n)d already had it.", len(had)) % {"n": len(had)}
            messages.success(request, text)
            return redirect("paths:section-pacing", section_id=section.pk)
    return render(request, "paths/section_assign.html", {"section": section, "form": form, "has_templates": templates.exists()})


@permission_required("roster.staff_pages")
@class_view("paths.view_section")
def section_pacing(request: HttpRequest, section: Section) -> HttpResponse:
    rows = selectors.section_pacing(section)
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.PACING_SORTS else "name"
    context = {"section": section, "rows": selectors.sort_pacing(rows, sort), "counts": selectors.pacing_counts(rows),
               "sort": sort, "sorts": [("name", _("Name")), ("late", _("Most overdue first")), ("pace", _("Behind first"))],
               "can_manage": request.user.has_perm("paths.manage_section", section)}
    return render(request, "paths/section_pacing.html", context)


@permission_required("roster.staff_pages")
@class_view("paths.manage_section")
def section_groups(request: HttpRequest, section: Section) -> HttpResponse:
    students = {s.pk: s for s in selectors.section_students(section)}
    context = {"section": section, "suggestions": selectors.group_suggestions(section, students),
               "sourced_groups": selectors.sourced_groups(section, students),
               "sessions": selectors.upcoming_sessions_for_section(section)}
    return render(request, "paths/section_groups.html", context)


@permission_required("roster.staff_pages")
@class_view("paths.manage_section")
def session_new(request: HttpRequest, section: Section) -> HttpResponse:
    """Schedule a session; from a suggestion the students and the competency come filled in (the teacher can edit them)."""
    students = Student.objects.filter(enrollments__section=section).order_by("last_name", "first_name")
    competency = selectors.section_path_competencies(section).filter(pk=id_or_none(request.GET.get("competency"))).first()
    picked = ids(request.GET.getlist("student"))
    focus = str(competency) if competency else request.GET.get("focus", "")[:300]  # a support-plan group's intervention
    initial = {"students": picked, "staff": request.user.pk, "focus": focus}
    form = forms.SessionForm(request.POST or None, staff=selectors.schedulable_staff(section), students=students, initial=initial)
    if _saved(request, form, lambda d: services.schedule_session(
            section=section, competency=competency, created_by=request.user, students=list(d["students"]),
            **{k: d[k] for k in ("kind", "staff", "room", "starts_at", "minutes", "focus")})):
        messages.success(request, _("The session is scheduled. It shows on each student's path and on the staff member's sessions."))
        return redirect("paths:section-groups", section_id=section.pk)
    return render(request, "paths/session_form.html", {"section": section, "form": form, "competency": competency})


# --- sessions ------------------------------------------------------------------------------------------


@permission_required("roster.staff_pages")
def my_sessions(request: HttpRequest) -> HttpResponse:
    return render(request, "paths/my_sessions.html", {"sessions": selectors.sessions_led_by(request.user)})


@permission_required("paths.school_sessions")
def school_sessions(request: HttpRequest) -> HttpResponse:
    return render(request, "paths/school_sessions.html", {"days": selectors.by_local_day(selectors.school_sessions(request.user))})
