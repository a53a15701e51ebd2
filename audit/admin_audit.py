"""The Django admin is a second way into student records, so it writes the same trail as the door.

Every admin page that shows a student's record (a change form, its history, a delete confirmation)
writes one AccessEvent per student it shows; a change list writes one per student on the page. If the
events cannot be written the page fails closed, as the door does (quality.md T2.1, T2.2).
"""

from collections.abc import Iterable

from django.contrib import admin
from django.template.response import TemplateResponse

from .models import AccessEvent
from .services import WRITE_METHODS, client_ip


class ReadOnlyAdminMixin:
    """An admin that shows rows and never adds, changes or deletes them: the rows are written elsewhere (the app's
    services, with their checks and history) or never changed (the access trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StudentRecordAdmin(admin.ModelAdmin):
    """Base for admin classes of models that hold one student's record.

    `student_field` names the path to the student's id on a row ("pk" for Student itself);
    override `student_ids_of` for rows about several students."""

    student_field = "student_id"
    # An education record (evidence, mastery, profiles, paths, sessions): no district administrator sees it, there
    # or anywhere (issue 19.4); only a superuser, the vendor's operator, opens it, for repair, and is logged.
    # Student itself is the roster row the district administrator manages (names, classes): education_record False.
    education_record = True

    def _education_record_allowed(self, request) -> bool:
        return not self.education_record or request.user.is_superuser

    def has_module_permission(self, request):
        return self._education_record_allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._education_record_allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._education_record_allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._education_record_allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._education_record_allowed(request) and super().has_delete_permission(request, obj)

    def student_ids_of(self, obj) -> Iterable[int]:
        value = obj
        for part in self.student_field.split("."):
            value = getattr(value, part)
        return [value] if value is not None else []

    def _record(self, request, objects, *, allowed: bool = True) -> None:
        ids = list(dict.fromkeys(pk for obj in objects for pk in self.student_ids_of(obj)))
        if not ids:
            return
        action = AccessEvent.Action.CHANGE if request.method in WRITE_METHODS else AccessEvent.Action.VIEW
        match = getattr(request, "resolver_match", None)
        AccessEvent.objects.bulk_create([
            AccessEvent(user=request.user, student_id=pk, action=action,
                        permission=f"admin.{self.opts.app_label}.{self.opts.model_name}",
                        route_name=match.view_name if match else "", method=request.method,
                        ip_address=client_ip(request),
                        outcome=AccessEvent.Outcome.ALLOWED if allowed else AccessEvent.Outcome.DENIED)
            for pk in ids
        ])

    def _record_object(self, request, object_id) -> None:
        obj = self.get_object(request, admin.utils.unquote(object_id)) if object_id else None
        if obj is not None:
            self._record(request, [obj], allowed=self.has_view_or_change_permission(request, obj))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if isinstance(response, TemplateResponse) else None
        if changelist is not None:
            self._record(request, changelist.result_list)
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._record_object(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._record_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._record_object(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._record_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)
