from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_audit import StudentRecordAdmin

from .models import LearningSession, PathEvent, PathStep, PathTemplate, StudentPath, TemplateOption, TemplateStep


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    fields = ["position", "title", "target_days"]
    extra = 0


@admin.register(PathTemplate)
class PathTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "school", "framework", "created_by", "created_at"]
    list_filter = ["school"]
    search_fields = ["title"]
    inlines = [TemplateStepInline]


@admin.register(TemplateOption)
class TemplateOptionAdmin(admin.ModelAdmin):
    list_display = ["title", "step", "kind", "mode", "estimated_minutes"]
    list_filter = ["kind", "mode"]


class PathStepInline(admin.TabularInline):
    model = PathStep
    fields = ["position", "title", "target_date", "status", "status_reason"]
    readonly_fields = ["status", "status_reason"]
    extra = 0


@admin.register(StudentPath)
class StudentPathAdmin(StudentRecordAdmin, SimpleHistoryAdmin):
    list_display = ["title", "student", "section", "start_date", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["student", "section", "template"]
    inlines = [PathStepInline]


@admin.register(PathEvent)
class PathEventAdmin(StudentRecordAdmin):
    student_field = "path.student_id"
    list_display = ["at", "path", "kind", "step_title", "actor"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the story of a path is append-only


@admin.register(LearningSession)
class LearningSessionAdmin(StudentRecordAdmin, SimpleHistoryAdmin):
    list_display = ["starts_at", "kind", "section", "staff", "room", "minutes"]
    list_filter = ["kind"]
    raw_id_fields = ["students", "section", "competency"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("students")

    def student_ids_of(self, obj):
        return [student.pk for student in obj.students.all()]
