"""iCalendar (RFC 5545) for public sessions: pure, no ORM, no Django.

Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); TEXT values
escape backslash, semicolon, comma and newlines; times are written in UTC with a trailing Z so
every calendar program shows the same instant whatever its own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//deliberation//Beteiligung//DE"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    last_modified: datetime | None = None


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545, 3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def format_utc(moment: datetime) -> str:
    """A DATE-TIME in UTC form: 20260312T170000Z. Naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: iCalendar times need a time zone")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets joined by CRLF + space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_OCTETS  # the first line; continuation lines lose one octet to the space
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _property(name: str, value: str, *, text: bool = True) -> str:
    # Control characters other than newline (already escaped) are not allowed in TEXT.
    value = "".join(ch for ch in value if ch == "\n" or ch == "\t" or ord(ch) >= 0x20)
    return fold(f"{name}:{escape_text(value) if text else value}")


def _event_lines(event: CalendarEvent, dtstamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        _property("UID", event.uid),
        f"DTSTAMP:{format_utc(dtstamp)}",
        f"DTSTART:{format_utc(event.starts_at)}",
        f"DTEND:{format_utc(event.ends_at)}",
        _property("SUMMARY", event.summary),
    ]
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{format_utc(event.last_modified)}")
    if event.location:
        lines.append(_property("LOCATION", event.location))
    if event.description:
        lines.append(_property("DESCRIPTION", event.description))
    if event.url:
        # A URI value, not TEXT: commas and semicolons stay as they are.
        lines.append(_property("URL", event.url, text=False))
    lines.append("END:VEVENT")
    return lines


def calendar(*, events: Iterable[CalendarEvent], now: datetime, name: str = "") -> str:
    """Return a whole VCALENDAR with the given events, CRLF after every line."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append(_property("X-WR-CALNAME", name))
    for event in events:
        lines.extend(_event_lines(event, now))
    lines.append("END:VCALENDAR")
    return CRLF.join(lines) + CRLF
