"""Django's Redis cache, made to survive Redis going away (docs/adr/0015-redis-down.md).

The cache holds the login throttle (allauth's rate limits), the public pages' throttles
(plumbing.throttle) and a few memos. With Django's own Redis cache, a Redis that does not answer
turns every login into a 500. This backend answers from a cache in the process's own memory
instead, for as long as Redis stays away (it asks Redis again every few seconds):

- throttles keep counting, per process rather than across nodes: guessing is slowed as before,
  at worst by the number of processes times the limit, and nobody is locked out;
- memos are made again where they are missing.

Every fall-back is logged once per outage, with no key or value in the message.
"""

import logging
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
RETRY_SECONDS = 5


def _falls_back(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._redis_away_until:
            try:
                result = getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
            except FAILURES as error:
                if not self._redis_away_until:
                    logger.warning(
                        "Redis cache unreachable (%s): using process memory", type(error).__name__
                    )
                self._redis_away_until = time.monotonic() + RETRY_SECONDS
            else:
                if self._redis_away_until:
                    logger.warning("Redis cache reachable again")
                    self._redis_away_until = 0.0
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"redis-fallback-{id(self)}", params)
        self._redis_away_until = 0.0

    for _name in (
        "add",
        "get",
        "set",
        "touch",
        "delete",
        "get_many",
        "has_key",
        "incr",
        "set_many",
        "delete_many",
        "clear",
    ):
        locals()[_name] = _falls_back(_name)
    del _name
