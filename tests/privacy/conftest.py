import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from competencies.models import Evidence, Mastery
from competencies.services import void_evidence
from family_portal.models import Highlight, HighlightNotice
from iep import services as iep_services
from iep.models import IEPPlan, ProgressPoint, ProgressReport, ProgressReportCopy
from paths.models import LearningSession
from privacy.models import Departure, PermanentRecord, PurgeCertificate
from roster.models import Draft, Student


@pytest.fixture
def maya(demo) -> Student:
    return Student.objects.get(sourced_id="demo-student-00")


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def maya_everywhere(maya, demo) -> Student:
    """Maya with a row in every registered model that links to a student (the demo leaves a few empty)."""
    LogEntry.objects.create(user=demo["admin@demo.test"], content_type=ContentType.objects.get_for_model(Student),
                            object_id=str(maya.pk), object_repr=str(maya), action_flag=ADDITION, change_message="[]")
    mastery = Mastery.objects.filter(student=maya).first()
    mastery.save()  # a history row
    highlight = Highlight.objects.filter(student=maya).first()
    HighlightNotice.objects.get_or_create(highlight=highlight, guardian=demo["parent@demo.test"])
    ProgressPoint.objects.filter(goal__plan__student=maya).first().evidence.add(Evidence.objects.filter(student=maya).first())
    voided = ProgressPoint.objects.filter(goal__plan__student=maya).order_by("pk").last()  # a voided result and its trail
    iep_services.void_result(goal=voided.goal, point_id=voided.pk, by=demo["casemanager@demo.test"], version=voided.version,
                             reason="Entered on the wrong goal")
    removed = Evidence.objects.filter(student=maya).order_by("pk").last()  # a removed result, with its history
    void_evidence(evidence=removed, voided_by=removed.recorded_by, reason="Recorded for the wrong student")
    session = LearningSession.objects.first()
    session.students.add(maya)
    Departure.objects.create(student=maya, departed_on=timezone.localdate())
    PermanentRecord.objects.create(district=maya.school.district, student_uuid=maya.uuid, first_name="Maya",
                                   last_name="Rivera", grade_level="4")
    PurgeCertificate.objects.create(district=maya.school.district, student_uuid=maya.uuid, reason="test")
    Draft.objects.create(user=demo["parent@demo.test"], student=maya, form="family-input",
                         fields={"kind": "question", "text": "Kept when the session was about to end"})
    report = ProgressReport.objects.filter(student=maya).first() or ProgressReport.objects.create(
        student=maya, plan=IEPPlan.objects.filter(student=maya).first(), period="2026-Q1")
    ProgressReportCopy.objects.create(report=report, language="es", pdf=ContentFile(b"%PDF-1.7 copy", name="copy-es.pdf"))
    return maya
