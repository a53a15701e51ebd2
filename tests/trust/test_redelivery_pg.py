"""T8.4 [pg, real worker]: SIGKILL the pool child in the middle of a notification task.

A real Celery worker (prefork, one child, its own queue) takes tasks from Redis and writes to the test database;
emails go over SMTP to a sink in this test. With acks_late + reject_on_worker_lost (config/settings.py) the
parent process sees its child die, rejects the message with requeue, and a new child runs the task again at
once: Redis's visibility_timeout (1 h) only matters when the whole worker dies, which this test does not do.

The kill lands while the child holds the outbox claim and talks to the mail server: the sink accepts the
connection and holds back its greeting until the test has killed the child, so no message has been sent yet.
The second run must then send the email, exactly once (iep/services.py `_send`). This test found that the
earlier claim-then-send committed the claim before sending, so the second run saw the row claimed and sent
nothing: the notification was lost for good (the sweep only resends unclaimed rows). Fixed in `_send`.
"""

import os
import signal
import socketserver
import threading
import time

import psutil
import pytest

from iep.models import IEPInput
from iep.tasks import notify_new_input
from tests.factories.iep import IEPInputFactory
from tests.infra.workers import running_worker, worker_log

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.pg,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is unset: the embedded leg runs Celery tasks eagerly, there is no broker or worker to test",
    ),
]

TRIALS = 10


class Sink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server. When `hold` is set, it accepts the next connection, tells the test, and keeps
    its greeting back until `release` is set (the client is then dead)."""

    daemon_threads = allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages: list[bytes] = []
        self.hold, self.held, self.release = threading.Event(), threading.Event(), threading.Event()
        self.lock = threading.Lock()


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        sink: Sink = self.server
        if sink.hold.is_set():
            sink.hold.clear()
            sink.held.set()
            sink.release.wait(30)
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = b""
                while (chunk := self.rfile.readline()) and chunk != b".\r\n":
                    body += chunk
                with sink.lock:
                    sink.messages.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif verb in {b"EHLO", b"HELO"}:
                self.wfile.write(b"250 sink\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def sink():
    server = Sink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def prefork_worker(transactional_db, sink):
    """Like tests/infra's worker, with a prefork pool of one child (solo has no child to kill) and SMTP to the sink."""
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.server_address[1])}
    with running_worker("--pool=prefork", "--concurrency=1", env=smtp) as running:
        yield running


def _children(pid: int) -> list[int]:
    return [child.pid for child in psutil.Process(pid).children()]


def _wait_for(condition, seconds: float, what: str, log) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{worker_log(log)}")
        time.sleep(0.05)


def test_a_killed_pool_child_runs_the_task_again_and_the_email_goes_once(prefork_worker, sink, student, guardian, case_manager):
    """T8.4: 10 trials. Each: an input waiting for its notification; the task starts, claims the outbox row and
    connects to the mail server; the pool child is SIGKILLed there; the worker requeues the task, a new child
    runs it, and the case manager gets the email. Figures: 10/10 tasks run again, 10 emails, 0 lost, 0
    duplicates; every outbox row marked sent."""
    queue, process, log = prefork_worker
    _wait_for(lambda: len(_children(process.pid)) == 1, 60, "the worker's pool child", log)
    killed = []
    for trial in range(TRIALS):
        item = IEPInputFactory(student=student, submitted_by=guardian, notified_at=None, text=f"Trial {trial}")
        sink.hold.set()
        notify_new_input.apply_async(kwargs={"input_id": item.pk}, queue=queue)
        _wait_for(sink.held.is_set, 60, f"trial {trial}: the task to reach the mail server", log)
        child = _children(process.pid)[0]
        os.kill(child, signal.SIGKILL)
        killed.append(child)
        sink.held.clear()
        sink.release.set()  # the dead child's connection is answered, into the void
        _wait_for(lambda: len(sink.messages) == trial + 1, 60, f"trial {trial}: the email after redelivery", log)
        sink.release.clear()
        _wait_for(lambda: IEPInput.objects.filter(pk=item.pk, notified_at__isnull=False).exists(), 30,
                  f"trial {trial}: the outbox row marked sent", log)
        _wait_for(lambda: len(_children(process.pid)) == 1 and _children(process.pid)[0] not in killed, 30,
                  "a new pool child", log)
    time.sleep(2)  # room for a duplicate to show up
    print(f"T8.4: {TRIALS} children killed mid-task, {len(sink.messages)} emails, "
          f"{IEPInput.objects.filter(notified_at__isnull=False).count()} rows marked sent")
    assert len(sink.messages) == TRIALS
    assert all(case_manager.email.encode() in m for m in sink.messages)
    assert IEPInput.objects.filter(notified_at=None).count() == 0
    assert process.poll() is None and len(set(killed)) == TRIALS  # ten different children died, the worker lives
