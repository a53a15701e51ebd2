"""Read-only: profile text is written in the app, where versions and history protect it.
(The district administrator's group has no profile permissions: configuration, not narratives.)"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_audit import ReadOnlyAdminMixin, StudentRecordAdmin

from .models import Accommodation, ProfileGoal, ProfileSection


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, StudentRecordAdmin, SimpleHistoryAdmin):
    raw_id_fields = ["student"]


@admin.register(ProfileSection)
class ProfileSectionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["student", "kind", "visibility", "version", "updated_at"]
    list_filter = ["kind", "visibility"]


@admin.register(ProfileGoal)
class ProfileGoalAdmin(ReadOnlyHistoryAdmin):
    list_display = ["student", "kind", "owner", "status", "target_date"]
    list_filter = ["kind", "owner", "status"]


@admin.register(Accommodation)
class AccommodationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["student", "category", "description", "is_active"]
    list_filter = ["category", "is_active"]
