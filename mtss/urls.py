from django.urls import path

from . import views

app_name = "mtss"

urlpatterns = [
    # a student's tiered supports
    path("students/<uuid:student_id>/mtss/", views.student, name="student"),
    path("students/<uuid:student_id>/mtss/tier/", views.tier_change, name="tier-change"),
    path("students/<uuid:student_id>/mtss/plans/new/", views.plan_new, name="plan-new"),
    path("students/<uuid:student_id>/mtss/plans/<int:plan_id>/", views.plan, name="plan"),
    path("students/<uuid:student_id>/mtss/plans/<int:plan_id>/results/", views.result_add, name="result-add"),
    path("students/<uuid:student_id>/mtss/plans/<int:plan_id>/sessions/", views.session_add, name="session-add"),
    path("students/<uuid:student_id>/mtss/decisions/", views.decision_add, name="decision-add"),
    path("students/<uuid:student_id>/mtss/referral/", views.referral, name="referral"),
    path("students/<uuid:student_id>/mtss/messages/<int:input_id>/answer/", views.input_answer, name="input-answer"),
    # screening and the overview
    path("mtss/screening/", views.screening_import, name="screening-import"),
    path("mtss/", views.overview, name="overview"),
]
