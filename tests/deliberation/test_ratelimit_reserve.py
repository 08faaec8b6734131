"""A group's rate-limit counts in one go (deliberation/ratelimit.py `ratelimit_reserve`): the
same counts as one `ratelimit_hit` after another, given back with `ratelimit_release`, and with
Redis in one round trip for the whole group (a pipeline), not two per person."""

import contextlib

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from deliberation.ratelimit import ratelimit_hit, ratelimit_release, ratelimit_reserve
from tests.servers import redis_server


@contextlib.contextmanager
def redis_default_cache():
    """The default cache on a private redis-server; yields a client of that server."""
    with redis_server() as server, override_settings(CACHES=redis_cache(server.url)):
        yield redis.Redis.from_url(server.url)
        caches["default"].close()


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request):
    """The default cache as the embedded default (local memory) or on Redis."""
    if request.param == "locmem":
        with override_settings(CACHES=LOCMEM):
            caches["default"].clear()
            yield
    else:
        with redis_default_cache():
            yield


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


def commands(client) -> dict[str, int]:
    """How many times the Redis server ran each command so far."""
    return {
        name.removeprefix("cmdstat_"): stats["calls"]
        for name, stats in client.info("commandstats").items()
    }


def test_reserved_counts_follow_on_from_the_hits_before(cache_backend):
    ratelimit_hit(action="vote", ident="7", now=60.0)
    reserved = ratelimit_reserve(action="vote", idents=["7", "8", "7"], now=61.0)
    assert {ident: counts for ident, (_key, counts) in reserved.items()} == {
        "7": [2, 3],
        "8": [1],
    }
    key, _counts = reserved["7"]
    ratelimit_release(key=key, count=1)  # one of anna's was not used
    again = ratelimit_reserve(action="vote", idents=["7"], now=62.0)
    assert again["7"][1] == [3]


def test_with_redis_a_group_is_counted_in_one_pipeline():
    with redis_default_cache() as client:
        ratelimit_reserve(action="vote", idents=["1"], now=60.0)  # the connection is open
        before = commands(client)
        ratelimit_reserve(action="vote", idents=[str(n) for n in range(20)], now=61.0)
        ran = commands(client)
    # One SET NX and one INCRBY per person, sent together; no EXISTS, which `cache.incr`
    # sends before each INCRBY (two round trips per person).
    assert ran.get("exists", 0) == before.get("exists", 0)
    assert ran["incrby"] - before.get("incrby", 0) == 20
    assert ran["set"] - before.get("set", 0) == 20
