"""Writes for a process's public sessions; followers hear of one still to come."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.sanitizing import clean_plain

from ..models import Process, PublicSession
from .fields import clean_text, clean_title, full_clean
from .processes import process_notify_followers

# An upcoming session may be entered up to a day late (e.g. the evening after); anything older
# must be marked as having taken place, so nobody announces a past date by mistake.
PAST_TOLERANCE = timedelta(days=1)


def session_validate_times(
    *, starts_at: datetime, ends_at: datetime, took_place: bool, now: datetime | None = None
) -> None:
    """Refuse an end before the start, and a past date that is not marked as past."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    if not took_place and starts_at < now - PAST_TOLERANCE:
        errors["starts_at"] = _(
            "This session lies in the past. If it has already taken place, tick “already "
            "took place”."
        )
    elif took_place and starts_at > now:
        errors["starts_at"] = _(
            "This session lies in the future, so it cannot have taken place yet."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(*, process: Process, **fields) -> PublicSession:
    """Create a session; followers hear of it when it is still to come. `fields` and errors
    as for session_update."""
    session = session_update(session=PublicSession(process=process), **fields)
    if session.ends_at >= timezone.now():
        process_notify_followers(
            process=process,
            kind="session_new",
            params={
                "process": process.title,
                "title": session.title,
                "when": session.starts_at.isoformat(),
            },
            url=f"{process.get_absolute_url()}#{session.anchor}",
        )
    return session


@transaction.atomic
def session_update(
    *,
    session: PublicSession,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    place_accessibility: str = "",
    description: str = "",
    listeners_welcome: bool = True,
    online_url: str = "",
    took_place: bool = False,
) -> PublicSession:
    """Save a session (new or not). `took_place` says a past date is meant (see
    session_validate_times). Raises ValidationError keyed by field."""
    session.title = clean_title(title)
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.place = clean_plain(place)
    session.place_accessibility = clean_text(place_accessibility)
    session.description = clean_text(description)
    session.listeners_welcome = listeners_welcome
    session.online_url = (online_url or "").strip()
    session_validate_times(starts_at=starts_at, ends_at=ends_at, took_place=took_place)
    full_clean(session, exclude=["process"])
    session.save()
    return session


def session_delete(*, session: PublicSession) -> None:
    session.delete()
