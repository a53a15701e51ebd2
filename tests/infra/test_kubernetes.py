"""The Kubernetes manifests (deploy/kubernetes/, issue 23 item 3) are valid against the API's own schemas
(kubernetes-validate, strict: an unknown field fails) and keep the topology's rules: probes on the health
endpoints, exactly one beat, resources on every container, no secret in the files."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

FOLDER = Path(settings.BASE_DIR) / "deploy" / "kubernetes"
VERSION = "1.33.0"


def documents() -> list[dict]:
    return [doc for path in sorted(FOLDER.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]


def by_name(kind: str, name: str) -> dict:
    return next(d for d in documents() if d["kind"] == kind and d["metadata"]["name"] == name)


def containers() -> list[dict]:
    return [c for d in documents() if d["kind"] in {"Deployment", "Job"} for c in d["spec"]["template"]["spec"]["containers"]]


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_manifest_is_valid_against_the_kubernetes_schema(doc):
    kubernetes_validate.validate(doc, VERSION, strict=True)


def test_web_is_probed_on_the_health_endpoints_and_autoscaled():
    web = by_name("Deployment", "waypoint-web")["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert by_name("HorizontalPodAutoscaler", "waypoint-web")["spec"]["scaleTargetRef"]["name"] == "waypoint-web"


def test_exactly_one_beat_never_two_at_once():
    beat = by_name("Deployment", "waypoint-beat")["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    assert not any(d["kind"] == "HorizontalPodAutoscaler" and d["spec"]["scaleTargetRef"]["name"] == "waypoint-beat"
                   for d in documents())


def test_migrations_run_once_as_a_job():
    job = by_name("Job", "waypoint-migrate")["spec"]["template"]["spec"]
    assert job["restartPolicy"] == "Never" and job["containers"][0]["command"][-2:] == ["migrate", "--noinput"]


def test_every_container_has_resources_and_runs_unprivileged():
    for container in containers():
        assert {"requests", "limits"} <= set(container["resources"]), container["name"]
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, container["name"]


def test_no_secret_is_written_in_the_manifests():
    config = by_name("ConfigMap", "waypoint-config")["data"]
    assert not {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY"} & set(config)
    assert not [d for d in documents() if d["kind"] == "Secret"]
    for container in containers():
        assert {"secretRef": {"name": "waypoint-secrets"}} in container["envFrom"], container["name"]
