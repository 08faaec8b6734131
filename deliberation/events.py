"""The one funnel for live events: sequence numbers, the event log and broadcast after COMMIT.

Services call `broadcast_on_commit`; nothing else sends to a group. Each event gets the stream's
next sequence number inside the writing transaction (so numbers are gapless and in commit
order) and is stored with the exact JSON text that is sent, which `events_since` replays.
"""

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
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


def draft_id_of(stream: str) -> int | None:
    """The draft id of a draft's public stream ("draft.<id>"), None for any other stream."""
    prefix, _, rest = stream.partition(".")
    return int(rest) if prefix == "draft" and rest.isdigit() else None


# Apps add fields to the heartbeat of a draft's public stream (the platform imports no app):
# each function takes {stream: draft id} and returns {stream: {field: JSON value}}.
_heartbeat_fields: list[Callable[[dict[str, int]], dict[str, dict[str, Any]]]] = []


def heartbeat_fields_register(function: Callable[[dict[str, int]], dict[str, dict]]) -> None:
    """Let `function` add fields to every heartbeat (called from an app's `ready`; once each)."""
    if function not in _heartbeat_fields:
        _heartbeat_fields.append(function)


def heartbeats(streams: list[str]) -> dict[str, dict[str, Any]]:
    """The heartbeat frame of each public draft stream: {"type": "heartbeat", "seq": latest seq,
    ...the fields the apps registered}, in one query per registered function and one for seqs."""
    seqs = latest_seqs(streams)
    frames = {stream: {"type": "heartbeat", "seq": seqs[stream]} for stream in streams}
    drafts = {stream: draft_id_of(stream) for stream in streams}
    drafts = {stream: draft_id for stream, draft_id in drafts.items() if draft_id is not None}
    for function in _heartbeat_fields:
        for stream, fields in function(drafts).items():
            frames[stream].update(fields)
    return frames


def _next_seq(stream: str) -> int:
    # An UPDATE takes the row lock, so concurrent writers queue here in commit order. The row
    # exists after a stream's first event, so it is created only when nothing was updated.
    # Written out in SQL with RETURNING: on the path of every new comment (issue 14), where the
    # ORM's update and a second read cost more in building than in running.
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {q(EventStream._meta.db_table)} SET {q('seq')} = {q('seq')} + 1 "  # noqa: S608
        f"WHERE {q('name')} = %s RETURNING {q('seq')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [stream])
        row = cursor.fetchone()
        if row is None:
            EventStream.objects.get_or_create(name=stream)
            cursor.execute(sql, [stream])
            row = cursor.fetchone()
    return row[0]


def _event_insert(stream: str, seq: int, type: str, text: str) -> None:
    """Log one event (as `Event.objects.create` would, in SQL: see `_next_seq`)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(Event._meta.db_table)} "  # noqa: S608 (our table's name)
            f"({q('stream')}, {q('seq')}, {q('type')}, {q('text')}, {q('created_at')}) "
            "VALUES (%s, %s, %s, %s, %s)",
            [stream, seq, type, text, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


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
    # No savepoint: nothing here is refused, and a database error fails the caller's write.
    with transaction.atomic(savepoint=False):
        seq = _next_seq(stream)
        text = encode({"type": type, "seq": seq, **data})
        _event_insert(stream, seq, type, text)
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


_holding = threading.local()


@contextlib.contextmanager
def sends_held() -> Iterator[dict]:
    """Within this block (in this thread) `send_now` sends nothing but keeps each message in the
    dict it yields, {key: (group, message)}, for the caller to send with `send_held`; of the
    messages with a `coalesce` key only the newest `rev` per stream and key is kept."""
    held: dict = {}
    outer, _holding.messages = getattr(_holding, "messages", None), held
    try:
        yield held
    finally:
        _holding.messages = outer


async def send_held(held: dict) -> None:
    """Send the messages `sends_held` kept, in the order they were first held (from the event
    loop: nothing waits on a thread meanwhile). A failure is logged like `send_now`'s."""
    layer = get_channel_layer()
    for group, message in held.values():
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("could not broadcast on %s", message.get("stream"))


def send_now(stream: str, text: str, coalesce: str | None = None, rev: int = 0) -> None:
    """Hand already-encoded text to the channel layer. Only for this module and presence.

    `coalesce`: a key (a paragraph's) under which the hubs send only the newest `rev` of a burst.
    Inside `sends_held` the message is kept for the caller instead.
    """
    layer = get_channel_layer()
    message = {"type": "hub.event", "stream": stream, "text": text}
    if coalesce is not None:
        message.update(coalesce=coalesce, rev=rev)
    held = getattr(_holding, "messages", None)
    if held is not None:
        key = (stream, coalesce) if coalesce is not None else object()
        kept = held.get(key)
        if kept is None or kept[1]["rev"] < rev:
            held[key] = (group_name(stream), message)
        return
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
