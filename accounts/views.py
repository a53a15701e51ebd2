from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy

from .forms import SignInForm
from .models import User

START_PAGES = {
    User.Role.TEACHER: "roster:staff-home",
    User.Role.SPECIAL_EDUCATOR: "roster:staff-home",
    User.Role.SISP: "roster:staff-home",
    User.Role.SCHOOL_LEADER: "roster:student-list",
    User.Role.SPED_DIRECTOR: "roster:student-list",
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
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password-reset-complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
