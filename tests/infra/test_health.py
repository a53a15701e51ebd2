"""Health probes (issue 23): /healthz (the process answers) and /readyz (database, Redis, storage), for load
balancers, Compose and Kubernetes. Unauthenticated, never cached, revealing no error text, and answered for a
probe that calls the node by its own address over plain HTTP."""

import socket

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_without_the_database():
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_and_storage_and_redis_when_configured(settings):
    settings.REDIS_URL = ""
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}


def test_readyz_is_503_and_names_the_failed_check_without_its_error(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "checks": {"database": "ok", "storage": "ok", "redis": "failed"}}
    assert "refused" not in response.content.decode().lower() and "127.0.0.1" not in response.content.decode()


def test_readyz_is_503_when_the_database_fails(monkeypatch, settings):
    settings.REDIS_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "failed"
    assert "10.0.0.5" not in response.content.decode()


def test_a_probe_by_the_nodes_own_address_over_http_is_answered_in_production(settings):
    """ALLOWED_HOSTS and the HTTPS redirect would answer a Kubernetes probe (Host: the pod's IP, plain HTTP)
    with 400 or 301; the probes come first. Every other path still gets both."""
    settings.ALLOWED_HOSTS = ["waypoint.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    client = Client(headers={"host": "10.0.0.7:8000"})
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/sign-in/").status_code == 400


def test_probes_are_only_read():
    assert Client().post("/healthz").status_code != 200
