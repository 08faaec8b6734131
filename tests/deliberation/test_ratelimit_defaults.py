"""Rate limits have one table of defaults, settings.RATE_LIMITS (deliberation/ratelimit.py kept
a second one that a partial override silently fell back to)."""

import pytest

from deliberation.ratelimit import limit_for


def test_the_limits_are_the_settings(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": 7}
    assert limit_for("vote") == 7
    assert limit_for("comment") == settings.RATE_LIMITS["comment"]


def test_an_action_without_a_limit_is_an_error_not_a_silent_default(settings):
    settings.RATE_LIMITS = {"comment": 10}
    with pytest.raises(KeyError):
        limit_for("vote")
