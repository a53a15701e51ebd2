"""A refused CASE import is reported in the language of the person who uploaded the file (issue 18).

The job's message is stored as text by the background task, which runs outside any request: it must be written in
the uploader's language, not in the worker's (the site default) nor in whatever language the thread last used.
"""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.language import set_language
from accounts.models import User
from competencies import services
from competencies.models import Framework, ImportJob
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
GRADE6 = Path(__file__).resolve().parents[1] / "data" / "samples" / "case" / "opensalt-sample-ccss-grade6-ratios-precedes.json"


def bad_package() -> str:
    """The grade 6 sample with a 17th item that has no identifier."""
    package = json.loads(GRADE6.read_bytes())
    package["CFItems"].append({"fullStatement": "An item without identifier"})
    return json.dumps(package)


def upload(person: User, django_capture_on_commit_callbacks) -> ImportJob:
    """Start an import as the admin page does; the task (eager here) runs after commit, outside any request."""
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_case_import(source_name="bad.json", payload=bad_package(), created_by=person)
    job.refresh_from_db()
    return job


def curriculum_admin(email: str, language: str) -> User:
    user = UserFactory(role=User.Role.DISTRICT_ADMIN, email=email, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="competencies"))
    set_language(user=user, language=language)
    return user


def test_a_spanish_reader_reads_why_a_case_file_was_refused_in_spanish(client, django_capture_on_commit_callbacks):
    spanish = curriculum_admin("admin.es@district.test", "es")
    job = upload(spanish, django_capture_on_commit_callbacks)
    assert (job.status, job.message) == (ImportJob.Status.FAILED, "El elemento número 17 no tiene identificador.")
    client.force_login(spanish)
    page = client.get(reverse("admin:competencies_framework_import_progress", args=[job.pk])).content.decode()
    assert "El elemento número 17 no tiene identificador." in page

    # The Spanish page left Spanish active in this thread: an English reader's import must still be in English.
    job = upload(curriculum_admin("admin.en@district.test", "en"), django_capture_on_commit_callbacks)
    assert (job.status, job.message) == (ImportJob.Status.FAILED, "Item number 17 has no identifier.")
    assert Framework.objects.count() == 0
