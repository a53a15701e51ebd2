"""The product's URLs plus the benchmark's floor page. Used only by bench/pages.py (override_settings)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/floor/", views.floor, name="bench-floor"),
    path("", include("config.urls")),
]
