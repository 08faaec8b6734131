"""The one funnel for live events: sequence numbers, the event log and broadcast after COMMIT.

Services call `broadcast_on_commit`; nothing else sends to a group. Each event gets the stream's
next sequence number inside the writing transaction (so numbers are gapless and in commit
order) and is stored with the exact JSON text that is sent, which `events_since` replays.
"""

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Event, EventStream

logger = logging.getLogger(__name__)

PUBLIC = "public"
MODERATORS = "moderators"
# Moderators' events of every draft also go here, for the moderation queue.
MODERATION_STREAM = "moderation"

# Keep at least this much history per stream for `resume`; older events are pruned by the
# periodic command `manage.py prune_events` (never inside a writer's transaction).
KEEP_AT_LEAST = timedelta(hours=24)
KEEP_AT_LEAST_COUNT = 10_000
# At most this many events in one `resume` answer; a client that missed more reloads (`resync`).
REPLAY_LIMIT = 500


class HasPk(Protocol):
    pk: Any


def stream_name(draft: HasPk, audience: str = PUBLIC) -> str:
    return f"draft.{draft.pk}" if audience == PUBLIC else f"draft.{draft.pk}.{audience}"


def group_name(stream: str) -> str:
    """The channel-layer group of a stream (group names allow only [a-zA-Z0-9._-])."""
    return f"ev.{stream}"


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def latest_seq(stream: str) -> int:
    return EventStream.objects.filter(name=stream).values_list("seq", flat=True).first() or 0


def latest_seqs(streams: list[str]) -> dict[str, int]:
    """{stream: its latest seq} for `streams` in one query (0 for a stream without events)."""
    found = dict(EventStream.objects.filter(name__in=streams).values_list("name", "seq"))
    return {stream: found.get(stream, 0) for stream in streams}


def _next_seq(stream: str) -> int:
    # An UPDATE takes the row lock, so concurrent writers queue here in commit order. The row
    # exists after a stream's first event, so it is created only when nothing was updated.
    rows = EventStream.objects.filter(name=stream)
    if not rows.update(seq=F("seq") + 1):
        EventStream.objects.get_or_create(name=stream)
        rows.update(seq=F("seq") + 1)
    return rows.values_list("seq", flat=True).get()


def broadcast_on_commit(
    *, draft: HasPk, type: str, data: dict[str, Any], audience: str = PUBLIC
) -> int | None:
    """Log the event with the stream's next seq now; send it to the group once committed.

    Events for the moderators' audience get no seq and are not logged: the moderation queue
    reloads its state over HTTP when it reconnects.
    """
    stream = stream_name(draft, audience)
    if audience != PUBLIC:
        text = encode({"type": type, "draft": getattr(draft, "slug", None), **data})
        for target in (stream, MODERATION_STREAM):
            transaction.on_commit(lambda target=target: send_now(target, text), robust=True)
        return None
    with transaction.atomic():
        seq = _next_seq(stream)
        text = encode({"type": type, "seq": seq, **data})
        Event.objects.create(stream=stream, seq=seq, type=type, text=text)
        transaction.on_commit(lambda: send_now(stream, text), robust=True)
    return seq


def broadcast_many_on_commit(*, draft: HasPk, events: list[tuple[str, dict[str, Any]]]) -> None:
    """`broadcast_on_commit` for many public events at once ([(type, data), ...], in order):
    their seqs taken with one UPDATE, logged with one INSERT, sent in order once committed.
    For writes that change many comments together (a group answer to 500 comments)."""
    if not events:
        return
    stream = stream_name(draft)
    with transaction.atomic():
        rows = EventStream.objects.filter(name=stream)
        if not rows.update(seq=F("seq") + len(events)):
            EventStream.objects.get_or_create(name=stream)
            rows.update(seq=F("seq") + len(events))
        last = rows.values_list("seq", flat=True).get()
        texts = []
        logged = []
        for offset, (kind, data) in enumerate(events):
            seq = last - len(events) + 1 + offset
            text = encode({"type": kind, "seq": seq, **data})
            texts.append(text)
            logged.append(Event(stream=stream, seq=seq, type=kind, text=text))
        Event.objects.bulk_create(logged, batch_size=500)

        def send_all():
            for text in texts:
                send_now(stream, text)

        transaction.on_commit(send_all, robust=True)


def votes_changed_on_commit(
    *, draft: HasPk, paragraph: str, counts: dict[str, int], rev: int
) -> None:
    """Send `votes.changed` {"paragraph", "counts", "rev"} to the draft's readers once committed.

    Not logged and without a seq: each process's hub sends readers at most one such frame per
    paragraph every `hub.COALESCE_WINDOW` seconds (the newest rev), and `hello` and every
    `resume` answer carry all counts with their rev, so nothing needs replaying.
    """
    stream = stream_name(draft)
    text = encode({"type": "votes.changed", "paragraph": paragraph, "counts": counts, "rev": rev})
    transaction.on_commit(lambda: send_now(stream, text, coalesce=paragraph, rev=rev), robust=True)


def send_now(stream: str, text: str, coalesce: str | None = None, rev: int = 0) -> None:
    """Hand already-encoded text to the channel layer. Only for this module and presence.

    `coalesce`: a key (a paragraph's) under which the hubs send only the newest `rev` of a burst.
    """
    layer = get_channel_layer()
    message = {"type": "hub.event", "stream": stream, "text": text}
    if coalesce is not None:
        message.update(coalesce=coalesce, rev=rev)
    try:
        async_to_sync(layer.group_send)(group_name(stream), message)
    except Exception:
        # The data is saved; a client that missed this event gets it by `resume`.
        logger.exception("could not broadcast on %s", stream)


def events_since(stream: str, since: int, limit: int = REPLAY_LIMIT) -> list[str] | None:
    """The texts of events after `since`, in order; None when some are no longer kept, or when
    there are more than `limit` (a client that missed that much reloads instead: `resync`)."""
    # Read the latest seq first: events committed meanwhile are delivered live, not missed here.
    latest = latest_seq(stream)
    if since > latest or latest - since > limit:
        return None
    texts = list(
        Event.objects.filter(stream=stream, seq__gt=since, seq__lte=latest)
        .order_by("seq")
        .values_list("text", flat=True)
    )
    return texts if len(texts) == latest - since else None


def events_rewrite(
    *,
    draft: HasPk,
    types: tuple[str, ...],
    marker: str,
    change: Callable[[dict], None],
    audience: str = PUBLIC,
) -> int:
    """Rewrite the logged events of `draft` for `audience` (default: the public's) whose type is
    one of `types` and whose text contains `marker`: `change` edits each decoded payload in
    place, and the new text replaces the old one, so that `resume` never replays what may no
    longer be shown. Call it inside the writer's transaction. Returns how many events changed."""
    stream = stream_name(draft, audience)
    rows = Event.objects.filter(stream=stream, type__in=types, text__contains=marker)
    changed = 0
    for pk, text in rows.values_list("pk", "text"):
        payload = json.loads(text)
        change(payload)
        new_text = encode(payload)
        if new_text != text:
            changed += Event.objects.filter(pk=pk).update(text=new_text)
    return changed


def events_prune(*, stream: str | None = None, now=None) -> int:
    """Delete events older than a day, keeping the newest 10,000 of every stream (or of `stream`
    only). Returns how many were deleted. Run by `manage.py prune_events`, one stream's delete
    per transaction, so that it never holds a writer's locks for long."""
    now = now or timezone.now()
    streams = EventStream.objects.all()
    if stream is not None:
        streams = streams.filter(name=stream)
    deleted = 0
    for name, seq in streams.values_list("name", "seq"):
        deleted += Event.objects.filter(
            stream=name, created_at__lt=now - KEEP_AT_LEAST, seq__lte=seq - KEEP_AT_LEAST_COUNT
        ).delete()[0]
    return deleted
