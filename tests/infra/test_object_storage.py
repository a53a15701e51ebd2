"""Stored files in an S3-compatible bucket (issue 23 item 1), against a real S3 API server started here on
loopback (moto in server mode): a photo a teacher uploads lands in the bucket, not on the disk, and the
family reads it only through the access door; a report PDF made by the job is downloaded from the bucket;
purging the student deletes the objects; /readyz checks the bucket. The settings are the production ones
(config.settings.s3_storage), so a node configured with WAYPOINT_S3_BUCKET behaves as tested here."""

from datetime import timedelta

import boto3
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.settings import s3_storage
from family_portal.models import Highlight, NotificationPreference
from iep import monitoring, services
from privacy.purge import purge_student
from tests.infra.servers import MotoS3
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.family_portal import NotificationPreferenceFactory
from tests.family_portal.test_photo_safety import jpeg_bytes, post_photo

pytestmark = pytest.mark.django_db
BUCKET = "waypoint-test"


@pytest.fixture(scope="module")
def s3_server():
    server = MotoS3()
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, tmp_path):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "WAYPOINT_S3_ENDPOINT_URL": s3_server, "WAYPOINT_S3_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(BUCKET)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_files_live_in_the_bucket_pass_the_door_and_go_with_a_purge(bucket, settings, student, teacher, guardian,
                                                                     case_manager, sped_director,
                                                                     django_capture_on_commit_callbacks):
    assert default_storage.bucket_name == BUCKET  # the settings' storage, not the disk
    NotificationPreferenceFactory(user=guardian, frequency=NotificationPreference.Frequency.WEEKLY)
    client = Client()
    assert post_photo(client, teacher, student, jpeg_bytes()).status_code == 302
    highlight = Highlight.objects.get(student=student)
    assert keys(bucket) == [highlight.photo.name]
    assert not (settings.MEDIA_ROOT).exists()
    stored = bucket.get_object(Bucket=BUCKET, Key=highlight.photo.name)
    assert stored["ServerSideEncryption"] == "AES256"

    client.force_login(guardian)
    response = client.get(reverse("family_portal:highlight-photo", args=[student.uuid, highlight.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored["Body"].read()
    assert BUCKET not in response.headers.get("Location", "")  # streamed, never sent to the bucket

    stranger = Client()
    stranger.force_login(sped_director)  # another persona: sees no highlight of this family
    photo_url = reverse("family_portal:highlight-photo", args=[student.uuid, highlight.pk])
    assert stranger.get(photo_url).status_code in (403, 404)

    goal = GoalFactory(plan=IEPPlanFactory(student=student, case_manager=case_manager),
                       baseline_date=timezone.localdate() - timedelta(days=200))
    period = monitoring.previous_quarter(timezone.localdate())
    first, _last = monitoring.quarter_bounds(period)
    ProgressPointFactory(goal=goal, measured_on=max(first, goal.baseline_date + timedelta(days=1)), recorded_by=case_manager)
    report = services.create_progress_report(student_id=student.pk, period=period)
    assert report.pdf.name in keys(bucket)
    client.force_login(case_manager)
    download = client.get(reverse("iep:report-pdf", args=[student.uuid, report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the purge commits
        certificate = purge_student(student=student, run_by=None, reason="Left the district; retention passed")
    assert certificate.deleted["stored files (report PDFs, photos, attachments)"] == 2
    assert keys(bucket) == []


def test_readyz_checks_the_bucket(bucket, settings):
    settings.REDIS_URL = ""
    assert Client().get("/readyz").json()["checks"]["storage"] == "ok"
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage("no-such-bucket")}
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "failed"
