"""Two web nodes behind a proxy, PgBouncer, a worker and object storage, all on loopback (issue 23 item 4).

Started here: a Redis of the test's own, an S3 API server (moto), PgBouncer in transaction mode in front of the
test's PostgreSQL database, two gunicorn nodes with production settings (DEBUG off, HTTPS behind the proxy,
files in the bucket, DATABASE_POOLER=transaction), one Celery worker, and nginx in front of the nodes. A journey
alternates the nodes: a parent signs in on one and is signed in on the other; a photo a teacher uploads through
one node is read by the parent through the other; a progress report the worker makes is downloaded from both.
Then one node is killed (SIGKILL to its whole process group) in the middle of a parent's reading through the
proxy: no request the parent makes fails.
"""

import os
import secrets
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from io import BytesIO

import boto3
import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from family_portal.models import Highlight
from iep.models import ProgressReport
from roster.models import Student
from tests.family_portal.test_photo_safety import jpeg_bytes
from tests.infra.servers import MotoS3, Nginx, Node, OwnRedis, PgBouncer, binary, wait_for

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.pg,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (ON_POSTGRES and os.environ.get("REDIS_URL")),
                       reason="PostgreSQL + Redis leg only: nodes share a real database through PgBouncer"),
]

BUCKET, READS, KILL_AFTER = "waypoint-nodes", 60, 20


class Person:
    """A browser, as far as the nodes can tell: cookies kept by hand (the production cookies are Secure and
    `__Host-`, which an http client library would not send back over loopback HTTP), the proxy's HTTPS header, and
    the node's own origin on every form, as the page it came from would send."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def _keep(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def request(self, base: str, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-Forwarded-Proto": "https", "Origin": base.replace("http://", "https://"),
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if token := self.cookies.get("__Host-csrftoken"):
            headers["X-CSRFToken"] = token
        response = requests.request(method, base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs)
        self._keep(response)
        return response

    def open(self, base: str, path: str) -> requests.Response:
        """GET, following redirects on the same node, as a browser would."""
        for _ in range(5):
            response = self.request(base, "GET", path)
            if response.status_code not in (301, 302):
                return response
            path = response.headers["Location"].removeprefix("https://127.0.0.1").split(":", 1)[-1]
            path = path[path.index("/"):] if not path.startswith("/") else path
        return response

    def sign_in(self, base: str, email: str) -> None:
        self.request(base, "GET", reverse("accounts:login"))
        response = self.request(base, "POST", reverse("accounts:login"),
                                data={"username": email, "password": settings.WAYPOINT_DEMO_PASSWORD})
        assert response.status_code == 302 and "sign-in" not in response.headers["Location"], response.text[:500]


PEOPLE = ["parent@demo.test", "teacher@demo.test", "casemanager@demo.test"]


@pytest.fixture
def cluster(demo, tmp_path):
    # The test process hashes with MD5 for speed (tests/conftest.py); the nodes know only the production hashers.
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(email__in=PEOPLE).update(
        password=hasher.encode(settings.WAYPOINT_DEMO_PASSWORD, hasher.salt()))
    started = []
    try:
        own_redis, s3 = OwnRedis(), MotoS3()
        own_redis.start(), started.append(own_redis)
        s3.start(), started.append(s3)
        boto3.client("s3", endpoint_url=s3.url, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
        db = connection.settings_dict
        bouncer = PgBouncer(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432), db["USER"] or "postgres")
        bouncer.start(), started.append(bouncer)
        nodes = [Node(name, tmp_path, settings.BASE_DIR) for name in ("node-a", "node-b")]
        proxy = Nginx(tmp_path / "nginx", nodes)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "WAYPOINT_"))}
        env.update(
            DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{bouncer.port}/{db['NAME']}", DATABASE_POOLER="transaction",
            REDIS_URL=own_redis.url, WAYPOINT_S3_BUCKET=BUCKET, WAYPOINT_S3_ENDPOINT_URL=s3.url,
            WAYPOINT_S3_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env,
                       cwd=settings.BASE_DIR, check=True, timeout=300)
        for node in nodes:
            node.start(env)
            started.append(node)
        proxy.start(), started.append(proxy)
        worker_log = open(tmp_path / "worker.log", "w")
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", "celery",
                                   "--without-gossip", "--without-mingle", "--without-heartbeat"],
                                  env=env, cwd=settings.BASE_DIR, stdout=worker_log, stderr=subprocess.STDOUT)
        yield {"nodes": nodes, "proxy": proxy, "worker": worker, "worker_log": tmp_path / "worker.log", "demo": demo}
        worker.terminate()
        worker.wait(timeout=30)
    finally:
        for server in reversed(started):
            server.stop()


def test_two_nodes_share_sessions_files_and_reports_and_a_dead_node_costs_no_request(cluster):
    node_a, node_b = (f"http://127.0.0.1:{n.port}" for n in cluster["nodes"])
    proxy = cluster["proxy"]
    through_proxy = f"http://127.0.0.1:{proxy.port}"
    maya = Student.objects.get(sourced_id="demo-student-00")
    child_page = reverse("family_portal:child", args=[maya.uuid])

    # A session made on one node is valid on the other.
    parent = Person()
    parent.sign_in(node_a, "parent@demo.test")
    assert parent.open(node_b, child_page).status_code == 200

    # A photo uploaded through node B is read through node A.
    teacher = Person()
    teacher.sign_in(node_b, "teacher@demo.test")
    photo = jpeg_bytes()
    response = teacher.request(node_b, "POST", reverse("family_portal:student-highlights", args=[maya.uuid]),
                               data={"text": "Look at this work!", "photo_description": "Worksheet"},
                               files={"photo": ("work.jpg", BytesIO(photo), "image/jpeg")})
    assert response.status_code == 302, response.text[:500]
    highlight = Highlight.objects.filter(student=maya).exclude(photo="").latest("pk")
    read = parent.open(node_a, reverse("family_portal:highlight-photo", args=[maya.uuid, highlight.pk]))
    assert read.status_code == 200 and read.content[:2] == b"\xff\xd8"  # a JPEG, from the bucket

    # A report the worker makes is downloaded from either node.
    case_manager = Person()
    case_manager.sign_in(node_a, "casemanager@demo.test")
    asked = case_manager.request(node_b, "POST", reverse("iep:report-generate", args=[maya.uuid]), data={"kind": "interim"})
    assert asked.status_code == 302
    today = timezone.localdate()
    ready = ProgressReport.objects.filter(student=maya, interim_up_to=today).exclude(pdf="")
    wait_for(ready.exists, "the worker's report (log: " + str(cluster["worker_log"]) + ")", 120)
    report = ready.get()
    for node in (node_a, node_b):
        pdf = case_manager.open(node, reverse("iep:report-pdf", args=[maya.uuid, report.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # One node dies in the middle of a parent's reading through the proxy: no request fails.
    statuses = []
    for n in range(READS):
        if n == KILL_AFTER:
            cluster["nodes"][1].kill()
        statuses.append(parent.open(through_proxy, child_page).status_code)
    time.sleep(0.5)  # nginx writes its log line after the response
    served_by = [line[3] for line in proxy.access_log() if len(line) >= 4]
    per_node = {f"{name} (port {n.port})": sum(addr.endswith(f":{n.port}") for addr in served_by)
                for name, n in zip(("node-a", "node-b"), cluster["nodes"])}
    failed = [s for s in statuses if s != 200]
    print(f"multi-node: {READS} reads through the proxy, node B killed after {KILL_AFTER}: {len(failed)} failed; "
          f"requests per node {per_node}")
    assert failed == []
    assert all(count > 0 for count in per_node.values()), per_node


def test_the_cluster_tools_are_installed():
    """In CI the multi-node test must run, never skip: nginx, PgBouncer and redis-server are there."""
    for name in ("nginx", "pgbouncer", "redis-server"):
        binary(name)
