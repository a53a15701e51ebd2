"""T8 [pg]: a real Celery worker process, a real Redis broker, the test database.

On the embedded leg (no REDIS_URL) tasks run eagerly and there is no broker to
test, so these tests do not apply. With REDIS_URL set they must run and pass.
"""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection

from audit.models import AccessEvent
from audit.tasks import count_access_events
from config.celery import app
from roster.models import District, School, Student
from tests.infra.workers import running_worker, worker_log

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.pg,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is unset: the embedded leg runs Celery tasks eagerly, there is no broker or worker to test",
    ),
]


def test_broker_and_result_backend_are_reachable():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
    assert redis.Redis.from_url(settings.CELERY_RESULT_BACKEND, socket_connect_timeout=2).ping() is True


def test_database_url_for_worker_points_at_postgresql():
    assert connection.vendor == "postgresql", "the [pg] leg needs DATABASE_URL=postgres://... alongside REDIS_URL"


@pytest.fixture
def worker(transactional_db):
    with running_worker("--pool=solo") as running:
        yield running


def make_student(name: str) -> Student:
    school = School.objects.create(district=District.objects.create(name=f"{name} district"), name=f"{name} school")
    return Student.objects.create(school=school, first_name=name, last_name="Worker", grade_level="5")


def record_views(student: Student, count: int) -> None:
    for _ in range(count):
        AccessEvent.objects.create(
            student=student, action=AccessEvent.Action.VIEW, permission="profiles.view",
            route_name="profiles:detail", method="GET", outcome=AccessEvent.Outcome.ALLOWED,
        )  # fmt: skip


def test_worker_runs_task_against_test_database(worker):
    queue, process, log = worker
    student, other_student = make_student("Ada"), make_student("Grace")
    record_views(student, 3)
    record_views(other_student, 2)

    # Results are off by default (CELERY_TASK_IGNORE_RESULT); a caller that reads one asks for it.
    result = count_access_events.apply_async(kwargs={"student_uuid": str(student.uuid)}, queue=queue, ignore_result=False)
    try:
        counted = result.get(timeout=60)
    except Exception as error:
        pytest.fail(f"worker did not answer ({error!r}); exit code {process.poll()}; worker log:\n{worker_log(log)}")

    assert counted == 3
    assert result.status == "SUCCESS"
    assert process.poll() is None
