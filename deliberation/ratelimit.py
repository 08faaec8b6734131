"""Per-user rate limits in fixed one-minute windows, kept in the cache (Redis when configured)."""

import logging
import time
from collections import Counter

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _

from .errors import ActionRefused

logger = logging.getLogger(__name__)

TIMEOUT = 120  # seconds a window's counter is kept: past its minute, with a margin


def limit_for(action: str) -> int:
    """How many `action`s ("comment", "vote", "support", "flag", "socket") one person (one
    socket, for "socket") may make per minute: settings.RATE_LIMITS, the one place with the
    defaults and their RATE_LIMIT_* environment variables. KeyError for an unknown action."""
    return settings.RATE_LIMITS[action]


def _key(action: str, ident: str, now: float | None) -> str:
    return f"rl:{action}:{ident}:{int((now or time.time()) // 60)}"


def ratelimit_hit(*, action: str, ident: str, now: float | None = None) -> None:
    """Count one `action` by `ident`; refuse with `rate_limited` past the per-minute limit."""
    key = _key(action, ident, now)
    # Counted first, made only when missing: two round trips to Redis per count (incr checks
    # that the key exists), where add-then-incr cost three for all but a window's first.
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first, or its key expired
        count = 1 if cache.add(key, 1, timeout=TIMEOUT) else cache.incr(key)
    ratelimit_check(action=action, count=count)


def ratelimit_check(*, action: str, count: int) -> None:
    """Refuse with `rate_limited` when `count` (an `action`'s number in its window, as
    `ratelimit_hit` or `ratelimit_reserve` counted it) is past the per-minute limit."""
    limit = limit_for(action)
    if count > limit:
        raise ActionRefused(
            "rate_limited",
            _(
                "That was a lot at once. Please wait a minute and try again (at most %(limit)s per minute)."
            )
            % {"limit": limit},
        )


def ratelimit_reserve(
    *, action: str, idents: list[str], now: float | None = None
) -> dict[str, tuple[str, list[int]]]:
    """Count `idents.count(i)` `action`s for each ident `i` at once, for a group of writes: with
    Redis in one round trip for all (a pipeline: SET … NX EX, INCRBY per ident), across
    processes as exact as `ratelimit_hit`. Returns {ident: (window key, [the counts in order])};
    a count not used must be given back with `ratelimit_release` (key, how many)."""
    wanted = Counter(idents)
    keys = {ident: _key(action, ident, now) for ident in wanted}
    # The backend itself: `cache` is a proxy, never an instance of a backend's class (so this
    # pipeline was never taken until the check asked the backend; issue 14).
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache) and wanted:
        stored = {ident: backend.make_and_validate_key(key) for ident, key in keys.items()}
        client = backend._cache.get_client(write=True)
        with client.pipeline(transaction=False) as pipe:
            for ident, n in wanted.items():
                pipe.set(stored[ident], 0, ex=TIMEOUT, nx=True)
                pipe.incrby(stored[ident], n)
            totals = pipe.execute()[1::2]
    else:
        totals = []
        for ident, n in wanted.items():
            try:
                totals.append(cache.incr(keys[ident], n))
            except ValueError:
                totals.append(
                    n if cache.add(keys[ident], n, timeout=TIMEOUT) else cache.incr(keys[ident], n)
                )
    return {
        ident: (keys[ident], list(range(total - n + 1, total + 1)))
        for (ident, n), total in zip(wanted.items(), totals, strict=True)
    }


def ratelimit_release(*, key: str, count: int) -> None:
    """Give back `count` reserved (`ratelimit_reserve`) but unused counts of the window `key`."""
    if not count:
        return
    try:
        cache.decr(key, count)
    except ValueError:  # expired meanwhile: nothing to give back
        return
    except Exception:  # the votes are saved; only the window counts high until it ends
        logger.warning("could not give back %d counts of %s", count, key, exc_info=True)
