"""Writes: tell people something, record their choices and language, mark things read.

Apps call `notify` (one person) or `notify_many` (a fan-out, e.g. 8,500 published answers):
both store the notifications and, for people who chose e-mail, the outbox rows in the caller's
transaction; the worker sends them after COMMIT (delivery.py). Nothing here touches SMTP.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from deliberation.models import Notification

from .channels import DIGESTS, Channel
from .kinds import TOPICS, kind_topic, notification_text, stored_url
from .models import Delivery, DeliveryState, MailProfile, NotificationSetting

CHUNK = 2000  # ids per IN (…) query: well below SQLite's limit of bound variables


@dataclass(frozen=True)
class Note:
    """One notification to write: for `user_id`, of `kind` (registered), with JSON `params`.

    `url`: best a site path to the exact place (a comment's permalink); `email`: False when the
    person has not consented to mail for this source (a follow without e-mail), whatever their
    topic's channel says.
    """

    user_id: int
    kind: str
    params: dict = field(default_factory=dict)
    url: str = ""
    email: bool = True


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def channels_for(*, user_ids: Sequence[int], topics: Iterable[str]) -> dict[tuple[int, str], str]:
    """{(user id, topic): channel} of everyone's own choices among `topics` (no row: default)."""
    topics = list(set(topics))
    chosen: dict[tuple[int, str], str] = {}
    for chunk in _chunks(list(user_ids)):
        rows = NotificationSetting.objects.filter(user_id__in=chunk, topic__in=topics)
        for user_id, topic, channel in rows.values_list("user_id", "topic", "channel"):
            chosen[(user_id, topic)] = channel
    return chosen


def notify_many(notes: Sequence[Note]) -> list[Notification]:
    """Store `notes` as notifications, each as its person chose for the kind's topic: nothing
    (off), on the site, and for mail an outbox row now (instant) or later in a digest.

    Runs in the caller's transaction (mails go only if it commits). Costs a few queries per
    2,000 people, not per person. Raises KeyError for params a kind cannot be said with.
    Returns the stored notifications (none for people who chose "off" or are inactive).
    """
    if not notes:
        return []
    for note in notes:
        notification_text(kind=note.kind, params=note.params)  # fails now, not when read
    user_ids = sorted({note.user_id for note in notes})
    people: dict[int, tuple[str, bool]] = {}
    for chunk in _chunks(user_ids):
        rows = get_user_model().objects.filter(pk__in=chunk)
        for pk, email, active in rows.values_list("pk", "email", "is_active"):
            people[pk] = (email, active)
    chosen = channels_for(user_ids=user_ids, topics={kind_topic(n.kind).name for n in notes})
    now = timezone.now()
    rows: list[Notification] = []
    deliveries: list[Delivery] = []
    for note in notes:
        email, active = people.get(note.user_id, ("", False))
        topic = kind_topic(note.kind)
        channel = chosen.get((note.user_id, topic.name), topic.default)
        if not active or channel == Channel.OFF:
            continue
        mail = channel if channel != Channel.SITE and note.email and email else ""
        row = Notification(
            user_id=note.user_id,
            kind=note.kind,
            params=note.params,
            url=stored_url(note.url)[:500],
            created_at=now,
            mail=mail,
        )
        if mail == Channel.INSTANT:
            row.delivery = Delivery(user_id=note.user_id, key=f"n:{uuid.uuid4().hex}")
            deliveries.append(row.delivery)
        rows.append(row)
    Delivery.objects.bulk_create(deliveries, batch_size=CHUNK)
    for row in rows:
        if row.delivery is not None:
            row.delivery_id = row.delivery.pk
    Notification.objects.bulk_create(rows, batch_size=CHUNK)
    if deliveries:
        from .tasks import delivery_wake  # the tasks module needs the app registry ready

        transaction.on_commit(delivery_wake, robust=True)
    return rows


def notify(
    *, user, kind: str, params: dict | None = None, url: str = "", email: bool = True
) -> Notification | None:
    """Tell `user` one thing (see `notify_many` and `Note`); None when they chose "off"."""
    rows = notify_many([Note(user.pk, kind, params or {}, url, email)])
    return rows[0] if rows else None


def notification_settings_save(*, user, choices: dict[str, str]) -> None:
    """Store `user`'s channel per topic ({topic: Channel value}); a required topic cannot be
    "off". Notifications waiting for a digest follow the new choice. Raises ValueError for an
    unknown topic or channel."""
    for topic, channel in choices.items():
        if topic not in TOPICS or channel not in Channel.values:
            raise ValueError(f"unknown topic or channel: {topic}={channel}")
        if TOPICS[topic].required and channel == Channel.OFF:
            raise ValueError(f"{topic} cannot be switched off")
    with transaction.atomic():
        for topic, channel in choices.items():
            NotificationSetting.objects.update_or_create(
                user=user, topic=topic, defaults={"channel": channel}
            )
            _reroute_waiting(user=user, topic=topic, channel=channel)


def _reroute_waiting(*, user, topic: str, channel: str) -> None:
    """Items still waiting for a digest go the new way: another digest, or no mail at all."""
    kinds = [name for name, kind in _kinds_of(topic)]
    waiting = Notification.objects.filter(
        user=user, kind__in=kinds, mail__in=DIGESTS, delivery__isnull=True
    )
    waiting.update(mail=channel if channel in DIGESTS else "")
    if channel not in (Channel.INSTANT, *DIGESTS):
        Delivery.objects.filter(
            user=user,
            period="",
            state=DeliveryState.PENDING,
            notifications__kind__in=kinds,
        ).update(state=DeliveryState.CANCELLED)


def _kinds_of(topic: str):
    from .kinds import KINDS

    return [(name, kind) for name, kind in KINDS.items() if kind.topic == topic]


def unsubscribe_apply(*, user, topic: str) -> list[str]:
    """Stop all mail of `topic` ("*": of every topic) to `user`: their notifications stay on the
    site, mails not sent yet are not sent. Returns the topics changed."""
    topics = list(TOPICS) if topic == "*" else [topic]
    chosen = channels_for(user_ids=[user.pk], topics=topics)
    changed = [
        name
        for name in topics
        if name in TOPICS
        and chosen.get((user.pk, name), TOPICS[name].default) in (Channel.INSTANT, *DIGESTS)
    ]
    notification_settings_save(user=user, choices=dict.fromkeys(changed, Channel.SITE))
    return changed


def language_remember(*, user, language: str) -> None:
    """Write `user`'s mails in `language` from now on (the language they last used)."""
    MailProfile.objects.update_or_create(user=user, defaults={"language": language})


def notification_mark_read(*, user, pk: int) -> Notification | None:
    """Mark one of `user`'s notifications read; None when it is not theirs (or gone)."""
    notification = Notification.objects.filter(user=user, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_read(*, user) -> int:
    """Mark all of `user`'s unread notifications read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
