"""The cache when Redis does not answer (issue 15): misses and dropped writes, quickly, and the
pages still served; with Redis there, an ordinary cache."""

import os
import socket
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from communities.cache_backends import TolerantRedisCache


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again once the probe is


def dead_redis() -> dict:
    return {
        "default": {
            "BACKEND": "communities.cache_backends.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }


def test_a_redis_that_does_not_answer_is_a_cache_that_knows_nothing():
    gone = TolerantRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})
    started = time.monotonic()

    assert gone.get("figures", "computed again") == "computed again"
    assert gone.set("figures", 1) is None
    assert gone.add("lock", 1) is False  # nobody sends the task twice
    assert gone.incr("generation") == 0
    assert gone.get_many(["a", "b"]) == {}
    assert gone.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert gone.has_key("a") is False
    assert gone.delete("a") is False
    assert time.monotonic() - started < 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["communities:home", "disputes:case_list", "inspections:hazard_list"]
)
def test_pages_are_served_with_redis_down(client, city, settings, page):
    settings.CACHES = dead_redis()
    client.force_login(city.bureau)

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert cache.get("anything", "miss") == "miss"


def test_with_redis_there_it_is_an_ordinary_cache():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run with REDIS_URL pointing at a real Redis")
        pytest.skip("no REDIS_URL: runs in CI (.ci/run)")
    live = TolerantRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-tolerant"})
    live.set("k", {"n": 1}, 30)
    try:
        assert live.get("k") == {"n": 1}
        assert live.add("k", 2) is False
        assert live.add("count", 1) is True
        assert live.incr("count") == 2
    finally:
        live.delete_many(["k", "count"])
