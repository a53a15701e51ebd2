"""A Redis cache that fails open (quality.md known trap 3, pitfall 4, T8.3).

Django's RedisCache raises redis.exceptions.ConnectionError when Redis is down, which would turn a
cache outage into a site outage. Waypoint keeps nothing only in the cache (sessions and the lockout
records live in PostgreSQL), so a read that cannot reach Redis is a miss and a write is dropped,
with a warning in the log. Socket timeouts in settings bound how long a hung Redis can hold a page.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_open(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), name)(*args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning("cache %s failed open: %s", name, type(error).__name__)
            return fallback(args, kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", _default)
    set = _fail_open("set", None)
    add = _fail_open("add", False)
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    get_many = _fail_open("get_many", {})
    set_many = _fail_open("set_many", lambda args, kwargs: list(args[0]) if args else [])
    delete_many = _fail_open("delete_many", None)
    has_key = _fail_open("has_key", False)
    incr = _fail_open("incr", None)
    clear = _fail_open("clear", False)
