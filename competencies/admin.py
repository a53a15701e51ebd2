from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_audit import ReadOnlyAdminMixin, StudentRecordAdmin

from . import services
from .forms import CaseUploadForm
from .models import Competency, Evidence, Framework, ImportJob, Mastery, ProficiencyLevel, ProficiencyScale, SectionCompetency


class ProficiencyLevelInline(admin.TabularInline):
    model = ProficiencyLevel
    extra = 0


@admin.register(ProficiencyScale)
class ProficiencyScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "mastery_threshold"]
    inlines = [ProficiencyLevelInline]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "subject", "version", "mastery_method", "last_changed_at"]
    search_fields = ["title", "identifier"]
    fields = ["title", "subject", "grade_range", "version", "creator", "source_uri", "identifier", "uri",
              "mastery_method", "decay_weight", "n_times", "min_evidence"]
    readonly_fields = ["identifier", "uri"]
    change_list_template = "admin/competencies/framework/change_list.html"

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="competencies_framework_import"),
            path("import/<int:job_id>/", self.admin_site.admin_view(self.import_progress_view), name="competencies_framework_import_progress"),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        """Upload a CASE package; the import runs as a Celery task and this page shows its progress."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CaseUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = services.start_case_import(source_name=request.FILES["file"].name, payload=form.cleaned_data["file"],
                                             created_by=request.user)
            messages.info(request, _("The file was received; the import runs in the background."))
            return redirect(reverse("admin:competencies_framework_import_progress", args=[job.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "title": _("Import a CASE framework"),
                   "opts": self.model._meta}
        return render(request, "admin/competencies/framework/import.html", context)

    def import_progress_view(self, request, job_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id)
        context = {**self.admin_site.each_context(request), "job": job, "title": _("CASE import"), "opts": self.model._meta}
        if request.headers.get("HX-Request") == "true":
            return render(request, "admin/competencies/framework/import_progress.html#status", context)
        return render(request, "admin/competencies/framework/import_progress.html", context)


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "statement", "item_type", "framework", "is_retired"]
    list_filter = ["framework", "item_type", "is_retired"]
    search_fields = ["code", "statement", "identifier", "family_statement", "family_statement_es"]
    raw_id_fields = ["parent"]
    # The district's curriculum staff write what families read (issue 17.2); the framework's own text stays the import's.
    fieldsets = [
        (None, {"fields": ["framework", "parent", "identifier", "uri", "code", "statement", "short_statement", "item_type",
                           "education_level", "position", "is_retired"]}),
        (_("In plain words, for families and students"), {"fields": ["family_statement", "family_statement_es"]}),
    ]


@admin.register(SectionCompetency)
class SectionCompetencyAdmin(admin.ModelAdmin):
    list_display = ["section", "competency", "position"]
    list_filter = ["section"]
    raw_id_fields = ["competency"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["source_name", "status", "item_total", "created_at", "finished_at"]
    readonly_fields = ["source_name", "status", "item_total", "message", "summary", "framework", "created_by", "created_at", "finished_at"]
    exclude = ["payload"]

    def has_add_permission(self, request):
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, StudentRecordAdmin):
    """Read only: evidence is written through competencies.services (checked against the scale, mastery recomputed),
    and corrected or voided from the student's pages, with a reason kept in its history."""

    list_display = ["student", "competency", "score", "observed_on", "kind", "demonstration"]
    raw_id_fields = ["student", "competency", "recorded_by"]


@admin.register(Mastery)
class MasteryAdmin(StudentRecordAdmin, SimpleHistoryAdmin):
    list_display = ["student", "competency", "value", "is_mastered", "method", "override_value", "effective_mastered", "mastered_on"]
    raw_id_fields = ["student", "competency", "overridden_by"]
