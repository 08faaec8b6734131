"""Contributions from analog and hybrid formats: workshops, public events, letters, phone calls.

The working group or a moderator enters what was collected offline on behalf of its author.
The author has no account here: `author` stays empty, a pseudonym (if any) is shown instead and
`entered_by` records who typed it in. Such a contribution is published at once (a staff member
vouches for it), counts in the paragraph's tally and goes out live like any other comment.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.announcements import announce_new
from comments.models import Channel, Comment, CommentStatus
from comments.services import check_paragraph_open, comment_body_clean, tally_add
from deliberation.errors import ActionRefused
from deliberation.process.models import PublicSession
from deliberation.roles import is_staff_role, role_check
from deliberation.sanitizing import clean_plain, render_comment
from drafts.models import Draft, DraftStatus, Paragraph

OFFLINE_CHANNELS = tuple(value for value in Channel.values if value != Channel.ONLINE)
MAX_PLACE = 300
MAX_PSEUDONYM = 100

# Where a refusal belongs, so that a form can show it next to the field (None: the whole form).
SHARED_FIELDS = ("channel", "contributed_on", "place", "session", "late_entry")
ROW_FIELDS = ("paragraph", "body", "pseudonym")


class ContributionRefused(ActionRefused):
    """Invalid contributions: `fields` for the shared fields, `rows` per row number (from 1)."""

    def __init__(
        self,
        *,
        fields: dict[str | None, list[str]] | None = None,
        rows: dict[int, dict[str, list[str]]] | None = None,
    ):
        self.fields = fields or {}
        self.rows = rows or {}
        messages = [m for ms in self.fields.values() for m in ms]
        messages += [
            _("Row %(row)s: %(message)s") % {"row": row, "message": m}
            for row, errors in sorted(self.rows.items())
            for ms in errors.values()
            for m in ms
        ]
        super().__init__("invalid", " ".join(messages))


def _check_staff(user) -> None:
    role_check(
        user, is_staff_role, _("Only the working group and the moderators may enter contributions.")
    )


def _add(errors: dict, field, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _shared(
    *,
    draft: Draft,
    channel: str,
    contributed_on,
    place: str,
    session,
    late_entry: bool,
    errors: dict,
) -> tuple[date | None, str, bool]:
    """Check the fields all contributions of one entry share; return date, place and late mark.

    Once the consultation is closed, the record is frozen: a contribution is entered only with
    the explicit "late entry" mark, which stays on it (pages, room view, exports).
    """
    closed = draft.status in (DraftStatus.CLOSED, DraftStatus.FINAL)
    if closed and not late_entry:
        _add(
            errors,
            "late_entry",
            _(
                "The consultation is closed. Tick “late entry” to add the contribution anyway: "
                "it will be shown as entered late."
            ),
        )
    if channel not in OFFLINE_CHANNELS:
        _add(errors, "channel", _("Choose how the contribution was collected."))
    if isinstance(contributed_on, datetime):
        contributed_on = timezone.localtime(contributed_on).date()
    if not isinstance(contributed_on, date):
        _add(errors, "contributed_on", _("Enter the date on which it was collected."))
        contributed_on = None
    elif contributed_on > timezone.localdate():
        _add(errors, "contributed_on", _("The date cannot be in the future."))
    place = _plain(
        place, errors, "place", MAX_PLACE, _("The place is too long: at most %(max)s characters.")
    )
    if session is not None:
        if not isinstance(session, PublicSession) or session.process_id != draft.process_id:
            _add(errors, "session", _("Choose a session of this draft's participation process."))
        elif not place:
            place = session.title[:MAX_PLACE]
    return contributed_on, place, closed and late_entry


def _plain(value: str | None, errors: dict, field: str, limit: int, too_long: str) -> str:
    """`value` as plain text (deliberation.sanitizing.clean_plain); past `limit` characters
    `too_long` (with %(max)s) goes into `errors` under `field`."""
    text = clean_plain(value or "")
    if len(text) > limit:
        _add(errors, field, too_long % {"max": limit})
    return text


def _row(*, paragraph: Paragraph | None, body: str, pseudonym: str, errors: dict) -> tuple:
    """Check one contribution; return its text and pseudonym."""
    text = ""
    if paragraph is None:
        _add(errors, "paragraph", _("Choose the paragraph the contribution is about."))
    else:
        try:
            check_paragraph_open(paragraph)
        except ActionRefused as exc:
            _add(errors, "paragraph", exc.message)
    try:
        text = comment_body_clean(body)
    except ActionRefused as exc:
        _add(errors, "body", exc.message)
    pseudonym = _plain(
        pseudonym,
        errors,
        "pseudonym",
        MAX_PSEUDONYM,
        _("The name is too long: at most %(max)s characters."),
    )
    return text, pseudonym


def _store(*, user, paragraph: Paragraph, text: str, pseudonym: str, **shared) -> Comment:
    draft = paragraph.draft
    comment = Comment.objects.create(
        draft=draft,
        paragraph=paragraph,
        author=None,
        entered_by=user,
        pseudonym=pseudonym,
        body=text,
        body_html=render_comment(text),
        version=draft.version,
        status=CommentStatus.PUBLISHED,
        **shared,
    )
    # The same path as a published online comment: the tally, then `comment.created`.
    tally_add(paragraph.pk, comments=1)
    announce_new(comment)
    return comment


def _is_empty(row: Sequence[str]) -> bool:
    return not any((value or "").strip() for value in row)


@transaction.atomic
def offline_contributions_create_bulk(
    *,
    user,
    draft: Draft,
    channel: str,
    contributed_on: date,
    place: str,
    session: PublicSession | None,
    rows: Iterable[tuple[str, str, str]],
    late_entry: bool = False,
) -> list[Comment]:
    """Enter many contributions of one workshop (or letter bag) at once: all of them or none.

    `rows` are (paragraph key, text, pseudonym); empty rows are skipped. Every bad row is
    reported with its number (counting from 1, empty rows included) and nothing is stored.
    On a closed draft only with `late_entry`.
    """
    _check_staff(user)
    rows = list(rows)
    fields: dict = {}
    day, place, late_entry = _shared(
        draft=draft,
        channel=channel,
        contributed_on=contributed_on,
        place=place,
        session=session,
        late_entry=late_entry,
        errors=fields,
    )
    paragraphs = {str(p.key): p for p in draft.paragraphs.all()}
    checked, row_errors = [], {}
    for number, row in enumerate(rows, 1):
        if _is_empty(row):
            continue
        key, body, pseudonym = row
        key = str(key or "").strip()
        paragraph = paragraphs.get(key)
        errors: dict = {}
        text, pseudonym = _row(paragraph=paragraph, body=body, pseudonym=pseudonym, errors=errors)
        if key and paragraph is None:
            errors["paragraph"] = [_("This paragraph is not part of this draft.")]
        if errors:
            row_errors[number] = errors
        else:
            checked.append((paragraph, text, pseudonym))
    if not checked and not row_errors:
        _add(fields, None, _("Enter at least one contribution: a paragraph and its text."))
    if fields or row_errors:
        raise ContributionRefused(fields=fields, rows=row_errors)
    return [
        _store(
            user=user,
            paragraph=paragraph,
            text=text,
            pseudonym=pseudonym,
            channel=channel,
            contributed_on=day,
            place=place,
            session=session,
            late_entry=late_entry,
        )
        for paragraph, text, pseudonym in checked
    ]
