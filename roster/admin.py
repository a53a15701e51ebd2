from django.contrib import admin

from audit.admin_audit import StudentRecordAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Caseload, District, Enrollment, Guardianship, School, Section, StaffAssignment, Student, Term


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "start_date", "end_date"]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "term", "period"]
    list_filter = ["school", "term"]
    search_fields = ["name"]
    filter_horizontal = ["teachers"]
    inlines = [EnrollmentInline]


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["guardian"]


class CaseloadInline(admin.TabularInline):
    model = Caseload
    extra = 0
    autocomplete_fields = ["staff"]


@admin.register(Student)
class StudentAdmin(StudentRecordAdmin, SimpleHistoryAdmin):
    student_field = "pk"
    list_display = ["last_name", "first_name", "grade_level", "school", "plan", "is_active"]
    list_filter = ["school", "plan", "is_active"]
    search_fields = ["last_name", "first_name", "student_number"]
    inlines = [GuardianshipInline, CaseloadInline]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "school", "district"]
    list_filter = ["role", "district"]
    autocomplete_fields = ["user"]
