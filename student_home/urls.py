from django.urls import path

from . import views

app_name = "me"

urlpatterns = [
    # the signed-in student's own home (roster's /me/ leads here): through the door, logged
    path("students/<uuid:student_id>/home/", views.home, name="home"),
]
