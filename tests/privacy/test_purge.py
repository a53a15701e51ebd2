"""T3.3 purge of a departed student, T3.7 retention schedule (time-machine)."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessEvent
from iep.models import ProgressReport, ProgressReportCopy
from privacy import purge, registry
from privacy.models import Departure, DisclosureRecord, PermanentRecord, PurgeCertificate, RetentionRule
from roster.models import Student
from tests.factories.roster import EnrollmentFactory, StudentFactory

from .conftest import client_as

pytestmark = pytest.mark.django_db


def _table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in registry.all_models()}


def _rows_left(student) -> dict[str, int]:
    left = {}
    for model, declaration in registry.student_models():
        count = registry.rows_for(model, declaration, student).count()
        if count:
            left[model._meta.label] = count
    return left


def test_dry_run_counts_and_changes_nothing(maya_everywhere):
    """T3.3: the dry run prints the per-table counts and leaves every table as it was."""
    before = _table_counts()
    certificate = purge.purge_student(student=maya_everywhere, run_by=None, reason="test", dry_run=True)
    assert _table_counts() == before
    assert certificate.deleted["roster.Student"] == 1
    assert certificate.deleted["profiles.HistoricalProfileSection"] >= 1
    assert "audit.AccessEvent" in certificate.kept and "privacy.DisclosureRecord" in certificate.kept


def test_purge_leaves_no_row_but_the_declared_keepers(maya_everywhere, demo):
    """T3.3: 0 rows referencing the student in registered models, history tables included, apart from the
    security log, the disclosure record, the permanent record and the certificate; a certificate per table."""
    maya = maya_everywhere
    client_as(demo["parent@demo.test"]).post(f"/records/students/{maya.uuid}/export/", {"kind": "export_json"})
    planned = purge.purge_student(student=maya, run_by=None, reason="test", dry_run=True).deleted
    certificate = purge.purge_student(student=maya, run_by=demo["admin@demo.test"], reason="Family asked (NDPA)")
    assert not Student.objects.filter(pk=maya.pk).exists()
    left = _rows_left(maya)
    assert set(left) == {"audit.AccessEvent", "privacy.DisclosureRecord", "privacy.PermanentRecord", "privacy.PurgeCertificate"}
    for label, count in planned.items():  # every planned row is certified (cascades and "-" history rows on top)
        assert certificate.deleted[label] >= count, label
    stored = PurgeCertificate.objects.get(pk=certificate.certificate_id)
    assert stored.deleted == certificate.deleted and stored.run_by == demo["admin@demo.test"]
    assert "Certificate" in certificate.lines()[0]


def test_purge_deletes_the_students_stored_files_once_committed(maya_everywhere, demo, django_capture_on_commit_callbacks):
    """T3.3 beyond the rows: the report PDFs (and their copies in a family's language), highlight photos and input
    attachments of the student leave the file storage too, only after the purge commits; another student's stay."""
    maya = maya_everywhere
    names = [n for n in [*ProgressReport.objects.filter(student=maya).values_list("pdf", flat=True),
                         *ProgressReportCopy.objects.filter(report__student=maya).values_list("pdf", flat=True)] if n]
    assert names and all(default_storage.exists(name) for name in names)
    other = ProgressReport.objects.exclude(student=maya).exclude(pdf="").first()
    planned = purge.purge_student(student=maya, run_by=None, reason="test", dry_run=True)
    assert planned.deleted[purge.STORED_FILES] >= len(names)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge.purge_student(student=maya, run_by=None, reason="test")
    assert all(default_storage.exists(name) for name in names)  # nothing gone before the commit
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in names)
    assert other is None or default_storage.exists(other.pdf.name)


def test_purge_keeps_the_permanent_record_and_the_disclosures(maya_everywhere, demo):
    """IDEA 300.624(b) fields are kept; FERPA 99.32 disclosures outlive the record (pitfall 11)."""
    maya = maya_everywhere
    client_as(demo["parent@demo.test"]).get(f"/records/students/{maya.uuid}/received-by/")  # one access event
    disclosures = DisclosureRecord.objects.filter(student_uuid=maya.uuid).count()
    PermanentRecord.objects.filter(student_uuid=maya.uuid).delete()
    purge.purge_student(student=maya, run_by=None, reason="test")
    kept = PermanentRecord.objects.get(student_uuid=maya.uuid)
    assert (kept.first_name, kept.last_name, kept.grade_level) == (maya.first_name, maya.last_name, maya.grade_level)
    assert {c["class"] for c in kept.classes} == {"Grade 5 Math", "Grade 5 English Language Arts"}
    assert DisclosureRecord.objects.filter(student_uuid=maya.uuid, student__isnull=True).count() == disclosures >= 1
    assert AccessEvent.objects.filter(student_id=maya.pk).exists()


def test_purge_touches_no_other_student(maya_everywhere, demo):
    leo = Student.objects.get(sourced_id="demo-student-01")
    before = _rows_left(leo)
    purge.purge_student(student=maya_everywhere, run_by=None, reason="test")
    assert _rows_left(leo) == before


def _departed(district_school, days_ago: int) -> Student:
    student = StudentFactory(school=district_school)
    EnrollmentFactory(student=student)
    student.is_active = False
    student.save()
    Departure.objects.filter(student=student).update(departed_on=timezone.localdate() - timedelta(days=days_ago))
    return student


def test_leaving_starts_the_clock_and_coming_back_stops_it(school):
    student = StudentFactory(school=school)
    student.is_active = False
    student.save()
    assert Departure.objects.get(student=student).departed_on == timezone.localdate()
    student.is_active = True
    student.save()
    assert not Departure.objects.filter(student=student).exists()


def test_retention_purge_runs_on_schedule_and_touches_nothing_else(school, student):
    """T3.7: with a 30-day rule, a student who left 10 days ago is purged on day 30, not day 29; a student
    who is still at school and one who left later are untouched."""
    RetentionRule.objects.create(district=school.district, days_after_departure=30)
    leaver = _departed(school, days_ago=10)
    later = _departed(school, days_ago=0)
    now = timezone.now()
    with time_machine.travel(now + timedelta(days=19), tick=False):
        assert purge.purge_due() == []
    with time_machine.travel(now + timedelta(days=20), tick=False):
        certificates = purge.purge_due()
    assert [c.student_uuid for c in certificates] == [str(leaver.uuid)]
    assert not Student.objects.filter(pk=leaver.pk).exists()
    assert Student.objects.filter(pk__in=[later.pk, student.pk]).count() == 2
    assert _rows_left(student)["roster.Enrollment"] == 1


def test_purge_command_dry_run_prints_a_certificate(school):
    RetentionRule.objects.create(district=school.district, days_after_departure=1)
    leaver = _departed(school, days_ago=5)
    out = io.StringIO()
    call_command("purge_departed", "--dry-run", stdout=out)
    assert "DRY RUN" in out.getvalue() and "roster.Student: 1" in out.getvalue()
    assert Student.objects.filter(pk=leaver.pk).exists()
    call_command("purge_departed", stdout=io.StringIO())
    assert not Student.objects.filter(pk=leaver.pk).exists()
    assert PurgeCertificate.objects.filter(student_uuid=leaver.uuid).count() == 1
    assert apps.get_model("privacy.PermanentRecord").objects.filter(student_uuid=leaver.uuid).count() == 1
