"""The feedback on a draft as CSV, JSON and Excel: one row per comment, for the working group.

Two kinds, and each says which it is: the internal export (`intern` in the file name and the
sheet's title) has every comment with its author, status and draft answers; the export for
publication ("ohne Namen", `anonymous`) has only what may be published: published comments,
numbered participants instead of names, and answers only once they are published.

Rows are built from the comments in chunks (`QuerySet.iterator`), and CSV and JSON go out as a
stream, so an export of thousands of comments never sits in memory as a whole. The text of the
paragraph a comment was written on is read once per version (not once per row). CSV and Excel go
through the project's one table writer (deliberation/spreadsheets.py: byte-order mark, `;` in
German, formulas neutralised, labels rather than codes, real date cells); JSON keeps the codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override, pgettext
from django.utils.translation import gettext as _

from comments.models import Channel, CommentStatus, names_author
from deliberation.reasons import reasons as reason_choices
from deliberation.spreadsheets import (
    Column,
    chunked,
    csv_response,
    streaming_response,
    xlsx_response,
)
from drafts.models import Draft

from . import selectors
from .group_selectors import draft_comment_themes
from .models import Disposition
from .summaries import Pseudonyms

COLUMNS = [
    Column("comment", gettext_lazy("Comment no."), 10),
    Column("parent", gettext_lazy("Reply to no."), 10),
    Column("paragraph_number", gettext_lazy("Paragraph no."), 10),
    Column("paragraph_key", gettext_lazy("Paragraph key")),
    # One numbering (drafts.numbering): "Absatz 7 in Fassung 2, jetzt Absatz 8".
    Column("paragraph", gettext_lazy("Paragraph"), 24),
    Column("current_paragraph_number", gettext_lazy("Paragraph no. now"), 10),
    Column("current_paragraph_key", gettext_lazy("Paragraph key now")),
    Column("paragraph_text", gettext_lazy("Paragraph text (version commented on)"), 60),
    Column("version", gettext_lazy("Version"), 8),
    Column("quote", gettext_lazy("Quoted passage"), 40),
    Column("quote_anchored", gettext_lazy("Quoted passage still in the text"), 10),
    Column("author", gettext_lazy("Author"), 16),
    Column("created", gettext_lazy("Written"), 17),
    Column("channel", gettext_lazy("Channel"), 14),
    Column("contributed_on", gettext_lazy("Collected on"), 12),
    Column("place", gettext_lazy("Place"), 20),
    Column("late_entry", gettext_lazy("Late entry"), 10),
    Column("text", gettext_lazy("Comment"), 60),
    Column("supports", gettext_lazy("Supports"), 10),
    Column("paragraph_agree", gettext_lazy("Paragraph: agree"), 10),
    Column("paragraph_disagree", gettext_lazy("Paragraph: disagree"), 10),
    Column("paragraph_neutral", gettext_lazy("Paragraph: neutral"), 10),
    Column("status", gettext_lazy("Moderation status"), 16),
    Column("moderation_reason", gettext_lazy("Moderation reason"), 20),
    Column("disposition", gettext_lazy("Disposition"), 16),
    Column("reply", gettext_lazy("Reply of the working group"), 50),
    Column("version_taken_up", gettext_lazy("Taken up in version"), 10),
    Column("answer_published", gettext_lazy("Answer published"), 17),
    Column("themes", gettext_lazy("Themes"), 24),
]
KEYS = [column.key for column in COLUMNS]
# Codes that people read as labels in CSV and Excel (JSON keeps the codes).
LABELLED = {"status": CommentStatus, "channel": Channel, "disposition": Disposition}


def _author(row: dict, pseudonyms: Pseudonyms | None) -> str:
    if not names_author(row["status"]):
        return ""  # removed or deleted: nobody is named for it, not even internally
    if row["author_id"]:
        person, name = ("user", row["author_id"]), row["author__username"]
    elif row.get("pseudonym"):
        # Offline contributions carry the name they were given under, not an account.
        person, name = ("pseudonym", row["pseudonym"]), row["pseudonym"]
    else:
        return ""
    return pseudonyms(person) if pseudonyms is not None else name


def export_rows(
    *, draft: Draft, anonymous: bool = False, theme: int | None = None
) -> Iterator[dict]:
    """One dict per comment (keys: KEYS, codes and datetimes as stored), oldest first. A fixed
    number of queries in all.

    `anonymous`: the export for publication: published comments only, numbered participants
    instead of names, and an answer only once it is published. Otherwise every comment (the
    internal export), the text of a comment its author deleted left out. `theme`: only the
    comments with the theme of this id. Never an internal note or an assignment.
    """
    # Translated now, in the request's language: the rows are read later, while streaming.
    participant = _("Participant %(number)s")
    pseudonyms = Pseudonyms(lambda n: participant % {"number": n}) if anonymous else None
    reasons = {code: str(label) for code, label in reason_choices()}
    comments = selectors.export_comments(draft=draft, published_only=anonymous, theme=theme)
    return _rows(
        draft,
        comments,
        anonymous=anonymous,
        pseudonyms=pseudonyms,
        reasons=reasons,
        language=get_language(),
    )


def _rows(draft, comments, *, anonymous, pseudonyms, reasons, language) -> Iterator[dict]:
    index = selectors.paragraph_index(draft=draft)
    votes = selectors.vote_split(draft=draft)
    place_of = selectors.comment_places(draft=draft, index=index)
    empty_votes = {"agree": 0, "disagree": 0, "neutral": 0}
    themes = draft_comment_themes(draft=draft)
    for c in comments:
        at = place_of(c["paragraph_id"], c["version"])
        with override(language):  # the paragraph's label, in the request's language
            label = at.label if at else ""
        split = votes.get(c["paragraph_id"], empty_votes)
        answered = c["answer__disposition"] and (not anonymous or c["answer__published_at"])
        yield {
            "comment": c["pk"],
            "parent": c["parent_id"],
            "paragraph_number": at.number if at else None,
            "paragraph_key": at.key if at else "",
            "paragraph": label,
            "current_paragraph_number": at.current_number if at else None,
            "current_paragraph_key": at.current_key if at else None,
            "paragraph_text": at.text if at else "",
            "version": c["version"],
            "quote": c["quote_exact"],
            "quote_anchored": c["quote_anchored"] if c["quote_exact"] else None,
            "author": _author(c, pseudonyms),
            "created": c["created_at"],
            "channel": c["channel"],
            "contributed_on": c["contributed_on"],
            "place": c["place"] if names_author(c["status"]) else "",
            "late_entry": c["late_entry"],
            "text": c["body"] if c["status"] != CommentStatus.DELETED else "",
            "supports": c["support_count"],
            "paragraph_agree": split["agree"],
            "paragraph_disagree": split["disagree"],
            "paragraph_neutral": split["neutral"],
            "status": c["status"],
            "moderation_reason": reasons.get(c["moderation_reason"], c["moderation_reason"]),
            "disposition": c["answer__disposition"] if answered else "",
            "reply": c["answer__reply"] if answered else "",
            "version_taken_up": c["answer__version_taken_up"] if answered else None,
            "answer_published": c["answer__published_at"] if answered else None,
            "themes": ", ".join(themes.get(c["pk"], ())),
        }


def _labelled(rows: Iterable[dict]) -> Iterator[dict]:
    """The rows with labels for people instead of codes (status, channel, disposition, late
    entry), in the language of the moment of calling."""
    labels = {
        key: {code: str(label) for code, label in kind.choices} for key, kind in LABELLED.items()
    }
    late = _("late entry")
    yes_no = {True: _("yes"), False: _("no"), None: ""}
    for row in rows:
        yield {
            **row,
            **{key: labels[key].get(row[key], row[key]) for key in labels},
            "late_entry": late if row["late_entry"] else "",
            "quote_anchored": yes_no[row["quote_anchored"]],
        }


def _json_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array, one object per line, written as the rows come."""

    def pieces():
        yield "["
        for number, row in enumerate(rows):
            text = json.dumps(row, ensure_ascii=False, default=_json_value)
            yield ("," if number else "") + "\n" + text
        yield "\n]\n"

    return chunked(pieces())


def export_response(request, *, draft: Draft, kind: str, anonymous: bool, theme: int | None = None):
    """The export of `draft` in `kind` ("csv", "json" or "xlsx") as a download; `anonymous`:
    the one for publication, otherwise the internal one (see the module's docstring); `theme`:
    only the comments with that theme."""
    rows = export_rows(draft=draft, anonymous=anonymous, theme=theme)
    edition = (
        pgettext("file name", "publication") if anonymous else pgettext("file name", "internal")
    )
    stem = f"{pgettext('file name', 'feedback')}-{draft.slug}-{edition}"
    if kind == "csv":
        return csv_response(request, columns=COLUMNS, rows=_labelled(rows), filename=f"{stem}.csv")
    if kind == "json":
        return streaming_response(
            request,
            json_chunks(rows),
            content_type="application/json; charset=utf-8",
            filename=f"{stem}.json",
        )
    if kind == "xlsx":
        title = _("For publication") if anonymous else _("Internal")
        return xlsx_response(
            columns=COLUMNS, rows=_labelled(rows), title=title, filename=f"{stem}.xlsx"
        )
    raise Http404(kind)
