from django.contrib import admin

from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "student", "action", "route_name", "outcome"]
    list_filter = ["action", "outcome"]
    list_select_related = ["user", "student"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
