"""A real Celery worker process for the [pg, real_worker] tests, on its own queue against the test database."""

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def worker_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def running_worker(*pool: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen, object]]:
    """(queue, process, log): a worker on a queue of its own, so no other worker on this Redis takes the task.
    `pool` is the pool's options (for example "--pool=solo"); `env` adds to the environment."""
    assert connection.vendor == "postgresql", "the [pg] leg needs DATABASE_URL=postgres://... alongside REDIS_URL"
    queue = f"test-{uuid.uuid4().hex}"
    environment = {**os.environ, "DATABASE_URL": worker_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
                   **(env or {})}
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", *pool, "--loglevel=info",
        "--queues", queue, "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR)
        try:
            yield queue, process, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def worker_log(log) -> str:
    log.seek(0)
    return log.read()[-4000:]
