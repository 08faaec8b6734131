"""Writes for a process itself and for those who follow it (notifications and e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.models import Notification
from deliberation.notifications import notification_text, stored_url
from deliberation.sanitizing import clean_plain

from ..models import Follow, Process
from .fields import clean_text, clean_title, full_clean

# Path segments under /processes/ that are pages of their own.
RESERVED_SLUGS = frozenset({"new"})


def _absolute(url: str, site_url: str) -> str:
    # Without a request (e.g. a command), the operator's SITE_URL makes e-mail links absolute.
    site_url = site_url or getattr(settings, "SITE_URL", "")
    if url.startswith(("http://", "https://")) or not site_url:
        return url
    return site_url.rstrip("/") + url


@transaction.atomic
def process_create(**fields) -> Process:
    """Create a process; `fields` and errors as for process_update."""
    return process_update(process=Process(), **fields)


@transaction.atomic
def process_update(
    *,
    process: Process,
    title: str,
    slug: str,
    description: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_address: str = "",
) -> Process:
    """Save a process (new or not). Raises ValidationError keyed by field: empty title, a
    reserved or taken slug, an invalid e-mail address, text over a field's limit."""
    process.title = clean_title(title)
    process.slug = slug
    process.description = clean_text(description)
    process.contact_name = clean_plain(contact_name)
    process.contact_email = contact_email.strip()
    process.contact_phone = clean_plain(contact_phone)
    process.contact_address = clean_text(contact_address)
    if process.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This short name is reserved. Please choose another.")})
    full_clean(process)
    process.save()
    return process


def process_follow(*, user, process: Process, email: bool = False) -> Follow:
    """Follow a process (or change the e-mail choice when already following)."""
    follow, _created = Follow.objects.update_or_create(
        user=user, process=process, defaults={"email": email}
    )
    return follow


def process_unfollow(*, user, process: Process) -> None:
    Follow.objects.filter(user=user, process=process).delete()


def process_notify_followers(
    *, process: Process, kind: str, params: dict, url: str, site_url: str = ""
) -> int:
    """Notify every follower on the site; e-mail only those who asked for it.

    ``kind`` and ``params`` as for ``notification_send`` (each follower reads it in the
    language of their page; e-mails go out in the active one). ``url`` is best a site path
    (``/processes/…``); ``site_url`` (``https://host``, default: settings.SITE_URL) makes the
    link in e-mails absolute. E-mails go out after the surrounding transaction commits.
    Returns the number of notifications created.
    """
    text = notification_text(kind=kind, params=params)
    url = stored_url(url)
    rows = list(
        Follow.objects.filter(process=process, user__is_active=True).values_list(
            "user_id", "email", "user__email"
        )
    )
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, kind=kind, params=params, url=url[:500], created_at=now)
            for user_id, _wants, _address in rows
        ]
    )
    recipients = [address for _user, wants_email, address in rows if wants_email and address]
    if recipients:
        subject = f"{settings.SITE_NAME}: {process.title}".replace("\n", " ")[:200]
        body = "\n\n".join(
            [
                text,
                _absolute(url, site_url),
                _(
                    "You receive this e-mail because you follow this process and asked to be "
                    "notified by e-mail. To stop, unfollow the process on its page."
                ),
            ]
        )
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
        transaction.on_commit(lambda: send_mass_mail(messages), robust=True)
    return len(rows)


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
