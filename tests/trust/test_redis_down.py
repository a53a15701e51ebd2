"""T8.3 on both legs: pages keep working with the cache at a closed port. The cache fails open
(config/cache.py); sessions and the lockout records live in the database. The broker half (no eager mode,
a real Redis stopped and started again, a real worker) is tests/trust/test_redis_stopped_pg.py."""

import socket
import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from roster.models import Student

pytestmark = pytest.mark.django_db

HOMES = {
    "teacher@demo.test": ["roster:staff-home"], "director@demo.test": ["roster:staff-home", "iep:queue"],
    "parent@demo.test": ["family_portal:home"], "admin@demo.test": ["roster:district-overview"],
    "casemanager@demo.test": ["roster:staff-home"], "principal@demo.test": ["roster:staff-home"],
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": url,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    yield url


def test_plain_redis_cache_would_take_the_site_down(settings):
    """Why the wrapper exists (quality.md known trap 3): Django's RedisCache raises when Redis is down."""
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    with pytest.raises(RedisConnectionError):
        cache.get("anything")


def test_fail_open_cache_misses_and_drops_quietly(redis_down):
    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None and cache.add("k", 1) is False and cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", 5) == 5


def _timed_get(client, url) -> tuple[int, float]:
    started = time.monotonic()
    status = client.get(url).status_code
    return status, time.monotonic() - started


def test_every_role_home_and_a_student_page_answer_200_with_redis_down(demo, redis_down):
    """T8.3: each role's home and a student page -> 200 with the cache unreachable, each < 1 s slower
    than the same page with a working cache."""
    maya = Student.objects.get(sourced_id="demo-student-00")
    slow = []
    for email, routes in HOMES.items():
        client = Client()
        client.force_login(demo[email])
        urls = [reverse(r) for r in routes]
        if email in {"teacher@demo.test", "director@demo.test", "parent@demo.test"}:
            urls.append(reverse("roster:student-detail", args=[maya.uuid]))
        for url in urls:
            status, seconds = _timed_get(client, url)
            assert status == 200, (email, url, status)
            slow.append((seconds, email, url))
    assert max(slow)[0] < 1.0 + _baseline(demo, maya), max(slow)


def _baseline(demo, maya) -> float:
    """The slowest of the same pages with the local-memory cache (same run, same machine)."""
    from django.test import override_settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        client = Client()
        client.force_login(demo["director@demo.test"])
        times = [_timed_get(client, reverse("roster:student-detail", args=[maya.uuid]))[1] for _ in range(2)]
    return max(times)
