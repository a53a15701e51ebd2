import time
from urllib.parse import quote

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from audit.services import client_ip
from config.middleware import idle_seconds_left

from . import language as account_language
from . import invitations, lockouts, security_events, two_factor
from .forms import InvitationAcceptForm, LanguageForm, OneTimeCodeForm, ReplaceAuthenticatorForm, SignInForm
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


@require_POST
@login_required
def language(request: HttpRequest) -> HttpResponse:
    """The language switch on every page, for everyone signed in: saved on the account (pages, emails,
    digests, PDFs), then back to the same page; never off the site (T4.4)."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        account_language.set_language(user=request.user, language=form.cleaned_data["language"])
    target = form.data.get("next") or request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("accounts:home")
    return redirect(target)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own start page."""
    return redirect(START_PAGES[request.user.role])


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()

# Set at a single sign-on by the app that did it: {"name": the provider's name, "url": its own sign-out}.
SIGN_OUT_ELSEWHERE = "sign_out_elsewhere"


class SignOutView(auth_views.LogoutView):
    """Ends Waypoint's session. After a single sign-on, also offers the provider's own sign-out: a shared
    school computer stays signed in to Google or Microsoft otherwise."""

    def post(self, request, *args, **kwargs):
        elsewhere = request.session.get(SIGN_OUT_ELSEWHERE)
        response = super().post(request, *args, **kwargs)
        if elsewhere:
            return render(request, "accounts/signed_out.html", {"elsewhere": elsewhere})
        return response


sign_out = SignOutView.as_view()
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
    """Turn on two-step sign-in, or replace the authenticator (a new phone): scan or type the key, confirm
    with a first code, keep the backup codes.

    For an account that already has an authenticator this page needs a verified sign-in and the
    password again (quality.md T5.4): a password alone must never be enough to swap the second step."""
    user = request.user
    replacing = two_factor.has_confirmed_device(user)
    if replacing and not user.is_verified():
        return redirect(f"{reverse('accounts:two-factor-verify')}?next={quote(request.get_full_path())}")
    form_class = ReplaceAuthenticatorForm if replacing else OneTimeCodeForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if replacing and not two_factor.reauthenticate(user=user, secret=form.cleaned_data["current_password"]):
            if (out := _wrong_try(request)) is not None:
                return out
            form.add_error("current_password", _tries_left_message(
                request, _("That is not your password or an unused backup code.")))
        else:
            enrolment = two_factor.confirm_authenticator(
                user=user, token=form.cleaned_data["code"], ip_address=client_ip(request))
            if enrolment is not None:
                otp_login(request, enrolment.device)
                request.session["two_factor"] = "enrolled"
                context = {"codes": enrolment.backup_codes, "next": _next_or_home(request), "replaced": replacing}
                return render(request, "accounts/two_factor_backup_codes.html", context)
            form.add_error("code", _("That code did not match. Check the time on your phone and try the newest code."))
    device = two_factor.pending_authenticator(user)
    context = {
        "form": form,
        "replacing": replacing,
        "qr_code": two_factor.qr_code_data_uri(device),
        "key": two_factor.base32_key(device),
        "next": _next_or_home(request),
        "events": security_events.recent_for(user) if replacing else [],
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for someone with an authenticator."""
    form = OneTimeCodeForm(request.POST or None)
    wait = two_factor.seconds_to_wait(request.user)
    if request.method == "POST" and form.is_valid():
        if wait:
            form.add_error("code", _wait_message(wait))
        elif (device := two_factor.verify_code(user=request.user, token=form.cleaned_data["code"])) is not None:
            request.session.pop(CODE_FAILURES, None)
            otp_login(request, device)
            return redirect(_next_or_home(request))
        elif (out := _wrong_try(request)) is not None:
            return out
        else:
            form.add_error("code", _tries_left_message(
                request, _("That code did not work. Codes change every 30 seconds; a backup code works once.")))
    context = {"form": form, "next": _next_or_home(request), "wait_message": _wait_message(wait) if wait else ""}
    return render(request, "accounts/two_factor_verify.html", context)


CODE_FAILURES = "two_factor_failures"


def _tries_left(request: HttpRequest) -> int:
    return two_factor.MAX_CODE_TRIES - request.session.get(CODE_FAILURES, 0)


def _wrong_try(request: HttpRequest) -> HttpResponse | None:
    """Count a wrong code or password on a two-step page. The last allowed one ends the sign-in, tells
    the owner by email, and sends the person back to the password."""
    request.session[CODE_FAILURES] = request.session.get(CODE_FAILURES, 0) + 1
    if _tries_left(request) > 0:
        return None
    two_factor.record_too_many_codes(user=request.user, ip_address=client_ip(request))
    logout(request)
    messages.error(request, _("That was too many wrong tries, so you were signed out. Sign in again to try once more."))
    return redirect("accounts:login")


def _tries_left_message(request: HttpRequest, problem: str) -> str:
    left = _tries_left(request)
    return problem + " " + ngettext("You have %(count)d try left.", "You have %(count)d tries left.", left) % {"count": left}


def _wait_message(seconds: int) -> str:
    return ngettext(
        "After several wrong codes, please wait %(count)d second before trying again.",
        "After several wrong codes, please wait %(count)d seconds before trying again.",
        seconds,
    ) % {"count": seconds}


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
