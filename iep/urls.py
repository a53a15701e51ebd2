from django.urls import path, register_converter

from . import views

app_name = "iep"


class QuarterConverter:
    """2026-Q3. Year 0000 would crash the date arithmetic: a year outside 1900-2999 is no match (404)."""

    regex = r"\d{4}-Q[1-4]"

    def to_python(self, value: str) -> str:
        if not 1900 <= int(value[:4]) <= 2999:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(QuarterConverter, "quarter")

urlpatterns = [
    # a student's IEP: plan, goals and progress data
    path("students/<uuid:student_id>/iep/", views.student_iep, name="student-iep"),
    path("students/<uuid:student_id>/iep/plan/", views.plan_edit, name="plan-edit"),
    path("students/<uuid:student_id>/iep/goals/new/", views.goal_new, name="goal-new"),
    path("students/<uuid:student_id>/iep/goals/<int:goal_id>/", views.goal_detail, name="goal-detail"),
    path("students/<uuid:student_id>/iep/goals/<int:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path("students/<uuid:student_id>/iep/goals/<int:goal_id>/points/", views.goal_point_add, name="goal-point-add"),
    path("students/<uuid:student_id>/iep/goals/<int:goal_id>/points/<int:point_id>/correct/", views.goal_point_correct,
         name="goal-point-correct"),
    path("students/<uuid:student_id>/iep/goals/<int:goal_id>/points/<int:point_id>/void/", views.goal_point_void,
         name="goal-point-void"),
    # input to the IEP team
    path("students/<uuid:student_id>/iep/inputs/new/", views.input_new, name="input-new"),
    path("students/<uuid:student_id>/iep/inputs/<int:input_id>/", views.input_detail, name="input-detail"),
    path("students/<uuid:student_id>/iep/inputs/<int:input_id>/act/", views.input_act, name="input-act"),
    path("students/<uuid:student_id>/iep/inputs/<int:input_id>/attachment/", views.input_attachment,
         name="input-attachment"),
    # progress reports
    path("students/<uuid:student_id>/iep/reports/<quarter:period>/", views.report_page, name="report-page"),
    path("students/<uuid:student_id>/iep/reports/file/<int:report_id>/", views.report_pdf, name="report-pdf"),
    path("students/<uuid:student_id>/iep/reports/generate/", views.report_generate, name="report-generate"),
    # the IEP team's own pages
    path("iep/queue/", views.queue, name="queue"),
    path("iep/queue/assign/", views.queue_assign, name="queue-assign"),
    path("iep/deadlines/", views.deadlines, name="deadlines"),
    path("iep/reports/generate/", views.reports_generate, name="reports-generate"),
    path("iep/reports/progress/", views.reports_progress, name="reports-progress"),
]
