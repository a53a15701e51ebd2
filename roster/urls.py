from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    # role homes
    path("staff/", views.staff_home, name="staff-home"),
    path("family/", views.family_home, name="family-home"),
    path("me/", views.student_home, name="student-home"),
    path("district/", views.district_overview, name="district-overview"),
    # district: roster imports
    path("district/imports/", views.import_list, name="import-list"),
    path("district/imports/<int:run_id>/", views.import_detail, name="import-detail"),
    path("district/imports/<int:run_id>/apply/", views.import_apply, name="import-apply"),
    # district: invitations
    path("district/invitations/", views.invitation_list, name="invitation-list"),
    path("district/invitations/send/", views.invitation_send_all, name="invitation-send-all"),
    path("district/invitations/preview/", views.invitation_preview, name="invitation-preview"),
    path("district/invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation-resend"),
    # drafts of long forms, kept on the server before a session times out (T9.6)
    path("students/<uuid:student_id>/drafts/profile-section/<slug:part>/", views.draft, {"form": "profile-section"},
         name="draft-profile-section"),
    path("students/<uuid:student_id>/drafts/family-input/", views.draft, {"form": "family-input"}, name="draft-family-input"),
    # district: sign-in lockouts
    path("district/locked-accounts/", views.locked_accounts, name="locked-accounts"),
    path("district/locked-accounts/<int:user_id>/unlock/", views.locked_account_unlock, name="locked-account-unlock"),
    # district: emails that could not be sent (T8.6)
    path("district/undelivered-emails/", views.delivery_failures, name="delivery-failures"),
    path("district/undelivered-emails/<int:failure_id>/send-again/", views.delivery_failure_send_again,
         name="delivery-failure-send-again"),
    path("district/undelivered-emails/<int:failure_id>/dismiss/", views.delivery_failure_dismiss,
         name="delivery-failure-dismiss"),
    # students
    path("students/", views.student_list, name="student-list"),
    path("students/<uuid:student_id>/", views.student_detail, name="student-detail"),
    path("students/<uuid:student_id>/language/", views.student_language, name="student-language"),
]
