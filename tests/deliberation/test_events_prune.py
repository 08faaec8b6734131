"""The event log is pruned by a periodic command, never inside a writer's transaction."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from deliberation import events
from deliberation.models import Event, EventStream

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_log(draft, monkeypatch):
    """A stream of 1,000 events, the first 998 two days old; keep the newest 2."""
    monkeypatch.setattr(events, "KEEP_AT_LEAST_COUNT", 2)
    stream = events.stream_name(draft)
    Event.objects.filter(stream=stream).delete()
    EventStream.objects.update_or_create(name=stream, defaults={"seq": 999})
    Event.objects.bulk_create(
        Event(stream=stream, seq=seq, type="test", text="{}") for seq in range(1, 1000)
    )
    Event.objects.filter(stream=stream).update(created_at=timezone.now() - timedelta(days=2))
    return stream


def test_a_write_never_prunes_the_log(draft, old_log):
    events.broadcast_on_commit(draft=draft, type="test", data={})  # seq 1,000
    assert Event.objects.filter(stream=old_log).count() == 1000


def test_the_command_prunes_what_is_old_and_not_among_the_newest(draft, old_log, capsys, shell):
    shell("en")
    events.broadcast_on_commit(draft=draft, type="test", data={})
    call_command("prune_events")
    assert list(
        Event.objects.filter(stream=old_log).order_by("seq").values_list("seq", flat=True)
    ) == [999, 1000]
    assert capsys.readouterr().out.startswith("998 events deleted")
