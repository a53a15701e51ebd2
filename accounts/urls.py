from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    # the reader's language, kept on the account (issue 18)
    path("account/language/", views.language, name="language"),
    # signing in and out
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    # idle timeout: how long is left, and "stay signed in" (T9.6)
    path("session/status/", views.session_status, name="session-status"),
    path("session/extend/", views.session_extend, name="session-extend"),
    # two-factor sign-in
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-in/code/", views.two_factor_verify, name="two-factor-verify"),
    # invitations
    path("welcome/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # passwords
    path("account/password/", views.password_change, name="password-change"),
    path("account/password/done/", views.password_change_done, name="password-change-done"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_done, name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("password-reset/complete/", views.password_reset_complete, name="password-reset-complete"),
]
