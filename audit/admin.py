from django.contrib import admin

from .admin_audit import ReadOnlyAdminMixin
from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "student", "action", "route_name", "outcome"]
    list_filter = ["action", "outcome"]
    list_select_related = ["user", "student"]
    date_hierarchy = "at"
