"""T8.3 and T8.2 [pg, real worker]: a Redis of the test's own, really stopped and really started again.

The other Redis tests point the app at a closed port, or keep eager mode for "the broker is back". Here the
app's cache, broker and result backend are a `redis-server` this test starts on a spare loopback port, with
no eager mode. While it runs, the import page shows the progress it reads from the cache (so the cache is
really in use); the test then stops the server (SIGTERM, the process is gone) and:

- T8.3: every persona's home, a student page and the import page (the page that reads the cache) still answer
  200, and the import page says it is waiting instead of failing;
- T8.2: a parent's inputs are saved and answered at once; their notifications wait in the outbox (no email);
  the server is started again on the same port and a real Celery worker, on that broker, runs the beat's sweep:
  every notification is sent once by SMTP to a sink in this test, and a second sweep sends nothing.
"""

import os
import uuid

import pytest
from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from iep.models import IEPInput
from iep.tasks import sweep_outbox
from roster.importers.service import _progress_writer
from roster.models import ImportRun
from tests.infra.servers import OwnRedis
from tests.infra.workers import running_worker, worker_log
from tests.trust.test_broker_down_pg import _forget_connections
from tests.trust.test_redelivery_pg import _wait_for, sink  # noqa: F401 (the SMTP sink fixture)

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (ON_POSTGRES and os.environ.get("REDIS_URL")),
                       reason="PostgreSQL + Redis leg only: a real worker and after-commit hooks on a real COMMIT"),
]

INPUTS = 5


@pytest.fixture
def own_redis(settings):
    server = OwnRedis()
    server.start()
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": server.url,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.result_backend
    conf.task_always_eager, conf.broker_url, conf.result_backend = False, server.url, server.url
    _forget_connections()
    yield server
    conf.task_always_eager, conf.broker_url, conf.result_backend = saved
    _forget_connections()
    if server.process and server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=10)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_answer_with_redis_stopped_and_kept_notifications_go_once_when_it_is_back(
        own_redis, sink, student, teacher, guardian, case_manager, district_admin):  # noqa: F811
    run = ImportRun.objects.create(district=student.school.district, started_by=district_admin,
                                   file_name="roster.zip", status=ImportRun.Status.RUNNING)
    _progress_writer(run.pk)("enrollments", 40)
    import_page = reverse("roster:import-detail", args=[run.pk])
    admin = _signed_in(district_admin)
    assert caches["default"].get(f"oneroster-import:{run.pk}:progress") == {"phase": "enrollments", "done": 40}
    assert "enrollments" in admin.get(import_page).content.decode()  # the page reads the live cache

    own_redis.stop()
    assert not own_redis.is_up()

    # T8.3: the pages, including the one that reads the cache, answer without it.
    pages = [(admin, import_page), (_signed_in(teacher), reverse("roster:staff-home")),
             (_signed_in(teacher), reverse("roster:student-detail", args=[student.uuid])),
             (_signed_in(case_manager), reverse("roster:staff-home")), (_signed_in(guardian), reverse("family_portal:home"))]
    statuses = [(url, client.get(url, follow=True).status_code) for client, url in pages]
    assert {status for _, status in statuses} == {200}, statuses
    assert "Waiting for the import to start." in admin.get(import_page).content.decode()

    # T8.2: nothing a parent sends is held only in the queue.
    parent = _signed_in(guardian)
    for n in range(INPUTS):
        response = parent.post(reverse("family_portal:input-new", args=[student.uuid]),
                               {"kind": "concern", "text": f"Input {n} while Redis is stopped.", "idempotency_key": str(uuid.uuid4())})
        assert response.status_code == 302
    kept = IEPInput.objects.filter(student=student, submitted_by=guardian)
    assert kept.count() == INPUTS and kept.filter(notified_at=None).count() == INPUTS
    assert sink.messages == []

    own_redis.start()  # the broker is back, on the same address
    _forget_connections()
    smtp = {"REDIS_URL": own_redis.url, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.server_address[1])}
    with running_worker("--pool=solo", env=smtp) as (queue, _process, log):
        assert sweep_outbox.apply_async(queue=queue, ignore_result=False).get(timeout=60) == INPUTS
        _wait_for(lambda: len(sink.messages) == INPUTS, 30, "the kept notifications", log)
        assert sweep_outbox.apply_async(queue=queue, ignore_result=False).get(timeout=60) == 0, worker_log(log)
    assert kept.filter(notified_at=None).count() == 0
    assert all(case_manager.email.encode() in message for message in sink.messages)
    print(f"T8.2/T8.3: Redis stopped: {len(statuses)} pages 200; {INPUTS} inputs kept, "
          f"{len(sink.messages)} emails after Redis came back, 0 on the second sweep")
