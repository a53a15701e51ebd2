"""Educator micro-credential pages: about staff, not about one student, so each is behind a standing permission
(roster.decorators.permission_required) and shows only the person's own rows or their district's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import record_access
from roster.access import holds_permission
from roster.decorators import permission_required

from . import educators, forms
from .models import Submission

REVOKE = "credentials.revoke_micro_credentials"


@permission_required("credentials.micro_credentials")
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "credentials/micro_catalogue.html", {
        "items": educators.catalogue(request.user), "mine": educators.submissions_of(request.user),
        "may_review": holds_permission(request.user, "credentials.review_micro_credentials"),
        "may_see_holders": holds_permission(request.user, "credentials.micro_credential_holders"),
        "may_revoke": holds_permission(request.user, REVOKE)})


@permission_required("credentials.micro_credentials")
def detail(request: HttpRequest, micro_id: int) -> HttpResponse:
    item = educators.catalogue(request.user).filter(pk=micro_id).first()
    if item is None:
        raise Http404
    form = forms.SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            educators.submit(micro_credential=item, educator=request.user, reflection=form.cleaned_data["reflection"],
                             links=form.cleaned_data["links"], file=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your evidence is sent. A reviewer will score it against the rubric."))
            return redirect("credentials:micro-catalogue")
    return render(request, "credentials/micro_detail.html", {"item": item, "form": form})


def _own_award(request: HttpRequest, award_id) -> Submission:
    found = educators.submissions_of(request.user).filter(award_uuid=award_id, status=Submission.Status.AWARDED).defer(None).first()
    if found is None:
        raise Http404
    return found


def _revoked(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("This micro-credential was revoked, so it cannot be downloaded."))
    return redirect("credentials:micro-catalogue")


@permission_required("credentials.micro_credentials")
def award_json(request: HttpRequest, award_id) -> HttpResponse:
    found = _own_award(request, award_id)
    if found.is_revoked:
        return _revoked(request)
    response = JsonResponse(found.document, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/ld+json"
    response["Content-Disposition"] = f'attachment; filename="micro-credential-{found.award_uuid}.json"'
    return response


@permission_required("credentials.micro_credentials")
def award_jwt(request: HttpRequest, award_id) -> HttpResponse:
    found = _own_award(request, award_id)
    if found.is_revoked:
        return _revoked(request)
    response = HttpResponse(found.jwt, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="micro-credential-{found.award_uuid}.jwt"'
    return response


@permission_required("credentials.review_micro_credentials")
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "credentials/micro_queue.html", {"submissions": educators.review_queue(request.user)})


@permission_required("credentials.review_micro_credentials")
def review(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = educators.submission_for_reviewer(request.user, submission_id)
    if submission is None:
        raise Http404
    criteria = list(submission.micro_credential.criteria.all())
    form = forms.ReviewForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            educators.review(submission=submission, reviewer=request.user, levels=form.levels(),
                             feedback=form.cleaned_data["feedback"], award=form.cleaned_data["decision"] == "award")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The micro-credential is awarded.") if submission.status == Submission.Status.AWARDED
                             else _("The submission is returned with your feedback."))
            return redirect("credentials:micro-queue")
    return render(request, "credentials/micro_review.html", {"submission": submission, "form": form})


@permission_required("credentials.micro_credentials")
def evidence_file(request: HttpRequest, submission_id: int) -> FileResponse:
    """The evidence file: its educator and the district's reviewers only."""
    submission = Submission.objects.filter(pk=submission_id, educator=request.user).exclude(file="").first()
    if submission is None and holds_permission(request.user, "credentials.review_micro_credentials"):
        submission = educators.submission_for_reviewer(request.user, submission_id)
    if submission is None or not submission.file:
        raise Http404
    return FileResponse(submission.file.open("rb"), content_type=submission.file_type)


@permission_required("credentials.micro_credential_holders")
def holders(request: HttpRequest) -> HttpResponse:
    rows = educators.holders(request.user)
    return render(request, "credentials/micro_holders.html", {"rows": rows, "chart": educators.holders_chart(rows)})


@permission_required(REVOKE)
def awards(request: HttpRequest) -> HttpResponse:
    """The district's awarded micro-credentials, for its administrator and its special-education director."""
    return render(request, "credentials/micro_awards.html", {"awards": educators.awards_revocable_by(request.user)})


@permission_required(REVOKE)
def revoke_award(request: HttpRequest, award_id) -> HttpResponse:
    """Revoke one award with a reason the educator reads. Every request is in the record of access (no student)."""
    award = educators.awards_revocable_by(request.user).filter(award_uuid=award_id).first()
    if award is None:
        record_access(request=request, student=None, permission=REVOKE, allowed=False)
        raise Http404
    record_access(request=request, student=None, permission=REVOKE, allowed=True)
    form = forms.RevokeAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            educators.revoke_award(award, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The micro-credential is revoked. Anyone who checks it now sees that it is revoked."))
            return redirect("credentials:micro-awards")
    return render(request, "credentials/micro_revoke.html", {"award": award, "form": form})
