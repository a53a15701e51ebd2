from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    # the family's rights over the record (FERPA 99.10, 99.20-99.22, 99.32)
    path("portal/records/", views.family_home, name="family-home"),
    path("records/students/<uuid:student_id>/export/", views.export, name="export"),
    path("records/students/<uuid:student_id>/received-by/", views.disclosures, name="disclosures"),
    path("records/students/<uuid:student_id>/corrections/", views.amendments, name="amendments"),
    path("records/students/<uuid:student_id>/corrections/<int:request_id>/hearing/", views.amendment_hearing, name="amendment-hearing"),
    path("records/students/<uuid:student_id>/corrections/<int:request_id>/statement/", views.amendment_statement, name="amendment-statement"),
    # staff
    path("students/<uuid:student_id>/record-requests/", views.student_requests, name="student-requests"),
    path("students/<uuid:student_id>/record-requests/<int:request_id>/decide/", views.amendment_decide, name="amendment-decide"),
    path("district/staff-with-access/", views.pii_staff, name="pii-staff"),
]
