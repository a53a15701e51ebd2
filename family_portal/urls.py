from django.urls import path

from . import views

app_name = "family_portal"

urlpatterns = [
    # the family's own pages
    path("portal/", views.home, name="home"),
    path("portal/welcome/", views.welcome, name="welcome"),
    path("portal/my-choices/", views.preferences, name="preferences"),
    # a child
    path("portal/children/<uuid:student_id>/", views.child, name="child"),
    path("portal/children/<uuid:student_id>/learning/", views.child_learning, name="child-learning"),
    path("portal/children/<uuid:student_id>/goals/", views.child_goals, name="child-goals"),
    path("portal/children/<uuid:student_id>/how-they-learn/", views.child_about, name="child-about"),
    path("portal/children/<uuid:student_id>/extra-help/", views.child_supports, name="child-supports"),
    path("portal/children/<uuid:student_id>/highlights/<int:highlight_id>/reply/", views.highlight_reply, name="highlight-reply"),
    path("portal/children/<uuid:student_id>/highlights/<int:highlight_id>/photo/", views.highlight_photo, name="highlight-photo"),
    path("portal/children/<uuid:student_id>/reports/<int:report_id>/", views.report_pdf, name="report-pdf"),
    path("portal/children/<uuid:student_id>/iep-team/", views.input_list, name="input-list"),
    path("portal/children/<uuid:student_id>/iep-team/new/", views.input_new, name="input-new"),
    path("portal/children/<uuid:student_id>/iep-team/<int:input_id>/sent/", views.input_sent, name="input-sent"),
    path("portal/children/<uuid:student_id>/support-team/new/", views.support_input_new, name="support-input-new"),
    path("portal/children/<uuid:student_id>/record-of-access/", views.access_record, name="access-record"),
    # staff: highlights to the family, and the family's replies, from the student page
    path("students/<uuid:student_id>/highlights/", views.student_highlights, name="student-highlights"),
]
