from django.urls import path

from . import views

app_name = "paths"

urlpatterns = [
    # students/<uuid>/path/: one student's learning paths
    path("students/<uuid:student_id>/path/", views.path_detail, name="path-detail"),
    path("students/<uuid:student_id>/path/<int:path_id>/adapt/", views.path_adapt, name="path-adapt"),
    path("students/<uuid:student_id>/path/<int:path_id>/reschedule/", views.path_reschedule, name="path-reschedule"),
    path("students/<uuid:student_id>/path/<int:path_id>/steps/new/", views.step_add, name="step-add"),
    path("students/<uuid:student_id>/path/<int:path_id>/steps/<int:step_id>/edit/", views.step_edit, name="step-edit"),
    path("students/<uuid:student_id>/path/<int:path_id>/steps/<int:step_id>/change/", views.step_action, name="step-action"),
    path("students/<uuid:student_id>/path/<int:path_id>/steps/<int:step_id>/open-or-skip/", views.step_override, name="step-override"),
    path("students/<uuid:student_id>/path/<int:path_id>/steps/<int:step_id>/choose/", views.step_choose, name="step-choose"),
    # paths/: path templates of the staff member's schools
    path("paths/", views.template_list, name="template-list"),
    path("paths/new/", views.template_new, name="template-new"),
    path("paths/<int:template_id>/", views.template_detail, name="template-detail"),
    path("paths/<int:template_id>/steps/new/", views.template_step_new, name="template-step-new"),
    path("paths/<int:template_id>/steps/<int:step_id>/edit/", views.template_step_edit, name="template-step-edit"),
    path("paths/<int:template_id>/steps/<int:step_id>/change/", views.template_step_action, name="template-step-action"),
    path("paths/<int:template_id>/steps/<int:step_id>/options/new/", views.template_option_new, name="template-option-new"),
    path("paths/<int:template_id>/options/<int:option_id>/edit/", views.template_option_edit, name="template-option-edit"),
    path("paths/<int:template_id>/options/<int:option_id>/remove/", views.template_option_remove, name="template-option-remove"),
    # classes/<id>/paths/: assigning, pacing, small groups
    path("classes/<int:section_id>/paths/assign/", views.section_assign, name="section-assign"),
    path("classes/<int:section_id>/paths/pacing/", views.section_pacing, name="section-pacing"),
    path("classes/<int:section_id>/paths/groups/", views.section_groups, name="section-groups"),
    path("classes/<int:section_id>/paths/sessions/new/", views.session_new, name="session-new"),
    # sessions/
    path("sessions/mine/", views.my_sessions, name="my-sessions"),
    path("sessions/school/", views.school_sessions, name="school-sessions"),
]
