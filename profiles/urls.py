from django.urls import path

from . import views

app_name = "profiles"

student = "students/<uuid:student_id>/profile/"

urlpatterns = [
    # students/<uuid>/profile/
    path(student, views.detail, name="detail"),
    path(f"{student}sections/<slug:kind>/", views.section, name="section"),
    path(f"{student}sections/<slug:kind>/edit/", views.section_edit, name="section-edit"),
    path(f"{student}about-me/edit/", views.about_me_edit, name="about-me-edit"),
    # goals and accommodations
    path(f"{student}goals/add/", views.goal_add, name="goal-add"),
    path(f"{student}goals/<int:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path(f"{student}my-goals/<int:goal_id>/edit/", views.my_goal_edit, name="my-goal-edit"),
    path(f"{student}accommodations/add/", views.accommodation_add, name="accommodation-add"),
    path(f"{student}accommodations/<int:accommodation_id>/edit/", views.accommodation_edit, name="accommodation-edit"),
    # history, present-levels packet, one page for new teachers
    path(f"{student}history/", views.history, name="history"),
    path(f"{student}present-levels/", views.packet, name="packet"),
    path(f"{student}present-levels.pdf", views.packet_pdf, name="packet-pdf"),
    path("students/<uuid:student_id>/meet/", views.meet, name="meet"),
    # the signed-in student's own profile
    path("me/profile/", views.mine, name="mine"),
]
