"""The timeline's one-current-step rule holds when two staff members save at once (PostgreSQL)."""

import pytest
from django.utils import timezone

from deliberation.process import services
from deliberation.process.models import MilestoneState
from tests.process.helpers import make_process
from tests.races import at_once, postgresql_only


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_current_steps_saved_at_once_leave_one_current(attempt):
    process = make_process()
    outcomes = at_once(
        *(
            lambda title=title, position=position: services.milestone_create(
                process=process,
                title=title,
                starts_on=timezone.localdate(),
                state=MilestoneState.CURRENT,
                position=position,
            )
            for position, title in enumerate(["Auftakt", "Online-Phase"])
        )
    )
    assert outcomes == ["ok", "ok"]
    assert process.milestones.filter(state=MilestoneState.CURRENT).count() == 1
