"""Per-user rate limits in fixed one-minute windows, kept in the cache (Redis when configured)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import ActionRefused


def limit_for(action: str) -> int:
    """How many `action`s ("comment", "vote", "support", "flag", "socket") one person (one
    socket, for "socket") may make per minute: settings.RATE_LIMITS, the one place with the
    defaults and their RATE_LIMIT_* environment variables. KeyError for an unknown action."""
    return settings.RATE_LIMITS[action]


def ratelimit_hit(*, action: str, ident: str, now: float | None = None) -> None:
    """Count one `action` by `ident`; refuse with `rate_limited` past the per-minute limit."""
    limit = limit_for(action)
    window = int((now or time.time()) // 60)
    key = f"rl:{action}:{ident}:{window}"
    # Counted first, made only when missing: two round trips to Redis per count (incr checks
    # that the key exists), where add-then-incr cost three for all but a window's first.
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first, or its key expired
        count = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
    if count > limit:
        raise ActionRefused(
            "rate_limited",
            _(
                "That was a lot at once. Please wait a minute and try again (at most %(limit)s per minute)."
            )
            % {"limit": limit},
        )
