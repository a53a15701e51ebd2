"""T3.2 export completeness, T2.5 disclosure record, T4.5 no outside fetch from the PDF, T3.5 rights."""

import json
import socket

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from privacy import export, pdf, registry
from privacy.models import DisclosureRecord
from roster.models import Guardianship

from tests.factories.profiles import ProfileSectionFactory

from .conftest import client_as

pytestmark = pytest.mark.django_db


def _export(client, student, **data):
    return client.post(reverse("privacy:export", args=[student.uuid]), {"kind": "export_json", **data})


def test_family_json_export_holds_every_registered_field(maya_everywhere, demo):
    """T3.2: one row in every registered student model; the parent's export holds 100% of the registered fields
    (secrets excepted) of every one of them."""
    response = _export(client_as(demo["parent@demo.test"]), maya_everywhere)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="student-record-')
    data = json.loads(response.content)
    missing = []
    for model, declaration in registry.student_models():
        table = data["tables"][model._meta.label]
        if not table["rows"]:
            missing.append(f"{model._meta.label}: no rows")
            continue
        exported = set(table["rows"][0])
        for name in declaration.fields:
            attname = model._meta.get_field(name).attname
            if name not in declaration.secret_fields and attname not in exported:
                missing.append(f"{model._meta.label}.{name}")
    assert missing == []
    assert len(data["tables"]) == len(registry.student_models())


def test_export_never_holds_secrets(maya_everywhere, demo):
    data = json.loads(_export(client_as(demo["parent@demo.test"]), maya_everywhere).content)
    account_rows = data["tables"]["accounts.User"]["rows"]
    assert account_rows and all("password" not in row for row in account_rows)
    assert demo["student@demo.test"].password not in json.dumps(data)


def test_export_rows_belong_to_the_student_only(maya_everywhere, demo):
    """T1.6: the other children of the demo are in no table of Maya's export."""
    maya = maya_everywhere
    data = json.loads(_export(client_as(demo["parent@demo.test"]), maya).content)
    students = data["tables"]["roster.Student"]["rows"]
    assert [row["id"] for row in students] == [maya.pk]
    for label, table in data["tables"].items():
        if table["rows"] and "student_id" in table["columns"]:
            assert {row["student_id"] for row in table["rows"]} == {maya.pk}, label
    assert "Okafor" not in json.dumps(data)  # a classmate's family name in the demo


def test_each_export_writes_one_disclosure_record_the_parent_sees(student, sped_director, guardian):
    """T2.5: 1 DisclosureRecord per export; the parent's page lists it; the access door logs an export event."""
    maya = student
    before = DisclosureRecord.objects.filter(student_uuid=maya.uuid).count()
    director = client_as(sped_director)
    response = director.post(reverse("privacy:export", args=[maya.uuid]),
                             {"kind": "export_pdf", "recipient": "Dr. Zed, Hill Clinic", "purpose": "Second opinion"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    record = DisclosureRecord.objects.filter(student_uuid=maya.uuid).latest("pk")
    assert DisclosureRecord.objects.filter(student_uuid=maya.uuid).count() == before + 1
    assert (record.recipient, record.purpose, record.requested_by) == ("Dr. Zed, Hill Clinic", "Second opinion", sped_director)
    assert AccessEvent.objects.filter(student=maya, action="export", permission="privacy.export", user=sped_director).count() == 1
    page = client_as(guardian).get(reverse("privacy:disclosures", args=[maya.uuid]))
    assert "Dr. Zed, Hill Clinic" in page.content.decode() and "Second opinion" in page.content.decode()


def test_staff_export_needs_a_recipient_and_a_purpose(student, sped_director):
    response = client_as(sped_director).post(reverse("privacy:export", args=[student.uuid]), {"kind": "export_json"})
    assert response.status_code == 200
    assert "Please say who will receive the record" in response.content.decode()
    assert not DisclosureRecord.objects.filter(student_uuid=student.uuid).exists()


def test_export_carries_the_redisclosure_notice(student, guardian):
    data = json.loads(_export(client_as(guardian), student).content)
    assert "34 CFR 99.33" in data["notice"]


def test_pdf_fetches_nothing_from_outside(student, guardian):
    """T4.5: text holding an image URL and a file URL renders to a PDF; a listener sees 0 connections."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    maya = student
    ProfileSectionFactory(student=maya, text=f'<img src="http://127.0.0.1:{port}/x.png"> <link rel="stylesheet" href="file:///etc/passwd">')
    response = client_as(guardian).post(reverse("privacy:export", args=[maya.uuid]), {"kind": "export_pdf"})
    assert response.content.startswith(b"%PDF")
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()
    html = pdf.record_html(request=None, student=maya, data=export.build_export(maya), disclosure=None)
    assert f'<img src="http://127.0.0.1:{port}' not in html and "&lt;img src=" in html


def test_guardian_without_the_right_to_records_cannot_export(student, guardian):
    """T3.5: may_access_records=False -> 404, and nothing is written but the denied access event."""
    Guardianship.objects.filter(guardian=guardian, student=student).update(may_access_records=False)
    response = _export(client_as(guardian), student)
    assert response.status_code == 404
    assert not DisclosureRecord.objects.filter(student_uuid=student.uuid).exists()
    assert AccessEvent.objects.filter(student=student, user=guardian, outcome="denied").count() == 1


def test_a_removed_result_stays_in_the_familys_export_with_its_original_and_reason(maya_everywhere, demo):
    """T3.2 / issue 16.2: a result removed by the teacher no longer counts, but the family's copy of the record holds
    the row (when, by whom, why) and its history: the original version, then the removal with its reason."""
    data = json.loads(_export(client_as(demo["parent@demo.test"]), maya_everywhere).content)
    removed = [row for row in data["tables"]["competencies.Evidence"]["rows"] if row["voided_at"]]
    assert [row["void_reason"] for row in removed] == ["Recorded for the wrong student"]
    versions = [row for row in data["tables"]["competencies.HistoricalEvidence"]["rows"] if row["id"] == removed[0]["id"]]
    assert [(v["history_type"], v["voided_at"] is None, v["history_change_reason"]) for v in sorted(versions, key=lambda v: v["history_id"])] == [
        ("+", True, ""), ("~", False, "Recorded for the wrong student")]
