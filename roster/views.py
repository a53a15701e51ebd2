from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import invitations, lockouts
from accounts import language as account_language
from accounts.forms import LanguageForm
from accounts.models import Lockout, User
from notifications import outbox
from notifications import selectors as notification_selectors
from notifications import services as notification_services

from . import drafts, selectors, start_page
from .access import administers_district
from .decorators import permission_required, student_view
from .forms import RosterUploadForm
from .importers import service as import_service
from .models import ImportRun, Student

PAGE_SIZE = 50


@permission_required("roster.staff_pages")
def staff_home(request: HttpRequest) -> HttpResponse:
    context = {
        "needs_you": start_page.needs_you(request.user, timezone.localdate()),
        "sections": selectors.current_sections_taught(request.user),
        "caseload": selectors.caseload_for(request.user),
    }
    return render(request, "roster/staff_home.html", context)


@permission_required("roster.staff_pages")
def student_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    plan = request.GET.get("plan", "")
    students = selectors.student_directory(request.user, query=query, plan=plan)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "plan": plan, "plans": Student.Plan.choices}
    return render(request, "roster/student_list.html", context)


@student_view("roster.view_student")
def student_detail(request: HttpRequest, student: Student) -> HttpResponse:
    if request.user.pk == student.user_id:  # her own record: she has her own home, not the staff's basic record
        return redirect("me:home", student_id=student.uuid)
    context = {
        "student": student,
        "can_see_restricted": request.user.has_perm("roster.view_restricted", student),
        **selectors.student_record(student),
    }
    return render(request, "roster/student_detail.html", context)


@student_view("roster.set_student_language")
@require_POST
def student_language(request: HttpRequest, student: Student) -> HttpResponse:
    """A teacher, case manager or parent sets the student's language (issue 18); kept on her account."""
    if student.user is None:
        raise Http404("This student has no account.")
    form = LanguageForm(request.POST)
    if form.is_valid():
        account_language.set_language(user=student.user, language=form.cleaned_data["language"])
        name = dict(account_language.choices())[form.cleaned_data["language"]]
        messages.success(request, _("%(student)s will now read Waypoint in %(language)s.")
                         % {"student": student.display_name, "language": name})
    target = form.data.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("accounts:home")
    return redirect(target)


@permission_required("roster.family_pages")
def family_home(request: HttpRequest) -> HttpResponse:
    return render(request, "roster/family_home.html", {"children": selectors.children_of(request.user)})


@permission_required("roster.student_pages")
def student_home(request: HttpRequest) -> HttpResponse:
    record = Student.objects.filter(user=request.user).only("uuid").first()
    if record is None:
        return render(request, "roster/no_student_record.html")
    return redirect("me:home", student_id=record.uuid)


@permission_required("roster.administer_district")
def district_overview(request: HttpRequest) -> HttpResponse:
    if not administers_district(request.user):
        raise PermissionDenied
    return render(request, "roster/district_overview.html", {
        "schools": selectors.district_overview(request.user),
        "without_case_manager": selectors.without_case_manager_per_school(selectors.administered_students(request.user)),
    })


# --- OneRoster import (district administrator) ------------------------------------


def _administered_district(user: User):
    district = selectors.administered_district(user)
    if district is None:
        raise PermissionDenied
    return district


@permission_required("roster.administer_district")
def import_list(request: HttpRequest) -> HttpResponse:
    district = _administered_district(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        run = import_service.start_import(
            district=district, started_by=request.user, file_name=upload.name, data=upload.read(),
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("roster:import-detail", run_id=run.pk)
    context = {"form": form, "district": district, "runs": selectors.import_runs_for(district)}
    return render(request, "roster/import_list.html", context)


@permission_required("roster.administer_district")
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    district = _administered_district(request.user)
    run = get_object_or_404(selectors.import_runs_for(district), pk=run_id)
    progress = None if run.is_finished else import_service.read_progress(run.pk)
    context = {"run": run, "phase": import_service.phase_for_page(progress), "counts": import_service.counts_for_page(run)}
    template = "roster/import_detail.html#status" if request.headers.get("HX-Request") else "roster/import_detail.html"
    return render(request, template, context)


@require_POST
@permission_required("roster.administer_district")
def import_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    district = _administered_district(request.user)
    run = get_object_or_404(selectors.import_runs_for(district).defer(None), pk=run_id, dry_run=True, status=ImportRun.Status.SUCCEEDED)
    new_run = import_service.repeat_dry_run(run=run, started_by=request.user)
    messages.success(request, _("The import has started. This page shows its progress."))
    return redirect("roster:import-detail", run_id=new_run.pk)


# --- Invitations (district administrator) --------------------------------------------

INVITATION_STATES = [("", _lazy("All")), ("pending", _lazy("Waiting")), ("expired", _lazy("Expired")), ("accepted", _lazy("Accepted"))]


@permission_required("roster.administer_district")
def invitation_list(request: HttpRequest) -> HttpResponse:
    district = _administered_district(request.user)
    state = request.GET.get("state", "")
    state = state if state in dict(INVITATION_STATES) else ""
    page = Paginator(selectors.invitations_for(district, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "states": INVITATION_STATES, "querystring_base": f"state={state}&" if state else "",
               "to_invite": selectors.people_to_invite(district).count()}
    return render(request, "roster/invitation_list.html", context)


PREVIEW_LINK = "https://…/invitation/…"  # a stand-in: each person's own link is made when it is sent


@permission_required("roster.administer_district")
def invitation_preview(request: HttpRequest) -> HttpResponse:
    """Before inviting many people at once: who they are, and the email each will read, in their language."""
    district = _administered_district(request.user)
    people = list(selectors.people_to_invite(district).order_by("last_name", "first_name", "pk"))
    previews = {}
    for person in people:  # one preview per language the recipients read
        if person.preferred_language not in previews:
            subject, body = invitations.render_invitation(user=person, link=PREVIEW_LINK)
            # In a sentence, the language's name in the reader's language ("En inglés"), not its own ("En English").
            language = translation.get_language_info(person.preferred_language)["name_translated"]
            previews[person.preferred_language] = {"language": language, "lang": person.preferred_language,
                                                   "subject": subject, "body": body, "example": person}
    context = {"people": people, "previews": list(previews.values())}
    return render(request, "roster/invitation_preview.html", context)


@require_POST
@permission_required("roster.administer_district")
def invitation_send_all(request: HttpRequest) -> HttpResponse:
    """Invite the people the preview listed, and say in one message what happened: all sent, some, or none."""
    district = _administered_district(request.user)
    people = selectors.people_to_invite(district)
    expected = sorted(int(pk) for pk in request.POST.getlist("person") if pk.isdigit())
    now = sorted(people.values_list("pk", flat=True))
    if not expected or expected != now:
        messages.error(request, _("Nothing was sent: the list of people to invite changed since you looked at it. "
                                  "Check the new list, then confirm again."))
        return redirect("roster:invitation-preview")
    created = invitations.invite(users=people.filter(pk__in=expected), invited_by=request.user)
    sent, asked = len(created), len(expected)
    if sent == asked:
        messages.success(request, ngettext("%(count)d invitation is on its way.", "%(count)d invitations are on their way.",
                                           sent) % {"count": sent})
    elif sent:
        messages.warning(request, _("%(sent)d of %(asked)d invitations are on their way; the others already had an "
                                    "invitation or a password by then.") % {"sent": sent, "asked": asked})
    else:
        messages.error(request, _("No invitation was sent: everyone on the list already had an invitation or a password."))
    return redirect("roster:invitation-list")


@require_POST
@permission_required("roster.administer_district")
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    district = _administered_district(request.user)
    invitation = get_object_or_404(selectors.invitations_for(district).filter(accepted_at=None), pk=invitation_id)
    invitations.resend(invitation=invitation)
    messages.success(request, _("A new link was sent to %(email)s. Older links no longer work.") % {"email": invitation.user.email})
    return redirect("roster:invitation-list")


# --- Sign-in lockouts (district administrator, quality.md T5.2) -------------------------------


@permission_required("roster.administer_district")
def locked_accounts(request: HttpRequest) -> HttpResponse:
    """Accounts of the district that cannot sign in right now, with a way to unlock each, and who unlocked whom."""
    district = _administered_district(request.user)
    people = selectors.district_accounts(district)
    context = {"locked": lockouts.locked_accounts(people), "unlocks": lockouts.recent_unlocks(people)}
    return render(request, "roster/locked_accounts.html", context)


@require_POST
@permission_required("roster.administer_district")
def locked_account_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    district = _administered_district(request.user)
    person = get_object_or_404(selectors.district_accounts(district), pk=user_id)
    lockouts.unlock(user=person, by=request.user, reason=Lockout.End.UNLOCKED)
    messages.success(request, _("%(name)s can sign in again.") % {"name": person.get_full_name() or person.email})
    return redirect("roster:locked-accounts")


# --- Emails that could not be sent (district administrator, quality.md T8.6) ------------------------

FAILURES_PAGE_SIZE = 25


@permission_required("roster.administer_district")
def delivery_failures(request: HttpRequest) -> HttpResponse:
    """Emails to the district's people that the mail server refused for good, or that still failed after
    every retry; each can be sent again or dismissed."""
    district = _administered_district(request.user)
    people = selectors.district_accounts(district)
    page = Paginator(notification_selectors.failures_for(people), FAILURES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(failure, outbox.describe(failure.kind)) for failure in page]
    resolved = [(failure, outbox.describe(failure.kind)) for failure in notification_selectors.resolved_failures_for(people)]
    return render(request, "roster/delivery_failures.html", {"page": page, "rows": rows, "resolved": resolved})


def _failure_action(request: HttpRequest, failure_id: int, act, done_message: str) -> HttpResponse:
    district = _administered_district(request.user)
    failure = get_object_or_404(notification_selectors.failures_for(selectors.district_accounts(district)), pk=failure_id)
    if act(failure=failure, by=request.user):
        messages.success(request, done_message % {"what": outbox.describe(failure.kind), "to": failure.to})
    return redirect("roster:delivery-failures")


@require_POST
@permission_required("roster.administer_district")
def delivery_failure_send_again(request: HttpRequest, failure_id: int) -> HttpResponse:
    return _failure_action(request, failure_id, notification_services.send_again,
                           _("“%(what)s” to %(to)s will be sent again within a few minutes."))


@require_POST
@permission_required("roster.administer_district")
def delivery_failure_dismiss(request: HttpRequest, failure_id: int) -> HttpResponse:
    return _failure_action(request, failure_id, notification_services.dismiss,
                           _("“%(what)s” to %(to)s was dismissed. It will not be sent."))


# --- Drafts of long forms (quality.md T9.6) ---------------------------------------------------


def _draft(request: HttpRequest, student: Student, form: str, part: str = "") -> JsonResponse:
    """POST action=save (the form's fields), take (give the kept text back and remove it) or discard."""
    action = request.POST.get("action")
    if action == "save":
        draft = drafts.save(user=request.user, student=student, form=form, part=part, data=request.POST)
        return JsonResponse({"saved": draft is not None})
    if action == "take":
        draft = drafts.take(user=request.user, student=student, form=form, part=part)
        if draft is None:
            return JsonResponse({"fields": {}})
        return JsonResponse({"fields": draft.fields, "saved_at": draft.saved_at.isoformat()})
    if action == "discard":
        return JsonResponse({"discarded": drafts.discard(user=request.user, student=student, form=form, part=part)})
    return JsonResponse({"error": "unknown action"}, status=400)


# Each draft goes through the door with the permission of its own form.
_DRAFT_DOORS = {form: student_view(spec.permission)(_draft) for form, spec in drafts.FORMS.items()}


@require_POST
def draft(request: HttpRequest, student_id, form: str, part: str = "") -> JsonResponse:
    return _DRAFT_DOORS[form](request, student_id, form=form, part=part)
