"""The cache when Redis backs it: a Redis that does not answer is a cache that knows nothing.

The cache only keeps what can be computed again (the dashboard's snapshots, the lists' figures
and their generations, the health answers), so with Redis stopped or restarting the site
still serves: a read is a miss, a write is dropped, ``add`` says someone else has it (no task
is sent twice), and every failure is logged once per call. Connections give up after
``CACHE_SOCKET_TIMEOUT`` seconds, so an unreachable host costs a request that long, not
minutes. Kept figures still expire by age (``LIST_FIGURES_SECONDS``, ``DASHBOARD_FRESH_SECONDS``),
so a change made while Redis was away shows within that once it is back."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _tolerant(method, answer):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            logger.warning("cache unavailable (%s): %s", method.__name__, error)
            return answer(*args, **kwargs) if callable(answer) else answer

    return call


def _default(key, default=None, version=None):
    return default


class TolerantRedisCache(RedisCache):
    add = _tolerant(RedisCache.add, False)
    get = _tolerant(RedisCache.get, _default)
    set = _tolerant(RedisCache.set, None)
    touch = _tolerant(RedisCache.touch, False)
    delete = _tolerant(RedisCache.delete, False)
    get_many = _tolerant(RedisCache.get_many, lambda keys, version=None: {})
    has_key = _tolerant(RedisCache.has_key, False)
    incr = _tolerant(RedisCache.incr, 0)
    set_many = _tolerant(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    delete_many = _tolerant(RedisCache.delete_many, None)
    clear = _tolerant(RedisCache.clear, False)
