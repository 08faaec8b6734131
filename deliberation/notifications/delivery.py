"""Send the outbox: claim due mails, hand them to SMTP, retry failures with backoff.

Runs in the worker (tasks.py), never in a web request. Each row goes pending → sending → sent;
the claim is one conditional UPDATE (state still pending), so of two workers that pick the same
rows exactly one sends each. A failed attempt puts the row back with `next_attempt_at` doubled
each time (NOTIFICATION_RETRY_SECONDS × 2^(attempts-1), at most six hours apart); after
NOTIFICATION_MAX_ATTEMPTS it is failed for good and logged as an error. A row claimed by a
worker that died (still "sending" after LEASE) is given back; its Message-ID stays the same.
"""

import logging
import smtplib
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from .mail import delivery_message
from .models import Delivery, DeliveryState

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
# Failures that are the mail server's or the network's: worth another attempt later.
TRANSIENT = (smtplib.SMTPException, OSError, socket.timeout)


def retry_seconds() -> float:
    return float(getattr(settings, "NOTIFICATION_RETRY_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt (1, 2, ...): doubling, at most 6 h."""
    return min(timedelta(seconds=retry_seconds() * 2 ** (attempts - 1)), MAX_BACKOFF)


def deliveries_claim(*, limit: int) -> tuple[str, list[Delivery]]:
    """Claim up to `limit` due rows for this caller: (claim token, the rows, oldest first)."""
    now = timezone.now()
    Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - LEASE).update(
        state=DeliveryState.PENDING, claim=""
    )
    due = Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return "", []
    token = uuid.uuid4().hex
    # Only rows still pending are taken: a row another worker claimed meanwhile is not.
    Delivery.objects.filter(pk__in=ids, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, claim=token, claimed_at=now
    )
    rows = Delivery.objects.filter(claim=token, state=DeliveryState.SENDING)
    rows = rows.select_related("user", "user__mail_profile").prefetch_related("notifications")
    return token, list(rows.order_by("pk"))


def _finish(row: Delivery, token: str, **fields) -> bool:
    """Write the outcome if the row is still ours; False when it was not (given back, taken)."""
    updated = Delivery.objects.filter(pk=row.pk, claim=token, state=DeliveryState.SENDING)
    return bool(updated.update(**fields))


def _failed(row: Delivery, token: str, error: Exception) -> str:
    """Record a failed attempt: "retry" (back to pending, later) or "failed" (for good)."""
    attempts = row.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= max_attempts():
        _finish(
            row, token, state=DeliveryState.FAILED, attempts=attempts, last_error=text, claim=""
        )
        logger.error(
            "mail %s to user %s failed for good after %s attempts: %s",
            row.key,
            row.user_id,
            attempts,
            text,
        )
        return "failed"
    wait = backoff(attempts)
    _finish(
        row,
        token,
        state=DeliveryState.PENDING,
        attempts=attempts,
        last_error=text,
        claim="",
        next_attempt_at=timezone.now() + wait,
    )
    logger.warning(
        "mail %s to user %s failed (attempt %s), next in %ss: %s",
        row.key,
        row.user_id,
        attempts,
        int(wait.total_seconds()),
        text,
    )
    return "retry"


def smtp_connections() -> int:
    return max(1, int(getattr(settings, "NOTIFICATION_SMTP_CONNECTIONS", 4)))


def deliveries_send(*, limit: int = 200, rounds: int | None = None) -> dict[str, int]:
    """Send due mails in rounds of `limit`, until none is due (or after `rounds`): a round's
    rows are split over NOTIFICATION_SMTP_CONNECTIONS threads, each with its own SMTP
    connection, so that one mail is written while another waits for the server. Returns
    {"sent", "retry", "failed", "empty"} counts. Raises nothing for a mail server fault: the
    rows wait for their next attempt."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "empty": 0}
    done = 0
    while rounds is None or done < rounds:
        done += 1
        token, rows = deliveries_claim(limit=limit)
        if not rows:
            break
        threads = min(smtp_connections(), len(rows))
        if threads == 1:
            _send_round(token, rows, counts)
            continue
        parts = [rows[i::threads] for i in range(threads)]
        with ThreadPoolExecutor(threads, thread_name_prefix="smtp") as pool:
            for part_counts in pool.map(partial(_send_part, token), parts):
                for name, value in part_counts.items():
                    counts[name] += value
    return counts


def _send_part(token: str, rows: list[Delivery]) -> dict[str, int]:
    """One thread's share of a round; its database connection is closed when it is done."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "empty": 0}
    try:
        _send_round(token, rows, counts)
    finally:
        db_connection.close()
    return counts


def _send_round(token: str, rows: list[Delivery], counts: dict[str, int]) -> None:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except TRANSIENT as error:
        for row in rows:
            counts[_failed(row, token, error)] += 1
        return
    try:
        for row in rows:
            message = delivery_message(row, connection=connection)
            if message is None:  # nothing left to say (unsubscribed, items gone)
                _finish(row, token, state=DeliveryState.CANCELLED, claim="")
                counts["empty"] += 1
                continue
            try:
                message.send()
            except TRANSIENT as error:
                counts[_failed(row, token, error)] += 1
                connection.close()  # a broken conversation: the next send opens a new one
                continue
            with transaction.atomic():
                _finish(
                    row,
                    token,
                    state=DeliveryState.SENT,
                    sent_at=timezone.now(),
                    attempts=row.attempts + 1,
                    claim="",
                )
            counts["sent"] += 1
    finally:
        connection.close()


def next_attempt_at():
    """When the earliest waiting mail is due (None when nothing waits)."""
    waiting = Delivery.objects.filter(state=DeliveryState.PENDING).order_by("next_attempt_at")
    return waiting.values_list("next_attempt_at", flat=True).first()
