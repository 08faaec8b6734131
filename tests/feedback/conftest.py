"""Shared fixtures of the feedback tests."""

import pytest


@pytest.fixture(autouse=True)
def _no_rate_limits(no_rate_limits):
    """The working group's pages are tested with many comments written quickly: no limits."""
