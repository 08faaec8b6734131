"""Writes for participation processes: the process, its timeline, sessions, documents, follows.

Every function validates what it is given (forms do the same for friendly messages) and raises
``ValidationError`` keyed by model field names. Nothing here imports the drafts app.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.markdown import markdown_html
from deliberation.models import Notification
from deliberation.notifications import notification_text, stored_url
from deliberation.sanitizing import clean_plain, normalize_text

from . import files
from .models import (
    Document,
    DocumentFormat,
    DocumentKind,
    Follow,
    Milestone,
    MilestoneState,
    Process,
    PublicSession,
)

logger = logging.getLogger(__name__)

# An upcoming session may be entered up to a day late (e.g. the evening after); anything older
# must be marked as having taken place, so nobody announces a past date by mistake.
PAST_TOLERANCE = timedelta(days=1)
# Path segments under /processes/ that are pages of their own.
RESERVED_SLUGS = frozenset({"new"})


# --- helpers ----------------------------------------------------------------------------------


def _title(value: str, field: str = "title") -> str:
    title = clean_plain(value or "")
    if not title:
        raise ValidationError({field: _("Please enter a title.")})
    return title


def _text(value: str) -> str:
    return normalize_text(value or "")


def _full_clean(instance, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_unique=True)


def _absolute(url: str, site_url: str) -> str:
    # Without a request (e.g. a command), the operator's SITE_URL makes e-mail links absolute.
    site_url = site_url or getattr(settings, "SITE_URL", "")
    if url.startswith(("http://", "https://")) or not site_url:
        return url
    return site_url.rstrip("/") + url


# --- process ----------------------------------------------------------------------------------


def _apply_process_fields(process: Process, **fields: str) -> None:
    process.title = _title(fields["title"])
    process.slug = fields["slug"]
    process.description = _text(fields["description"])
    process.contact_name = clean_plain(fields["contact_name"])
    process.contact_email = fields["contact_email"].strip()
    process.contact_phone = clean_plain(fields["contact_phone"])
    process.contact_address = _text(fields["contact_address"])
    if process.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This short name is reserved. Please choose another.")})
    _full_clean(process)


@transaction.atomic
def process_create(
    *,
    title: str,
    slug: str,
    description: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_address: str = "",
) -> Process:
    process = Process()
    _apply_process_fields(
        process,
        title=title,
        slug=slug,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        contact_address=contact_address,
    )
    process.save()
    return process


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
    _apply_process_fields(
        process,
        title=title,
        slug=slug,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        contact_address=contact_address,
    )
    process.save()
    return process


# --- timeline ---------------------------------------------------------------------------------


def _apply_milestone_fields(
    milestone: Milestone,
    *,
    title: str,
    description: str,
    starts_on: date,
    ends_on: date | None,
    state: str,
    position: int,
) -> None:
    milestone.title = _title(title)
    milestone.description = _text(description)
    milestone.starts_on = starts_on
    milestone.ends_on = ends_on
    milestone.state = state
    milestone.position = position
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    _full_clean(milestone, exclude=["process"])


def _lock_timeline(process: Process) -> Process:
    """The process re-read under its row lock: timeline writes queue here, so that the one
    "current step" rule is checked against what the others committed, not a stale read."""
    return Process.objects.select_for_update(no_key=True).get(pk=process.pk)


def _one_current_step(milestone: Milestone) -> None:
    """Only one step is current: earlier ones become done, later ones planned."""
    if milestone.state != MilestoneState.CURRENT:
        return
    key = (milestone.position, milestone.starts_on)
    for other in milestone.process.milestones.filter(state=MilestoneState.CURRENT).exclude(
        pk=milestone.pk
    ):
        earlier = (other.position, other.starts_on) < key
        other.state = MilestoneState.DONE if earlier else MilestoneState.PLANNED
        other.save(update_fields=["state"])


@transaction.atomic
def milestone_create(
    *,
    process: Process,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
    state: str = MilestoneState.PLANNED,
    position: int = 0,
) -> Milestone:
    milestone = Milestone(process=_lock_timeline(process))
    _apply_milestone_fields(
        milestone,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        state=state,
        position=position,
    )
    milestone.save()
    _one_current_step(milestone)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
    state: str = MilestoneState.PLANNED,
    position: int = 0,
) -> Milestone:
    milestone.process = _lock_timeline(milestone.process)
    _apply_milestone_fields(
        milestone,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        state=state,
        position=position,
    )
    milestone.save()
    _one_current_step(milestone)
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


# --- public sessions --------------------------------------------------------------------------


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


def _apply_session_fields(
    session: PublicSession,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    place_accessibility: str,
    description: str,
    listeners_welcome: bool,
    online_url: str,
    took_place: bool,
) -> None:
    session.title = _title(title)
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.place = clean_plain(place)
    session.place_accessibility = _text(place_accessibility)
    session.description = _text(description)
    session.listeners_welcome = listeners_welcome
    session.online_url = (online_url or "").strip()
    session_validate_times(starts_at=starts_at, ends_at=ends_at, took_place=took_place)
    _full_clean(session, exclude=["process"])


@transaction.atomic
def session_create(
    *,
    process: Process,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    place_accessibility: str = "",
    description: str = "",
    listeners_welcome: bool = True,
    online_url: str = "",
    took_place: bool = False,
    site_url: str = "",
) -> PublicSession:
    """Create a session; followers hear of it when it is still to come."""
    session = PublicSession(process=process)
    _apply_session_fields(
        session,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        place_accessibility=place_accessibility,
        description=description,
        listeners_welcome=listeners_welcome,
        online_url=online_url,
        took_place=took_place,
    )
    session.save()
    if session.ends_at >= timezone.now():
        process_notify_followers(
            process=process,
            kind="session_new",
            params={
                "process": process.title,
                "title": session.title,
                "when": starts_at.isoformat(),
            },
            url=f"{process.get_absolute_url()}#{session.anchor}",
            site_url=site_url,
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
    _apply_session_fields(
        session,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        place_accessibility=place_accessibility,
        description=description,
        listeners_welcome=listeners_welcome,
        online_url=online_url,
        took_place=took_place,
    )
    session.save()
    return session


def session_delete(*, session: PublicSession) -> None:
    session.delete()


# --- documents --------------------------------------------------------------------------------


def document_markdown_html(*, text: str) -> str:
    """Render a Markdown document (the site's one Markdown configuration) as sanitized HTML.

    The document's title is the page's h1, so its own headings start one level lower.
    """
    return markdown_html(text, heading_offset=1)


def _check_file(file: IO[bytes]) -> files.FileType:
    try:
        return files.check_document(
            file=file,
            name=getattr(file, "name", "") or "",
            size=file.size,
            max_bytes=settings.DOCUMENT_MAX_BYTES,
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc


def _attach_file(document: Document, file: File) -> None:
    file_type = _check_file(file)
    document.file_format = file_type.format
    document.content_type = file_type.content_type
    document.size = file.size
    document.html = ""
    if file_type.format == DocumentFormat.MARKDOWN:
        file.seek(0)
        document.html = document_markdown_html(text=file.read().decode("utf-8"))
        file.seek(0)
    document.file = file


def _check_session(process: Process, session: PublicSession | None) -> None:
    if session is not None and session.process_id != process.pk:
        raise ValidationError({"session": _("This session belongs to another process.")})


def _delete_file_on_commit(name: str, storage) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _notify_protocol(document: Document, site_url: str) -> None:
    process = document.process
    process_notify_followers(
        process=process,
        kind="protocol_new",
        params={"process": process.title, "title": document.title},
        url=document.get_absolute_url(),
        site_url=site_url,
    )


def document_create(
    *,
    process: Process,
    title: str,
    kind: str,
    date: date,
    file: File,
    session: PublicSession | None = None,
    site_url: str = "",
) -> Document:
    """Store a document whose content passed the type check; a protocol reaches followers."""
    document = Document(process=process, session=session, title=_title(title), kind=kind, date=date)
    _check_session(process, session)
    _attach_file(document, file)
    _full_clean(document, exclude=["process", "file"])
    try:
        with transaction.atomic():
            document.save()  # stores the file first, then inserts the row
            if document.kind == DocumentKind.PROTOCOL:
                _notify_protocol(document, site_url)
    except Exception:
        if getattr(document.file, "_committed", False) and document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str,
    kind: str,
    date: date,
    session: PublicSession | None = None,
    file: File | None = None,
    site_url: str = "",
) -> Document:
    was_protocol = document.kind == DocumentKind.PROTOCOL
    _check_session(document.process, session)
    document.title = _title(title)
    document.kind = kind
    document.date = date
    document.session = session
    old_name = ""
    if file is not None:
        old_name = document.file.name
        _attach_file(document, file)
    _full_clean(document, exclude=["process", "file"])
    document.save()
    if old_name:
        _delete_file_on_commit(old_name, document.file.storage)
    if document.kind == DocumentKind.PROTOCOL and not was_protocol:
        _notify_protocol(document, site_url)
    return document


def document_delete(*, document: Document) -> None:
    name, storage = document.file.name, document.file.storage
    with transaction.atomic():
        document.delete()
        _delete_file_on_commit(name, storage)


# --- following and notifications -------------------------------------------------------------


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
