"""The room view: public and read-only, with the draft's QR code and the latest comments."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.moderation import services as moderation

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def room_url(draft):
    return f"/drafts/{draft.slug}/room/"


def qr_of(page: str) -> ET.Element:
    svg = re.search(r"<svg\b.*?</svg>", page, re.DOTALL).group(0)
    return ET.fromstring(svg)


def test_room_needs_no_login_and_renders_the_qr_code_as_svg(client, draft):
    response = client.get(room_url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    svg = qr_of(page)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert "http://testserver/drafts/leitlinien/" in svg.get("aria-label")
    paths = svg.findall(f"{SVG}path")
    assert paths and re.fullmatch(r"(M[\d.]+,[\d.]+H[\d.]+V[\d.]+H[\d.]+z)+", paths[0].get("d"))
    assert page.count("<h1") == 1 and draft.title in page
    # No inline script or style: the CSP forbids them.
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script type="module" src="/static/js/room.js">'
    ]
    assert " style=" not in page
    assert 'data-live="/ws/drafts/leitlinien/"' in page


def test_room_qr_code_uses_the_site_url_when_set(client, draft, settings):
    settings.SITE_URL = "https://beteiligung.example.org"
    page = client.get(room_url(draft)).content.decode()
    assert "https://beteiligung.example.org/drafts/leitlinien/" in qr_of(page).get("aria-label")
    assert "testserver" not in page


def test_room_shows_only_the_latest_published_comments(
    client, pre_draft, citizen, other_citizen, moderator, contribute
):
    paragraphs = list(pre_draft.paragraphs.exclude(kind="heading"))
    published = []
    for n in range(9):
        comment = services.comment_create(
            user=citizen, paragraph=paragraphs[n % 2], body=f"Kommentar Nummer {n}"
        )
        moderation.comment_release(moderator=moderator, comment=comment)
        published.append(comment)
    services.comment_create(user=other_citizen, paragraph=paragraphs[0], body="Noch nicht frei")
    moderation.comment_hide(
        moderator=moderator, comment=published[-1], reason="insult", note="weg damit"
    )
    contribute(
        paragraph=paragraphs[1],
        channel="letter",
        contributed_on=date(2026, 3, 21),
        body="Per Post gekommen",
        pseudonym="Frau K.",
    )
    page = client.get(room_url(pre_draft)).content.decode()
    assert "Noch nicht frei" not in page and "Kommentar Nummer 8" not in page
    shown = re.findall(r"Kommentar Nummer (\d)", page)
    assert shown == ["7", "6", "5", "4", "3", "2", "1"]  # 8 in all with the letter, newest first
    assert page.index("Per Post gekommen") < page.index("Kommentar Nummer 7")
    assert "Frau K." in page and "per Brief oder E-Mail am 21.03.2026" in page
    assert "Absatz 2" in page and "Absatz 1" in page


def test_room_reads_the_comments_in_one_query(client, draft, paragraph, citizen):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(room_url(draft)).status_code == 200
        return len(captured)

    services.comment_create(user=citizen, paragraph=paragraph, body="eins")
    few = queries()
    for n in range(6):
        services.comment_create(user=citizen, paragraph=paragraph, body=f"mehr {n}")
    assert queries() == few


def test_room_of_a_draft_in_preparation_is_not_public(client, make_draft, wg):
    draft = make_draft(slug="entwurf", open=False)
    assert client.get(room_url(draft)).status_code == 404
    client.force_login(wg)
    assert client.get(room_url(draft)).status_code == 200


def test_the_reading_page_names_offline_contributions_as_the_server_does(client, draft):
    # The live script names a new contribution without pseudonym by its channel, from the same
    # table the partial renders (the page once said "participant (…)" until a reload).
    import html
    import json

    page = client.get(draft.get_absolute_url()).content.decode()
    labels = json.loads(html.unescape(re.search(r'data-anonymous="([^"]*)"', page).group(1)))
    assert labels["workshop"] == "Teilnehmende aus dem Workshop"
    assert set(labels) == {"workshop", "event", "letter", "walk_in", "phone", "other"}
