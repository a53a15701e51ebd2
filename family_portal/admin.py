from django.contrib import admin

from .models import NotificationPreference, WeeklyDigest


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "updated_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["user"]


@admin.register(WeeklyDigest)
class WeeklyDigestAdmin(admin.ModelAdmin):
    """Read-only: which families got which week's digest, and when (a sent row is never sent again)."""

    list_display = ["family", "week", "language", "sent_at"]
    list_filter = ["week", "language"]
    raw_id_fields = ["family"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
