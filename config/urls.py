from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Waypoint administration"
admin.site.site_title = "Waypoint"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("roster.urls")),
    path("", include("competencies.urls")),
    path("", include("profiles.urls")),
    path("", include("iep.urls")),
    path("", include("mtss.urls")),
    path("", include("family_portal.urls")),
    path("", include("student_home.urls")),
    path("", include("paths.urls")),
    path("", include("privacy.urls")),
    path("", include("sso.urls")),
    path("", include("credentials.urls")),
    path("admin/", admin.site.urls),
]
