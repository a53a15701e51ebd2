import time

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from config.middleware import idle_seconds_left

from . import invitations, lockouts, two_factor
from .forms import InvitationAcceptForm, OneTimeCodeForm, SignInForm
from .models import Lockout, User

START_PAGES = {
    User.Role.TEACHER: "roster:staff-home",
    User.Role.SPECIAL_EDUCATOR: "roster:staff-home",
    User.Role.SISP: "roster:staff-home",
    User.Role.SCHOOL_LEADER: "roster:student-list",
    User.Role.SPED_DIRECTOR: "iep:queue",
    User.Role.DISTRICT_ADMIN: "roster:district-overview",
    User.Role.GUARDIAN: "family_portal:home",
    User.Role.STUDENT: "roster:student-home",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own start page."""
    return redirect(START_PAGES[request.user.role])


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password-change-done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/emails/password_reset.txt",
    subject_template_name="accounts/emails/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also ends a sign-in lockout (quality.md T5.2)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        lockouts.unlock(user=form.user, by=form.user, reason=Lockout.End.PASSWORD_RESET)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: choose a password (a family also picks a language), then in."""
    invitation = invitations.invitation_from_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                invitation=invitation, password=form.cleaned_data["new_password1"], language=form.cleaned_data.get("language")
            )
        except invitations.InvitationUsed:
            return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Waypoint. Your password is saved."))
        return redirect("accounts:home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": invitation.user})


def _next_or_home(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan or type the key, confirm with a first code, keep the backup codes."""
    device = two_factor.pending_authenticator(request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = two_factor.confirm_authenticator(user=request.user, token=form.cleaned_data["code"])
        if enrolment is not None:
            otp_login(request, enrolment.device)
            request.session["two_factor"] = "enrolled"
            context = {"codes": enrolment.backup_codes, "next": _next_or_home(request)}
            return render(request, "accounts/two_factor_backup_codes.html", context)
        form.add_error("code", _("That code did not match. Check the time on your phone and try the newest code."))
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_data_uri(device),
        "key": two_factor.base32_key(device),
        "next": _next_or_home(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for someone with an authenticator."""
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_or_home(request))
        form.add_error("code", _("That code did not work. Codes change every 30 seconds; a backup code works once."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_or_home(request)})


# --- Idle timeout (quality.md T9.6, WCAG 2.2.1) -------------------------------------------------


@require_GET
@login_required
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle sign-out. The page asks once, when its warning is due (another tab may
    have been used meanwhile); sent with the idle-neutral header, asking does not itself extend the session."""
    return JsonResponse({"seconds_left": idle_seconds_left(request)})


@require_POST
@login_required
def session_extend(request: HttpRequest) -> JsonResponse:
    """"Stay signed in": counts as activity now, and says how long the session lasts from here."""
    request.session["last_seen"] = int(time.time())
    return JsonResponse({"seconds_left": idle_seconds_left(request)})
