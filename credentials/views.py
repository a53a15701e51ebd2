"""Credential pages: thin views. Student pages go through the access door (which writes the record of access);
the issuer's profile, its keys, its status list and each credential's verification page are public."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from family_portal import selectors as family_selectors
from roster.decorators import student_view
from roster.models import Student

from . import builder, clr, forms, keys, selectors, services, status, verify
from .models import IssuerProfile, StudentCredential, Submission

# --- Public: the issuer, its keys, its status list, a credential's verification page ------------------


def _issuer(district_id: int) -> IssuerProfile:
    return get_object_or_404(IssuerProfile, district_id=district_id)


def issuer(request: HttpRequest, district_id: int) -> JsonResponse:
    """The issuer Profile (OB 3.0), the document an issuer id points to."""
    found = _issuer(district_id)
    profile = {"@context": builder.OB_CONTEXT, **builder.issuer_profile(found)}
    return JsonResponse(profile, json_dumps_params={"indent": 2})


def jwks(request: HttpRequest, district_id: int) -> JsonResponse:
    response = JsonResponse(keys.jwks(_issuer(district_id)), json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/jwk-set+json"
    return response


def status_list(request: HttpRequest, district_id: int) -> HttpResponse:
    found = _issuer(district_id)
    token = services.sign_jwt(status.status_list_credential(found), found, IssuerProfile.Algorithm.RS256)
    return HttpResponse(token, content_type="application/vc+jwt")


def verification(request: HttpRequest, credential_id) -> HttpResponse:
    """What the credential itself says, checked: only its signed content is shown, never the student's record.
    A credential whose family withdrew sharing shows that and nothing else. An educator's award is checked here too."""
    credential = StudentCredential.objects.only("jwt", "revocation", "uuid", "status_index", "revoked_at").filter(uuid=credential_id).first()
    if credential is None:  # an educator's micro-credential award
        credential = get_object_or_404(Submission.objects.only("jwt", "award_uuid", "status_index", "revoked_at"),
                                       award_uuid=credential_id, status=Submission.Status.AWARDED)
    withdrawn = getattr(credential, "revocation", "") == StudentCredential.Revocation.WITHDRAWN
    result = verify.of_record(credential)
    return render(request, "credentials/verify.html", {"result": result, "withdrawn": withdrawn,
                                                       "shown": None if withdrawn else result.credential})


# --- The family: offers, credentials, downloads, withdrawal --------------------------------------------


@student_view("credentials.view")
def family_list(request: HttpRequest, student: Student) -> HttpResponse:
    issuer_found = selectors.issuer_for(student)
    return render(request, "credentials/family_list.html", {
        "student": student, "children": family_selectors.children_for(request.user), "issuer": issuer_found,
        "offers": selectors.offers(student, issuer_found), "credentials": selectors.credentials_of(student),
        "records": selectors.learner_records_of(student)})


@student_view("credentials.choose")
@require_POST
def choose(request: HttpRequest, student: Student) -> HttpResponse:
    _choose(request, student)
    return redirect("credentials:family-list", student.uuid)


def _choose(request: HttpRequest, student: Student) -> None:
    """A family member, or the student herself, takes the credential of a mastered competency on offer."""
    form = forms.ChooseForm(request.POST)
    if form.is_valid():
        try:
            services.issue(student=student, competency_id=form.cleaned_data["competency_id"], chosen_by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The credential is ready. You can download it below."))
    else:
        messages.error(request, _("Please choose a credential from the list."))


def _download(request: HttpRequest, student: Student, credential_id, kind: str, back: str = "credentials:family-list") -> HttpResponse:
    credential = selectors.credential_of(student, credential_id)
    if credential is None:
        raise Http404
    if credential.is_revoked:
        messages.error(request, _("This credential is no longer in force, so it cannot be downloaded."))
        return redirect(back, student.uuid)
    return _signed_file(credential, kind, "credential")


def _signed_file(signed, kind: str, name: str) -> HttpResponse:
    """A credential or a learner record as the file the family keeps: its VC-JWT or its JSON-LD document."""
    if kind == "jwt":
        response = HttpResponse(signed.jwt, content_type="text/plain; charset=utf-8")
    else:
        response = JsonResponse(signed.document, json_dumps_params={"indent": 2})
        response["Content-Type"] = "application/ld+json"
    response["Content-Disposition"] = f'attachment; filename="{name}-{signed.uuid}.{kind}"'
    return response


@student_view("credentials.export")
def download_json(request: HttpRequest, student: Student, credential_id) -> HttpResponse:
    return _download(request, student, credential_id, "json")


@student_view("credentials.export")
def download_jwt(request: HttpRequest, student: Student, credential_id) -> HttpResponse:
    return _download(request, student, credential_id, "jwt")


@student_view("credentials.choose")
@require_POST
def withdraw(request: HttpRequest, student: Student, credential_id) -> HttpResponse:
    credential = selectors.credential_of(student, credential_id)
    if credential is None:
        raise Http404
    try:
        services.withdraw(credential, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Sharing is withdrawn. Anyone who checks this credential now sees that it is no longer in force."))
    return redirect("credentials:family-list", student.uuid)


@student_view("credentials.choose")
@require_POST
def record_make(request: HttpRequest, student: Student) -> HttpResponse:
    try:
        clr.make(student=student, chosen_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The learner record for this school year is ready. You can download it below."))
    return redirect("credentials:family-list", student.uuid)


def _record_download(student: Student, record_id, kind: str) -> HttpResponse:
    record = selectors.learner_records_of(student).filter(uuid=record_id).defer(None).first()
    if record is None:
        raise Http404
    return _signed_file(record, kind, "learner-record")


@student_view("credentials.export")
def record_json(request: HttpRequest, student: Student, record_id) -> HttpResponse:
    return _record_download(student, record_id, "json")


@student_view("credentials.export")
def record_jwt(request: HttpRequest, student: Student, record_id) -> HttpResponse:
    return _record_download(student, record_id, "jwt")


# --- The student herself: her credentials; from the district's age she chooses and downloads them -------


@student_view("credentials.view_own")
def mine(request: HttpRequest, student: Student) -> HttpResponse:
    issuer_found = selectors.issuer_for(student)
    may_choose = selectors.may_choose_own(student, issuer_found)
    return render(request, "credentials/mine.html", {
        "student": student, "issuer": issuer_found, "may_choose": may_choose,
        "offers": selectors.offers(student, issuer_found) if may_choose else [],
        "credentials": selectors.credentials_of(student)})


@student_view("credentials.choose_own")
@require_POST
def mine_choose(request: HttpRequest, student: Student) -> HttpResponse:
    _choose(request, student)
    return redirect("credentials:mine", student.uuid)


@student_view("credentials.export_own")
def mine_json(request: HttpRequest, student: Student, credential_id) -> HttpResponse:
    return _download(request, student, credential_id, "json", back="credentials:mine")


@student_view("credentials.export_own")
def mine_jwt(request: HttpRequest, student: Student, credential_id) -> HttpResponse:
    return _download(request, student, credential_id, "jwt", back="credentials:mine")


# --- Staff: a student's credentials, revocation, evidence ---------------------------------------------


@student_view("credentials.manage")
def student_credentials(request: HttpRequest, student: Student) -> HttpResponse:
    return render(request, "credentials/student_list.html", {
        "student": student, "credentials": selectors.credentials_of(student), "form": forms.RevokeForm()})


@student_view("credentials.manage")
@require_POST
def revoke(request: HttpRequest, student: Student, credential_id) -> HttpResponse:
    credential = selectors.credential_of(student, credential_id)
    if credential is None:
        raise Http404
    form = forms.RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why the credential is revoked."))
        return redirect("credentials:student", student.uuid)
    try:
        services.revoke(credential, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The credential is revoked."))
    return redirect("credentials:student", student.uuid)


@login_required
def evidence(request: HttpRequest, credential_id) -> HttpResponse:
    """A credential's evidence link: through the access door to the student's results on the competency, so only
    people who may see the student's record can follow it (and the visit is in the record of access)."""
    credential = StudentCredential.objects.filter(uuid=credential_id).values("student__uuid", "competency_id").first()
    if credential is None:
        raise Http404
    return _evidence(request, credential["student__uuid"], credential["competency_id"])


@student_view("competencies.view")
def _evidence(request: HttpRequest, student: Student, competency_id: int) -> HttpResponse:
    return redirect(reverse("competencies:student-competency", args=[student.uuid, competency_id]))
