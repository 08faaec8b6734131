"""The public pages of a participation process: home list, process page, documents, downloads."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Notification
from deliberation.process import services
from tests.process.helpers import (
    MARKDOWN,
    PDF,
    berlin,
    make_process,
    make_session,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    process = make_process()
    today = timezone.localdate()
    steps = [
        ("Auftakt", -30, "done"),
        ("Arbeitskreis erarbeitet Entwurf", -20, "done"),
        ("Online-Beteiligung", -5, "current"),
        ("Überarbeitung", 20, "planned"),
        ("Beschluss im Stadtrat", 50, "planned"),
    ]
    for position, (title, days, state) in enumerate(steps):
        services.milestone_create(
            process=process,
            title=title,
            starts_on=today + timedelta(days=days),
            state=state,
            position=position,
        )
    return process


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_process_page_shows_now_next_timeline_sessions_and_contact(client, process):
    past = make_session(process, days=-30, title="Auftaktveranstaltung")
    make_session(
        process,
        days=12,
        title="Zwischenstand",
        online_url="https://meet.example.org/ak",
        place_accessibility="Stufenloser Zugang",
    )
    html = _html(client, process.get_absolute_url())
    assert html.count("<h1") == 1 and "Leitlinien für Bürgerbeteiligung</h1>" in html
    assert "Alle können mitreden." in html
    # What is happening now and next
    assert "Was gerade passiert" in html
    assert "Nächster Schritt" in html and "Überarbeitung" in html
    assert "Nächster öffentlicher Termin" in html
    # The timeline is an ordered list; the current step is named in text and marked for AT.
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert timeline.count("<li") == 5
    current = re.findall(r'<li[^>]*aria-current="step"[^>]*>(.*?)</li>', timeline, re.S)
    assert len(current) == 1
    assert "Online-Beteiligung" in current[0] and "aktueller Schritt" in current[0]
    assert "abgeschlossen" in timeline and "geplant" in timeline
    # Sessions: upcoming and past, with times and the listeners' note
    upcoming, rest = html.split("Vergangene Termine")
    assert "Zwischenstand" in upcoming and "Auftaktveranstaltung" in rest
    assert (
        f'datetime="{past.starts_at.astimezone(timezone.get_current_timezone()).isoformat()}"'
        in html
    )
    assert "von 18:00 bis 20:00 Uhr" in html
    assert "Zuhörerinnen und Zuhörer willkommen" in html
    assert 'href="https://meet.example.org/ak"' in html and "Hybride Sitzung" in html
    assert "Stufenloser Zugang" in html
    assert reverse("process_calendar", args=[process.slug]) in html
    # Contact of the coordinating office
    assert "<address" in html and "Koordinierungsstelle Bürgerbeteiligung" in html
    assert 'href="mailto:beteiligung@example.org"' in html
    # No inline scripts or styles (the Content-Security-Policy forbids them)
    assert "<script" not in html and "style=" not in html


def test_process_page_in_english(client, process):
    html = _html(client, "/en" + process.get_absolute_url())
    assert '<html lang="en">' in html
    assert "current step" in html and "Timeline" in html


def test_unknown_process_is_404(client):
    assert client.get(reverse("process_detail", args=["gibtsnicht"])).status_code == 404


def test_process_page_lists_only_visible_drafts(client, make_draft, citizen, wg, process):
    visible = make_draft(slug="offen", title="Offener Entwurf")
    hidden = make_draft(slug="geheim", title="Geheimer Entwurf", open=False)
    for draft in (visible, hidden):
        draft.process = process
        draft.save(update_fields=["process"])
    html = _html(client, process.get_absolute_url())
    assert "Offener Entwurf" in html and 'class="badge badge--consultation"' in html
    assert "Geheimer Entwurf" not in html
    client.force_login(citizen)
    assert "Geheimer Entwurf" not in _html(client, process.get_absolute_url())
    client.force_login(wg)
    assert "Geheimer Entwurf" in _html(client, process.get_absolute_url())


def test_home_lists_processes_current_first_above_the_drafts(client, process, draft):
    finished = make_process(slug="radverkehr", title="Radverkehrskonzept")
    services.milestone_create(
        process=finished, title="Beschluss", starts_on=timezone.localdate(), state="done"
    )
    html = _html(client, "/")
    assert "Beteiligungsverfahren" in html
    assert html.index("Leitlinien für Bürgerbeteiligung") < html.index("Radverkehrskonzept")
    assert html.index("Radverkehrskonzept") < html.index("<h2>Entwürfe</h2>")
    assert "Aktueller Schritt:" in html and "Online-Beteiligung" in html
    assert "abgeschlossen" in html and "läuft" in html
    assert draft.title in html


def test_markdown_document_is_shown_as_a_sanitized_page(client, process):
    session = make_session(process, days=-3)
    text = MARKDOWN + b"\n<script>alert(1)</script>\n\n[klick](javascript:alert(1))\n"
    document = services.document_create(
        process=process,
        session=session,
        title="Protokoll der Sitzung",
        kind="protocol",
        date=session.starts_at.date(),
        file=upload("protokoll.md", text),
    )
    page = _html(client, process.get_absolute_url())
    assert reverse("document_detail", args=[process.slug, document.pk]) in page
    assert "Ergebnisprotokoll" in page and "Webseite" in page
    html = _html(client, document.get_absolute_url())
    assert html.count("<h1") == 1 and "<h2>Ergebnisprotokoll</h2>" in html
    assert "Anwesend: 12 Personen" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert reverse("document_download", args=[process.slug, document.pk]) in html


def test_download_headers_are_safe(client, process):
    document = services.document_create(
        process=process,
        title="Präsentation: Ergebnisse/Überblick",
        kind="presentation",
        date=timezone.localdate(),
        file=upload("folien.pdf", PDF, content_type="text/html"),
    )
    # A PDF's link goes straight to the download; the page view redirects there too.
    assert document.get_absolute_url() == reverse(
        "document_download", args=[process.slug, document.pk]
    )
    detail = client.get(reverse("document_detail", args=[process.slug, document.pk]))
    assert detail.status_code == 302
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Pr%C3%A4sentation_%20Ergebnisse_%C3%9Cberblick.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_markdown_download_is_an_attachment_too(client, process):
    document = services.document_create(
        process=process,
        title="Notizen",
        kind="other",
        date=timezone.localdate(),
        file=upload("notizen.md", MARKDOWN),
    )
    response = client.get(reverse("document_download", args=[process.slug, document.pk]))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"


def test_header_shows_the_unread_count_for_signed_in_users(client, citizen):
    assert "Benachrichtigungen" not in _html(client, "/")
    Notification.objects.create(user=citizen, text="Neuer Termin", url="/")
    Notification.objects.create(user=citizen, text="Alt", url="/", read_at=timezone.now())
    client.force_login(citizen)
    html = _html(client, "/")
    assert re.search(r"Benachrichtigungen \(1<span", html)
    assert reverse("notifications") in html


def test_session_times_are_berlin_times(client, process):
    make_session(process, days=3, starts_at=berlin(3, 18), ends_at=berlin(3, 21, 15))
    assert "von 18:00 bis 21:15 Uhr" in _html(client, process.get_absolute_url())
