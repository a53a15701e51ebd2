"""Thin views: every page about a student goes through the access door (@student_view)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from roster.decorators import permission_required, student_view
from roster.models import Student

from . import selectors, services
from .diffing import word_diff
from .forms import AboutMeForm, AccommodationForm, GoalForm, SectionForm, SinceForm, StudentGoalForm
from .models import Accommodation, ProfileGoal, ProfileSection
from .packet import render_packet_pdf

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this while you were editing, so your changes were not saved yet. "
    "Both versions are shown below: keep what you need from each, then save again."
)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _kind_or_404(kind: str) -> str:
    if kind not in ProfileSection.Kind.values:
        raise Http404("No such section")
    return kind


# --- The profile page and its sections ------------------------------------------------


@student_view("profiles.view")
def detail(request: HttpRequest, student: Student) -> HttpResponse:
    profile = selectors.profile_for(student=student, viewer=request.user)
    if request.user.pk == student.user_id:  # "How I learn best": her own page about herself (issue 17.1)
        return render(request, "profiles/my_profile.html", {"student": student, "profile": profile,
                                                            "about_me": profile.section(ProfileSection.Kind.ABOUT_ME),
                                                            "from_teachers": _from_my_teachers(profile)})
    return render(request, "profiles/detail.html", {"student": student, "profile": profile})


def _from_my_teachers(profile: selectors.Profile) -> list[tuple[str, ProfileSection]]:
    """What her teachers wrote that she may read, each under a heading in her voice."""
    return [(MY_HEADINGS.get(s.kind, s.get_kind_display()), s) for s in profile.sections
            if s.kind != ProfileSection.Kind.ABOUT_ME and s.text]


# What her teachers wrote, under headings in her own voice (the staff page says "What motivates them").
MY_HEADINGS = {
    ProfileSection.Kind.STRENGTHS: gettext_lazy("What I am good at"),
    ProfileSection.Kind.NEEDS: gettext_lazy("What I need help with"),
    ProfileSection.Kind.INTERESTS: gettext_lazy("What I like"),
    ProfileSection.Kind.MOTIVATIONS: gettext_lazy("What keeps me going"),
    ProfileSection.Kind.ENGAGEMENT: gettext_lazy("How I get into my work"),
    ProfileSection.Kind.REPRESENTATION: gettext_lazy("How I take in new things best"),
    ProfileSection.Kind.ACTION_EXPRESSION: gettext_lazy("How I show what I know"),
    ProfileSection.Kind.SUPPORTS: gettext_lazy("Help I get at school"),
    ProfileSection.Kind.EXECUTIVE_FUNCTIONING: gettext_lazy("Planning and getting things done"),
}


@student_view("profiles.view")
def section(request: HttpRequest, student: Student, kind: str) -> HttpResponse:
    """One section in reading mode: the fragment htmx puts back when an edit is cancelled."""
    item = selectors.section_for(student=student, kind=_kind_or_404(kind))
    if not selectors.can_read_section(request.user, student, item):
        raise Http404("No such section")
    item.can_edit = selectors.can_edit_section(request.user, student, item)
    return render(request, "profiles/detail.html#section-card", {"student": student, "section": item})


@student_view("profiles.change")
def section_edit(request: HttpRequest, student: Student, kind: str) -> HttpResponse:
    item = selectors.section_for(student=student, kind=_kind_or_404(kind))
    if not selectors.can_read_section(request.user, student, item):
        raise Http404("No such section")
    if not selectors.can_edit_section(request.user, student, item):
        raise PermissionDenied
    initial = {"text": item.text, "visibility": item.visibility, "base_version": item.version}
    form = SectionForm(request.POST or None, initial=initial, section=item)
    context = {"student": student, "section": item, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_section(student=student, kind=kind, edited_by=request.user, **form.cleaned_data)
        except services.EditConflict as conflict:
            context.update(_section_conflict(conflict, item, form))
        else:
            saved.can_edit = True
            if is_htmx(request):
                return render(request, "profiles/detail.html#section-card", {"student": student, "section": saved, "just_saved": True})
            messages.success(request, _("Saved: %(section)s.") % {"section": saved.get_kind_display()})
            return redirect("profiles:detail", student_id=student.uuid)
    template = "profiles/section_edit.html#form" if is_htmx(request) else "profiles/section_edit.html"
    return render(request, template, context)


def _section_conflict(conflict: services.EditConflict, item: ProfileSection, form: SectionForm) -> dict:
    """The merge view: the editor's text in the box, the text saved meanwhile beside it."""
    current = conflict.current
    data = {"text": conflict.submitted["text"], "base_version": current.version,
            "visibility": conflict.submitted.get("visibility", current.visibility)}  # fmt: skip
    merge_form = SectionForm(initial=data, section=current)
    return {
        "form": merge_form,
        "section": current,
        "conflict": {
            "message": CONFLICT_MESSAGE,
            "by": current.updated_by,
            "at": current.updated_at,
            "fields": [_conflict_field(_("Text"), conflict.submitted["text"], current.text)],
        },
    }


def _conflict_field(label: str, mine: str, theirs: str) -> dict:
    return {"label": label, "mine": mine, "theirs": theirs, "segments": word_diff(theirs, mine)}


@student_view("profiles.edit_own_voice")
def about_me_edit(request: HttpRequest, student: Student) -> HttpResponse:
    """The student writes "About me: how I learn best", and sees who can read it."""
    kind = ProfileSection.Kind.ABOUT_ME
    item = selectors.section_for(student=student, kind=kind)
    form = AboutMeForm(request.POST or None, initial={"text": item.text, "base_version": item.version})
    context = {"student": student, "section": item, "form": form, "readers": _about_me_readers()}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_section(student=student, kind=kind, edited_by=request.user, **form.cleaned_data)
        except services.EditConflict as conflict:
            current = conflict.current
            context["form"] = AboutMeForm(initial={"text": conflict.submitted["text"], "base_version": current.version})
            context["conflict"] = {
                "message": CONFLICT_MESSAGE, "by": current.updated_by, "at": current.updated_at,
                "fields": [_conflict_field(_("Text"), conflict.submitted["text"], current.text)],
            }  # fmt: skip
        else:
            messages.success(request, _("Saved. Thank you for telling us how you learn best."))
            return redirect("profiles:detail", student_id=student.uuid)
    return render(request, "profiles/about_me_edit.html", context)


def _about_me_readers() -> list[str]:
    return [
        _("You"),
        _("Your family"),
        _("Your teachers this year"),
        _("Your case manager and the staff who support you"),
        _("Your school principal and the district's special education director, if you have a plan"),
    ]


# --- Goals and accommodations -----------------------------------------------------


@student_view("profiles.change")
def goal_add(request: HttpRequest, student: Student) -> HttpResponse:
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "base_version"}
        services.add_goal(student=student, added_by=request.user, **data)
        messages.success(request, _("Goal added."))
        return redirect("profiles:detail", student_id=student.uuid)
    return render(request, "profiles/item_form.html", {"student": student, "form": form, "heading": _("Add a goal")})


@student_view("profiles.change")
def goal_edit(request: HttpRequest, student: Student, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(ProfileGoal, pk=goal_id, student=student)
    return _edit_goal(request, student, goal, GoalForm, _("Change a goal"))


@student_view("profiles.edit_own_voice")
def my_goal_edit(request: HttpRequest, student: Student, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(ProfileGoal, pk=goal_id, student=student, owner=ProfileGoal.Owner.STUDENT)
    return _edit_goal(request, student, goal, StudentGoalForm, _("Change my goal"))


def _edit_goal(request: HttpRequest, student: Student, goal: ProfileGoal, form_class, heading: str) -> HttpResponse:
    form = form_class(request.POST or None, instance=goal, initial={"base_version": goal.version})
    form.fields["base_version"].required = True
    context = {"student": student, "form": form, "heading": heading}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base_version = data.pop("base_version")
        try:
            services.update_goal(goal=goal, base_version=base_version, edited_by=request.user, **data)
        except services.EditConflict as conflict:
            context.update(_item_conflict(conflict, form_class, data))
        else:
            messages.success(request, _("Goal saved."))
            return redirect("profiles:detail", student_id=student.uuid)
    return render(request, "profiles/item_form.html", context)


@student_view("profiles.change")
def accommodation_add(request: HttpRequest, student: Student) -> HttpResponse:
    form = AccommodationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "base_version"}
        services.add_accommodation(student=student, added_by=request.user, **data)
        messages.success(request, _("Accommodation added."))
        return redirect("profiles:detail", student_id=student.uuid)
    context = {"student": student, "form": form, "heading": _("Add an accommodation")}
    return render(request, "profiles/item_form.html", context)


@student_view("profiles.change")
def accommodation_edit(request: HttpRequest, student: Student, accommodation_id: int) -> HttpResponse:
    accommodation = get_object_or_404(Accommodation, pk=accommodation_id, student=student)
    form = AccommodationForm(request.POST or None, instance=accommodation, initial={"base_version": accommodation.version})
    form.fields["base_version"].required = True
    context = {"student": student, "form": form, "heading": _("Change an accommodation")}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base_version = data.pop("base_version")
        try:
            services.update_accommodation(
                accommodation=accommodation, base_version=base_version, edited_by=request.user, **data
            )
        except services.EditConflict as conflict:
            context.update(_item_conflict(conflict, AccommodationForm, data))
        else:
            messages.success(request, _("Accommodation saved."))
            return redirect("profiles:detail", student_id=student.uuid)
    return render(request, "profiles/item_form.html", context)


def _item_conflict(conflict: services.EditConflict, form_class, submitted: dict) -> dict:
    """Merge view for a goal or an accommodation: every field that differs, both ways round."""
    current = conflict.current
    form = form_class(instance=current, initial={**submitted, "base_version": current.version})
    fields = []
    for name, mine in submitted.items():
        theirs = getattr(current, name)
        if mine != theirs:
            label = str(current._meta.get_field(name).verbose_name).capitalize()
            fields.append(_conflict_field(label, _shown(current, name, mine), _shown(current, name, theirs)))
    return {"form": form, "conflict": {"message": CONFLICT_MESSAGE, "by": current.updated_by, "at": current.updated_at, "fields": fields}}


def _shown(instance, name: str, value) -> str:
    model_field = instance._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


# --- History, packet, "Meet" page ------------------------------------------------------


@student_view("profiles.view_history")
def history(request: HttpRequest, student: Student) -> HttpResponse:
    form = SinceForm(request.GET or None)
    since = form.cleaned_data["since"] if form.is_valid() else None
    context = {
        "student": student,
        "form": form,
        "since": since,
        "entries": selectors.history_for(student=student, viewer=request.user, since=since),
        "summary": selectors.changes_since(student=student, viewer=request.user, since=since) if since else None,
    }
    return render(request, "profiles/history.html", context)


@student_view("profiles.print_packet")
def packet(request: HttpRequest, student: Student) -> HttpResponse:
    profile = selectors.profile_for(student=student, viewer=request.user, include_empty=False)
    return render(request, "profiles/packet.html", {"student": student, "profile": profile})


@student_view("profiles.print_packet")
def packet_pdf(request: HttpRequest, student: Student) -> HttpResponse:
    profile = selectors.profile_for(student=student, viewer=request.user, include_empty=False)
    pdf = render_packet_pdf(request=request, student=student, profile=profile)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="present-levels-{student.uuid}.pdf"'
    return response


@student_view("profiles.meet")
def meet(request: HttpRequest, student: Student) -> HttpResponse:
    profile = selectors.profile_for(student=student, viewer=request.user, include_empty=False)
    return render(request, "profiles/meet.html", {"student": student, "profile": profile})


@permission_required("roster.student_pages")
def mine(request: HttpRequest) -> HttpResponse:
    record = Student.objects.filter(user=request.user).only("uuid").first()
    if record is None:
        return render(request, "roster/no_student_record.html")
    return redirect("profiles:detail", student_id=record.uuid)
