from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    # role homes
    path("staff/", views.staff_home, name="staff-home"),
    path("family/", views.family_home, name="family-home"),
    path("me/", views.student_home, name="student-home"),
    path("district/", views.district_overview, name="district-overview"),
    # students
    path("students/", views.student_list, name="student-list"),
    path("students/<uuid:student_id>/", views.student_detail, name="student-detail"),
]
