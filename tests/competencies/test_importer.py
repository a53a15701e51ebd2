"""CASE import on every real sample in tests/data/samples/case/ (standards.md section 1; origins in SOURCES.md)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from competencies import services
from competencies.importers.case import CaseImportError
from competencies.models import Competency, Framework, Prerequisite

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "case"
PACKAGES = sorted(p.name for p in SAMPLES.glob("*.json"))
GRADE6 = SAMPLES / "opensalt-sample-ccss-grade6-ratios-precedes.json"


def _ids(package: dict, kind: str) -> set:
    return {(a["originNodeURI"]["identifier"].lower(), a["destinationNodeURI"]["identifier"].lower())
            for a in package["CFAssociations"] if a["associationType"] == kind}


def _snapshot(framework: Framework) -> list:
    return list(Competency.objects.filter(framework=framework).order_by("identifier").values())


def test_all_four_samples_are_found():
    assert len(PACKAGES) == 4


@pytest.mark.parametrize("name", PACKAGES)
def test_sample_imports_with_tree_and_prerequisites_matching_the_associations(name):
    raw = (SAMPLES / name).read_bytes()
    package = json.loads(raw)
    framework, summary = services.import_case(raw=raw)

    items = Competency.objects.filter(framework=framework)
    assert items.count() == len(package["CFItems"]) == summary["created"]
    by_pk = {c.pk: c.identifier.lower() for c in items}
    document_id = package["CFDocument"]["identifier"].lower()
    expected_tree = {(child, parent) for child, parent in _ids(package, "isChildOf") if parent != document_id}
    assert {(by_pk[c.pk], by_pk[c.parent_id]) for c in items if c.parent_id} == expected_tree
    links = Prerequisite.objects.filter(competency__framework=framework)
    in_package = set(by_pk.values())
    expected_pre = {(a, b) for a, b in _ids(package, "precedes") if a in in_package and b in in_package}
    assert {(by_pk[p.prerequisite_id], by_pk[p.competency_id]) for p in links} == expected_pre


@pytest.mark.parametrize("name", PACKAGES)
def test_second_import_changes_nothing(name):
    raw = (SAMPLES / name).read_bytes()
    framework, _ = services.import_case(raw=raw)
    before = (_snapshot(framework), list(Prerequisite.objects.values()), list(Framework.objects.values()))
    _, summary = services.import_case(raw=raw)
    after = (_snapshot(framework), list(Prerequisite.objects.values()), list(Framework.objects.values()))
    assert (summary["created"], summary["updated"], summary["retired"], summary["unchanged"]) == (0, 0, 0, summary["items"])
    assert after == before


def test_grade6_sample_keeps_order_codes_and_the_two_inner_prerequisites():
    framework, summary = services.import_case(raw=GRADE6.read_bytes())
    roots = list(Competency.objects.filter(framework=framework, parent=None).order_by("position").values_list("code", flat=True))
    assert roots == ["CCSS.Math.Content.6.RP.A", "CCSS.Math.Content.7.RP.A"]  # sequenceNumber 1, 2
    pairs = sorted(Prerequisite.objects.values_list("prerequisite__code", "competency__code"))
    assert pairs == [("CCSS.Math.Content.6.RP.A.1", "CCSS.Math.Content.6.RP.A.2"),
                     ("CCSS.Math.Content.6.RP.A.3", "CCSS.Math.Content.7.RP.A.3")]
    # the third precedes points outside the package: kept out, reported
    assert any("outside this package" in w for w in summary["warnings"])
    assert framework.last_changed_at.isoformat() == "2017-05-25T18:05:33+00:00"  # no timezone in the file: UTC


def test_reimport_updates_in_place_and_retires_vanished_items():
    package = json.loads(GRADE6.read_bytes())
    framework, _ = services.import_case(raw=json.dumps(package))
    gone = package["CFItems"].pop()
    package["CFItems"][0]["fullStatement"] = "Reworded statement"
    _, summary = services.import_case(raw=json.dumps(package))
    assert (summary["created"], summary["updated"], summary["retired"]) == (0, 1, 1)
    assert Competency.objects.filter(framework=framework).count() == 16
    assert Competency.objects.get(identifier=gone["identifier"]).is_retired is True
    assert Competency.objects.get(identifier=package["CFItems"][0]["identifier"]).statement == "Reworded statement"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda p: "{not json", "not valid JSON"),
        (lambda p: json.dumps({"CFItems": []}), "no CFDocument"),
        (lambda p: json.dumps({**p, "CFItems": [*p["CFItems"], {"fullStatement": "x"}]}), "has no identifier"),
        (lambda p: json.dumps({**p, "CFItems": [*p["CFItems"], p["CFItems"][0]]}), "used by two items"),
        (lambda p: json.dumps({**p, "CFAssociations": [*p["CFAssociations"], {
            "associationType": "precedes", "originNodeURI": {"identifier": p["CFItems"][4]["identifier"]},
            # 6.RP.A.1 precedes 6.RP.A.2 already: the reverse closes a loop
            "destinationNodeURI": {"identifier": p["CFItems"][2]["identifier"]}}]}), "prerequisites form a loop"),
    ],
)
def test_malformed_package_is_refused_with_the_reason_and_writes_nothing(mutate, reason):
    raw = mutate(json.loads(GRADE6.read_bytes()))
    with pytest.raises(CaseImportError, match=reason):
        services.import_case(raw=raw)
    assert (Framework.objects.count(), Competency.objects.count(), Prerequisite.objects.count()) == (0, 0, 0)


def test_command_imports_and_refuses(tmp_path):
    out = io.StringIO()
    call_command("import_case", str(GRADE6), stdout=out, stderr=io.StringIO())
    assert '"created": 16' in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(CommandError, match="no CFDocument"):
        call_command("import_case", str(bad), stdout=io.StringIO())


def test_admin_upload_runs_the_task_and_shows_progress(client, django_capture_on_commit_callbacks):
    """The district admin uploads a file; the Celery task (eager here) imports it; the page shows the result."""
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from competencies.models import ImportJob
    from tests.factories.accounts import UserFactory

    admin = UserFactory(role="district_admin", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="competencies"))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:competencies_framework_import"),
                               {"file": SimpleUploadedFile("g6.json", GRADE6.read_bytes())})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:competencies_framework_import_progress", args=[job.pk])
    assert (job.status, job.item_total, job.payload) == (ImportJob.Status.DONE, 16, "")
    page = client.get(response["Location"]).content.decode()
    assert "Imported 16 items: 16 new, 0 changed, 0 unchanged." in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:competencies_framework_import"), {"file": SimpleUploadedFile("bad.json", b"{oops")})
    failed = ImportJob.objects.order_by("-pk").first()
    assert failed.status == ImportJob.Status.FAILED and "not valid JSON" in failed.message
    assert Competency.objects.count() == 16
