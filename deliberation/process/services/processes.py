"""Writes for a process itself and for those who follow it (telling them goes through
deliberation.notifications: on the site, and by e-mail to those who asked for it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deliberation.notifications import Note, notify_many
from deliberation.sanitizing import clean_plain

from ..models import Follow, Process
from .fields import clean_text, clean_title, full_clean

# Path segments under /processes/ that are pages of their own.
RESERVED_SLUGS = frozenset({"new"})


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


def process_notify_followers(*, process: Process, kind: str, params: dict, url: str) -> int:
    """Notify every follower on the site; mail only those who followed with e-mail (and did
    not choose otherwise in their notification settings).

    ``kind`` and ``params`` as for ``deliberation.notifications.notify`` (each follower reads
    it in their language). ``url`` is best a site path (``/processes/…``). The mails go through
    the outbox after the surrounding transaction commits. Returns the number of followers.
    """
    rows = list(
        Follow.objects.filter(process=process, user__is_active=True).values_list("user_id", "email")
    )
    notify_many(
        [Note(user_id, kind, params, url, email=wants_email) for user_id, wants_email in rows]
    )
    return len(rows)
