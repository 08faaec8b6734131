"""The admin does not write timeline steps behind the process service's back."""

import pytest
from django.utils import timezone

from deliberation.process import services
from deliberation.process.models import MilestoneState
from tests.process.helpers import make_process

pytestmark = pytest.mark.django_db


def test_timeline_steps_are_read_only_in_the_admin(client, make_user):
    process = make_process()
    step = services.milestone_create(
        process=process, title="Auftakt", starts_on=timezone.localdate(), state="current"
    )
    client.force_login(make_user("chefin", is_superuser=True, is_staff=True))
    today = timezone.localdate().isoformat()
    added = client.post(
        "/admin/process/milestone/add/",
        {"process": process.pk, "title": "Zweiter", "starts_on": today, "state": "current"},
    )
    changed = client.post(
        f"/admin/process/milestone/{step.pk}/change/",
        {"process": process.pk, "title": "Anders", "starts_on": today, "state": "done"},
    )
    assert added.status_code == changed.status_code == 403
    page = client.get(f"/admin/process/process/{process.pk}/change/").content.decode()
    assert "Auftakt" in page and 'name="milestones-0-state"' not in page
    assert list(process.milestones.values_list("title", "state")) == [
        ("Auftakt", MilestoneState.CURRENT)
    ]
