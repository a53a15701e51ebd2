from django.urls import path

from . import views

app_name = "competencies"

urlpatterns = [
    # students/<uuid>/progress/: one student's progression, evidence and mastery
    path("students/<uuid:student_id>/progress/", views.student_progress, name="student-progress"),
    path("students/<uuid:student_id>/progress/evidence/new/", views.evidence_new, name="evidence-new"),
    path("students/<uuid:student_id>/progress/evidence.csv", views.student_evidence_csv, name="student-evidence-csv"),
    path("students/<uuid:student_id>/progress/evidence/<int:evidence_id>/correct/", views.evidence_correct, name="evidence-correct"),
    path("students/<uuid:student_id>/progress/evidence/<int:evidence_id>/remove/", views.evidence_void, name="evidence-void"),
    path("students/<uuid:student_id>/progress/<int:competency_id>/", views.student_competency, name="student-competency"),
    path("students/<uuid:student_id>/progress/<int:competency_id>/override/", views.mastery_override, name="mastery-override"),
    # classes/: mastery grids
    path("classes/", views.section_list, name="section-list"),
    path("classes/<int:section_id>/grid/", views.section_grid, name="section-grid"),
    path("classes/<int:section_id>/grid/evidence/", views.section_evidence, name="section-evidence"),
    path("classes/<int:section_id>/grid.csv", views.section_grid_csv, name="section-grid-csv"),
]
