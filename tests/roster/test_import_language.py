"""A refused roster import is reported in the language of the person who started it (issue 18).

The problems are stored as text by the background task, which runs outside any request: the task must write them
in the starter's language, not in the worker's (the site default) nor in whatever language the thread last used.
"""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.language import set_language
from accounts.models import User
from roster.importers.service import start_import
from roster.models import ImportRun, StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.roster import StaffAssignmentFactory

pytestmark = pytest.mark.django_db
CATALYST = Path(__file__).resolve().parents[1] / "data" / "samples" / "oneroster" / "v1p1-bulk-catalyst-full"


def start(person: User, data: bytes, django_capture_on_commit_callbacks) -> ImportRun:
    """Start an import as the upload page does; the task (eager here) runs after commit, outside any request."""
    district = person.assignments.get().district
    with django_capture_on_commit_callbacks(execute=True):
        run = start_import(district=district, started_by=person, file_name="roster.zip", data=data, dry_run=False)
    run.refresh_from_db()
    return run


def messages(run: ImportRun) -> list[str]:
    return [problem["message"] for problem in run.problems]


@pytest.fixture
def package(tmp_path) -> bytes:
    """The Catalyst sample files its classes under a department: refused, with errors and warnings."""
    return Path(shutil.make_archive(str(tmp_path / "catalyst"), "zip", CATALYST)).read_bytes()


@pytest.fixture
def english_admin(district_admin):
    user = UserFactory(role=User.Role.DISTRICT_ADMIN, email="english.admin@district.test")
    district = district_admin.assignments.get().district
    StaffAssignmentFactory(user=user, district=district, role=StaffAssignment.Role.DISTRICT_ADMIN)
    return user


def test_a_spanish_reader_reads_the_problems_of_a_refused_roster_in_spanish(
    client, district_admin, english_admin, package, django_capture_on_commit_callbacks,
):
    set_language(user=district_admin, language="es")
    run = start(district_admin, package, django_capture_on_commit_callbacks)
    assert (run.status, run.error_count) == ("refused", 8)
    assert "schoolSourcedId “org-sch-222-456” nombra una organización de tipo department, no una escuela." in messages(run)
    assert "status “inactive” no es un valor de OneRoster; se leyó como tobedeleted." in messages(run)
    client.force_login(district_admin)
    page = client.get(reverse("roster:import-detail", args=[run.pk])).content.decode()
    assert ("classSourcedId “cls-222-123456” nombra la fila de classes.csv en la línea 2, que fue rechazada."
            in page)

    # The Spanish page left Spanish active in this thread: an English reader's import must still be in English.
    run = start(english_admin, package, django_capture_on_commit_callbacks)
    assert "schoolSourcedId “org-sch-222-456” names a department, not a school." in messages(run)
    assert "status “inactive” is not a OneRoster value; read as tobedeleted." in messages(run)
