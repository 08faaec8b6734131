"""Shared fixtures of the offline tests: entering contributions through the public service."""

import pytest

from comments.offline.services import offline_contributions_create_bulk
from tests.offline.helpers import WORKSHOP_DAY


@pytest.fixture
def contribute(wg):
    """`contribute(paragraph=…, body=…, **shared)`: one contribution entered through the service
    the entry page uses (offline_contributions_create_bulk, one row), by the working group unless
    `user` is given; returns the stored comment. Defaults: a workshop on WORKSHOP_DAY, no place,
    no session, no pseudonym."""

    def enter(*, paragraph, body, pseudonym="", user=None, **shared):
        values = {
            "channel": "workshop",
            "contributed_on": WORKSHOP_DAY,
            "place": "",
            "session": None,
            **shared,
        }
        [comment] = offline_contributions_create_bulk(
            user=user or wg,
            draft=paragraph.draft,
            rows=[(str(paragraph.key), body, pseudonym)],
            **values,
        )
        return comment

    return enter
