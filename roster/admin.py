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


# Not for the district administrator, who runs accounts and rosters ("no student records", README): date
# of birth and student number identify a child, plan and disability category are the special-education
# team's (issue 15.4). Only a superuser (the vendor's operator, for repairs) sees them in the admin site.
RESTRICTED_STUDENT_FIELDS = ("date_of_birth", "student_number", "plan", "disability_category")


@admin.register(Student)
class StudentAdmin(StudentRecordAdmin, SimpleHistoryAdmin):
    student_field = "pk"
    education_record = False  # the roster row; its restricted details and caseloads are a superuser's only
    list_display = ["last_name", "first_name", "grade_level", "school", "plan", "is_active"]
    list_filter = ["school", "plan", "is_active"]
    search_fields = ["last_name", "first_name", "student_number"]
    inlines = [GuardianshipInline, CaseloadInline]

    def hidden_fields(self, request) -> tuple[str, ...]:
        return () if request.user.is_superuser else RESTRICTED_STUDENT_FIELDS

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *self.hidden_fields(request)]

    def get_inlines(self, request, obj):
        # Being on a special educator's caseload (and the service given) tells a disability: not roster data.
        inlines = super().get_inlines(request, obj)
        return inlines if request.user.is_superuser else [i for i in inlines if i is not CaseloadInline]

    def get_list_display(self, request):
        return [f for f in super().get_list_display(request) if f not in self.hidden_fields(request)]

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if f not in self.hidden_fields(request)]

    def get_search_fields(self, request):
        return [f for f in super().get_search_fields(request) if f not in self.hidden_fields(request)]

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history list's "changes" column, without the hidden fields' old and new values."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(current, excluded_fields=self.hidden_fields(request),
                                              foreign_keys_are_objs=foreign_keys_are_objs)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "school", "district"]
    list_filter = ["role", "district"]
    autocomplete_fields = ["user"]
