"""docker-compose.yml and Dockerfile, checked without a Docker engine."""

import re
from pathlib import Path

import dj_database_url
import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SERVICES = {"web", "worker", "beat", "postgres", "redis", "mailpit"}
APP_SERVICES = ["web", "worker", "beat"]
# Settings fall back to development values for these, so production must set them.
PRODUCTION_REQUIRED = {
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "WAYPOINT_BASE_URL",
}

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def env_names_read_by_settings() -> set[str]:
    source = (BASE_DIR / "config" / "settings.py").read_text()
    names = set(re.findall(r'(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z0-9_]+)"', source))
    if "dj_database_url.config(" in source:
        names.add(dj_database_url.DEFAULT_ENV)
    return names


def test_settings_read_every_production_required_variable():
    assert PRODUCTION_REQUIRED - env_names_read_by_settings() == set()


def test_compose_has_every_service(compose):
    assert SERVICES <= set(compose["services"])


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_has_healthcheck(compose, service):
    healthcheck = compose["services"][service]["healthcheck"]
    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
    assert len(healthcheck["test"]) >= 2


def test_web_healthcheck_snippet_is_valid_python(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], "healthcheck", "exec")


@pytest.mark.parametrize("service", ["web", "worker"])
def test_app_service_sets_every_production_variable(compose, service):
    env = compose["services"][service]["environment"]
    missing = {name for name in PRODUCTION_REQUIRED if not str(env.get(name, "")).strip()}
    assert missing == set()
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["EMAIL_HOST"] == "mailpit"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_env_is_read_by_settings(compose, service):
    unknown = set(compose["services"][service]["environment"]) - env_names_read_by_settings()
    assert unknown == set()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_waits_for_healthy_backends(compose, service):
    depends_on = compose["services"][service]["depends_on"]
    for backend in ["postgres", "redis"]:
        assert depends_on[backend] == {"condition": "service_healthy"}
    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}


def test_secret_key_is_required_not_defaulted(compose):
    assert compose["services"]["web"]["environment"]["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")


def test_every_mounted_volume_is_named_and_declared(compose):
    declared = set(compose["volumes"])
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert not source.startswith(("/", ".")), f"bind mount {volume!r}: use a named volume"
            used.add(source)
    assert used == declared
    assert {"postgres", "redis"} <= used


def test_process_commands(compose):
    services = compose["services"]
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


def test_dockerfile_runs_as_non_root_with_collected_static():
    lines = [line.strip() for line in (BASE_DIR / "Dockerfile").read_text().splitlines()]
    assert lines[0] == "FROM python:3.11-slim"
    assert "RUN pip install -r requirements.txt" in lines
    assert any("manage.py collectstatic --noinput" in line for line in lines)
    user_lines = [line for line in lines if line.startswith("USER ")]
    assert user_lines == ["USER waypoint"]
    assert lines.index("USER waypoint") < next(i for i, line in enumerate(lines) if line.startswith("CMD "))
    assert lines[-1].startswith('CMD ["gunicorn", "config.wsgi"')


def test_the_nodes_profile_puts_two_web_nodes_behind_the_proxy_on_pgbouncer_and_the_bucket(compose):
    """Issue 23: `--profile nodes` is the several-node picture; the default `up` is unchanged."""
    services = compose["services"]
    nodes = [name for name in ("node1", "node2") if "nodes" in services[name].get("profiles", [])]
    assert nodes == ["node1", "node2"]
    proxy_conf = (BASE_DIR / compose["configs"]["proxy-nginx"]["file"]).read_text()
    assert "server node1:8000" in proxy_conf and "server node2:8000" in proxy_conf
    assert "proxy_next_upstream error timeout" in proxy_conf
    for name in ("node1", "node2", "node-worker"):
        env = services[name]["environment"]
        assert "@pgbouncer:" in env["DATABASE_URL"] and env["DATABASE_POOLER"] == "transaction", name
        assert env["WAYPOINT_S3_BUCKET"] and "volumes" not in services[name], name  # no file on a node's disk
    for name in ("web", "worker", "beat"):
        assert "profiles" not in services[name]


def test_exactly_one_beat_in_every_topology(compose):
    beats = [name for name, service in compose["services"].items() if "beat" in service.get("command", [])]
    assert beats == ["beat"] and "deploy" not in compose["services"]["beat"]
