"""The district administrator's import pages: upload, progress, report, dry run then import (issue #8)."""

import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from roster.importers.service import run_import
from roster.models import ImportRun, School, Student

from .roster_files import RosterFiles

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "oneroster"


def zipped(folder: Path, tmp_path: Path) -> bytes:
    return Path(shutil.make_archive(str(tmp_path / folder.name), "zip", folder)).read_bytes()


@pytest.fixture
def admin(demo):
    return demo["admin@demo.test"]


def upload(client, data: bytes, dry_run: bool, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("roster:import-list"), {"package": SimpleUploadedFile("roster.zip", data), **({"dry_run": "on"} if dry_run else {})})


def test_dry_run_then_import_from_the_page(client, admin, tmp_path, django_capture_on_commit_callbacks):
    """Check only changes nothing; "Import this file now" imports the same file (eager Celery, after commit: T8.1)."""
    client.force_login(admin)
    files = RosterFiles(students=4, staff=1, guardians=2, enrollments=4, district_id="demo-district")
    data = zipped(files.write(tmp_path / "pkg"), tmp_path)
    response = upload(client, data, True, django_capture_on_commit_callbacks)
    check = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("roster:import-detail", args=[check.pk])
    assert (check.status, check.dry_run, check.counts["students"]["created"]) == ("succeeded", True, 4)
    assert Student.objects.filter(sourced_id__startswith="stu-").count() == 0
    page = client.get(response.url)
    rows = sum(len(rows) for name, rows in files.rows.items() if name in {"orgs", "academicSessions", "classes", "users", "enrollments"})
    assert check.rows_total == rows
    assert f"Every row can be imported ({rows} rows checked). Nothing has changed yet." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster:import-apply", args=[check.pk]))
    real = ImportRun.objects.exclude(pk=check.pk).get()
    assert (real.status, real.dry_run, bytes(real.package)) == ("succeeded", False, b"")
    assert Student.objects.filter(sourced_id__startswith="stu-", school__district=admin.assignments.get().district).count() == 4
    assert "Invite families and staff" in client.get(response.url).content.decode()


def test_refused_file_shows_each_bad_row(client, admin, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(admin)
    schools = School.objects.count()
    response = upload(client, zipped(SAMPLES / "v1p1-bulk-catalyst-full", tmp_path), False, django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert (run.status, run.error_count) == ("refused", 8)
    html = client.get(response.url).content.decode()
    assert "The file was refused because of 8 problems that must be fixed in the export. Nothing was changed." in html
    assert "schoolSourcedId “org-sch-222-456” names a department, not a school." in html
    assert School.objects.count() == schools


def test_a_file_that_is_not_a_zip_is_refused_by_content(client, admin):
    """quality.md T4.6: the type is judged by content, not by the name."""
    client.force_login(admin)
    response = client.post(reverse("roster:import-list"), {"package": SimpleUploadedFile("roster.zip", b"<html>hi</html>")})
    assert response.status_code == 200
    assert "This is not a zip file." in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_progress_fragment_polls_until_finished(client, admin, demo):
    cache.clear()
    client.force_login(admin)
    run = ImportRun.objects.create(district=admin.assignments.get().district, file_name="x.zip", package=b"PK")
    fragment = client.get(reverse("roster:import-detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment
    assert "Waiting for the import to start." in fragment


def test_a_claimed_run_is_never_imported_twice(admin, tmp_path):
    """quality.md T8.5: running the task again for the same run changes nothing."""
    data = zipped(RosterFiles(students=2, staff=1, enrollments=2, district_id="demo-district").write(tmp_path / "p"), tmp_path)
    run = ImportRun.objects.create(district=admin.assignments.get().district, file_name="p.zip", package=data)
    run_import(run_id=run.pk)
    finished = ImportRun.objects.get(pk=run.pk)
    run_import(run_id=run.pk)
    assert ImportRun.objects.get(pk=run.pk).finished_at == finished.finished_at
    assert Student.objects.filter(sourced_id__startswith="stu-").count() == 2


def test_runs_of_another_district_are_not_found(client, admin, other_district_director):
    other = other_district_director.assignments.get().district
    run = ImportRun.objects.create(district=other, file_name="theirs.zip")
    client.force_login(admin)
    assert client.get(reverse("roster:import-detail", args=[run.pk])).status_code == 404


@pytest.mark.parametrize("item_count", [1, 3])
def test_import_list_query_count(client, admin, item_count, django_assert_num_queries):
    """P1 / T10: the same number of queries with 1 and 3 runs."""
    district = admin.assignments.get().district
    for n in range(item_count):
        ImportRun.objects.create(district=district, started_by=admin, file_name=f"f{n}.zip")
    client.force_login(admin)
    with django_assert_num_queries(5):  # + the person's standing, from relationships (issue 19.2)
        response = client.get(reverse("roster:import-list"))
    assert len(response.context["runs"]) == item_count


def test_the_page_names_the_records_and_the_phase_in_the_readers_language(client, admin):
    """A run stores its counts and progress under fixed keys; the page says them in the reader's words."""
    from accounts.language import set_language
    from roster.importers.service import progress_key

    district = admin.assignments.get().district
    done = ImportRun.objects.create(district=district, file_name="done.zip", status="succeeded",
                                    finished_at=timezone.now(), counts={
                                        "students": {"created": 4, "updated": 0, "unchanged": 0, "gone": 0},
                                        "guardian links": {"created": 2, "updated": 0, "unchanged": 0, "gone": 0}})
    running = ImportRun.objects.create(district=district, file_name="running.zip", package=b"PK")
    cache.set(progress_key(running.pk), {"phase": "organisations", "done": 0})
    client.force_login(admin)
    english = client.get(reverse("roster:import-detail", args=[done.pk])).content.decode()
    assert '<th scope="row">Students</th>' in english and '<th scope="row">Guardian links</th>' in english
    assert "Now working on: organisations." in client.get(reverse("roster:import-detail", args=[running.pk])).content.decode()
    set_language(user=admin, language="es")
    spanish = client.get(reverse("roster:import-detail", args=[done.pk])).content.decode()
    assert '<th scope="row">Estudiantes</th>' in spanish and '<th scope="row">Vínculos con familias</th>' in spanish
    progress = client.get(reverse("roster:import-detail", args=[running.pk])).content.decode()
    assert "Trabajando ahora en: organizaciones." in progress
