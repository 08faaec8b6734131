"""iCalendar output: the pure generator, and the two .ics addresses parsed by `icalendar`."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from deliberation.process import ics
from tests.process.helpers import berlin, make_process, make_session

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("eins\nzwei", "eins\\nzwei"),
        ("eins\r\nzwei", "eins\\nzwei"),
        ("Rathaus: 1. OG", "Rathaus: 1. OG"),
    ],
)
def test_text_escaping(raw, escaped):
    assert ics.escape_text(raw) == escaped


@pytest.mark.parametrize("text", ["x" * 200, "ä" * 100, "€" * 60, "a" + "😀" * 40, "kurz"])
def test_folding_keeps_every_line_within_75_octets_and_unfolds_to_the_original(text):
    line = f"DESCRIPTION:{text}"
    folded = ics.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line


def test_times_are_written_in_utc():
    summer = datetime(2026, 7, 1, 18, 0, tzinfo=BERLIN)
    winter = datetime(2026, 1, 15, 18, 0, tzinfo=BERLIN)
    assert ics.format_utc(summer) == "20260701T160000Z"
    assert ics.format_utc(winter) == "20260115T170000Z"
    with pytest.raises(ValueError):
        ics.format_utc(datetime(2026, 1, 1, 18, 0))


def test_calendar_lines_end_in_crlf():
    event = ics.CalendarEvent(
        uid="x@example.org",
        starts_at=datetime(2026, 3, 12, 18, tzinfo=BERLIN),
        ends_at=datetime(2026, 3, 12, 20, tzinfo=BERLIN),
        summary="Sitzung; mit, Zeichen",
        description="Zeile 1\nZeile 2 " + "lang " * 40,
    )
    text = ics.calendar(events=[event], now=datetime(2026, 3, 1, tzinfo=UTC))
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    parsed = icalendar.Calendar.from_ical(text)
    (vevent,) = parsed.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Sitzung; mit, Zeichen"
    assert str(vevent["DESCRIPTION"]).startswith("Zeile 1\nZeile 2 lang")


@pytest.mark.django_db
def test_session_ics_has_all_fields(client):
    process = make_process()
    session = make_session(
        process,
        days=5,
        title="Sitzung: Quorum, Fristen; Altersgrenze",
        place="Rathausfoyer, Marktplatz 1",
        description="Wir beraten\ndie Kommentare.",
        place_accessibility="Stufenloser Zugang, Aufzug",
        online_url="https://meet.example.org/ak?x=1,2",
        starts_at=berlin(5, 18),
        ends_at=berlin(5, 20, 30),
    )
    response = client.get(reverse("session_ics", args=[process.slug, session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "DTSTART:" in body and body.split("DTSTART:")[1][15] == "Z"

    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Sitzung: Quorum, Fristen; Altersgrenze"
    assert str(event["LOCATION"]) == "Rathausfoyer, Marktplatz 1"
    assert event["DTSTART"].dt == berlin(5, 18)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == berlin(5, 20, 30)
    assert event["UID"] and event["DTSTAMP"]
    description = str(event["DESCRIPTION"])
    assert "Wir beraten\ndie Kommentare." in description
    assert "Zuhörerinnen und Zuhörer willkommen" in description
    assert "https://meet.example.org/ak?x=1,2" in description
    assert str(event["URL"]).endswith(f"/processes/{process.slug}/#session-{session.pk}")


@pytest.mark.django_db
def test_process_calendar_lists_every_session_with_a_stable_uid(client):
    process = make_process()
    past = make_session(process, days=-20, title="Auftakt")
    coming = make_session(process, days=9, title="Zwischenstand")
    url = reverse("process_calendar", args=[process.slug])
    first = icalendar.Calendar.from_ical(client.get(url).content)
    second = icalendar.Calendar.from_ical(client.get(url).content)
    events = first.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Auftakt", "Zwischenstand"]
    assert [str(e["UID"]) for e in events] == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert len({str(e["UID"]) for e in events}) == 2
    assert events[0]["DTSTART"].dt == past.starts_at
    assert events[1]["DTEND"].dt == coming.ends_at
    assert str(first["X-WR-CALNAME"]) == process.title


@pytest.mark.django_db
def test_unknown_session_or_process_is_404(client):
    process = make_process()
    other = make_process(slug="anderes", title="Anderes Verfahren")
    session = make_session(other)
    assert client.get(reverse("session_ics", args=[process.slug, session.pk])).status_code == 404
    assert client.get(reverse("process_calendar", args=["gibtsnicht"])).status_code == 404
