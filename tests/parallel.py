"""The suite runs on two processes (pytest-xdist, `-n 2` in pyproject.toml); this keeps them out of each other's way.

pytest-django already gives each process its own test database (test_<name>_gw0, _gw1). Redis is shared, so each
process gets its own Redis database: a real Celery worker started by one process's test must never take a task
sent by the other's (it would look for the student in the wrong database), and one process's `cache.clear()` must
not empty the other's rate-limit counters. Loaded by `-p tests.parallel` before Django reads its settings; xdist
names the process in PYTEST_XDIST_WORKER before that, and subprocesses (workers, gunicorn) inherit the URL.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def redis_url_for_worker(url: str, worker: str) -> str:
    """redis://host:port/N for process gwK becomes redis://host:port/(N+K)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = redis_url_for_worker(os.environ["REDIS_URL"], _worker)
