"""Both languages on every page kind: the switch keeps the page, /en/ pages speak English."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from deliberation.languages import default_path_in_language

from .site_pages import build_site

pytestmark = pytest.mark.django_db


class _SwitchForm(HTMLParser):
    """Finds the language switch: its `next` and the languages it offers."""

    def __init__(self):
        super().__init__()
        self.inside, self.next, self.languages = False, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "language-switch" in (attrs.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "input" and attrs.get("name") == "next":
            self.next = attrs["value"]
        elif self.inside and tag == "button" and attrs.get("name") == "language":
            self.languages.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _switch(client, path: str, to: str) -> str:
    """Open `path`, press the switch to language `to`; return where the browser lands."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    form = _SwitchForm()
    form.feed(page.content.decode())
    assert to in form.languages, (path, form.languages)
    response = client.post(reverse("set_language"), {"language": to, "next": form.next})
    assert response.status_code == 302, (path, response.status_code)
    return response["Location"]


def _final(client, path: str):
    """Open `path` following redirects (e.g. a footer page's slug of the other language);
    return the response and the address it ends on."""
    response = client.get(path, follow=True)
    query = response.request.get("QUERY_STRING")
    return response, response.request["PATH_INFO"] + (f"?{query}" if query else "")


@pytest.mark.parametrize(("start", "to"), [("de", "en"), ("en", "de")])
def test_the_language_switch_keeps_every_page(client, make_user, start, to):
    site = build_site(make_user)
    wrong = []
    for kind, (path, role) in site.pages.items():
        if kind in ("thread fragment", "moderation item", "room"):
            continue  # fragments for the page's script and the projector view: no header
        client.logout()
        if role:
            client.force_login(site.users[role])
        _page, here = _final(client, default_path_in_language(path, start))
        _page, there = _final(client, default_path_in_language(path, to))
        page, landed = _final(client, _switch(client, here, to))
        if landed != there:
            wrong.append(f"{kind}: {here} -> {landed}, not {there}")
        elif page.status_code != 200 or f'<html lang="{to}">' not in page.content.decode():
            wrong.append(f"{kind}: {landed} answers {page.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_switch_on_a_404_page_keeps_the_address_without_its_prefix(client):
    # A 404 page has the switch too; it keeps the (unknown) address without the old prefix.
    response = client.get("/en/drafts/no-such-draft/")
    assert response.status_code == 404
    form = _SwitchForm()
    form.feed(response.content.decode())
    assert form.next == "/drafts/no-such-draft/"


# German on English pages ------------------------------------------------------------------

# Words that only German has (function words and the interface's nouns), and its quote mark.
GERMAN_WORDS = re.compile(
    r"\b(?:der|die|das|den|dem|des|und|oder|nicht|mit|für|von|zum|zur|bitte|ist|sind|wurde|"
    r"werden|auf|ein|eine|einen|Sie|Ihr|Ihre|Kommentare?|Entwurf|Entwürfe|Absatz|Absätze|"
    r"Überschrift|Fassung|geändert|neu|entfernt|verschoben|Benachrichtigungen|"
    r"benachrichtigungen|Anmelden|Abmelden|Moderation läuft|Gemeldet|Beteiligung|Stadt)\b"
    r"|[äöüÄÖÜß„]",
    re.IGNORECASE,
)
# The interface's words are in text, in attributes people hear or see, in the strings the page
# hands its scripts (data-*) and in the addresses of links.
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "value", "href", "action"}


class _ShownText(HTMLParser):
    """The text of a page that people see or hear, without script and style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "input" and ("type", "hidden") in attrs:
            return  # e.g. the switch's `next`, in the default language on purpose
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or name.startswith("data-")):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def german_on(html: str) -> list[str]:
    """German words on an English page, each with a little context."""
    # The switch's button names German in German (lang="de"), as it should.
    html = re.sub(r'<button[^>]*\blang="de"[^>]*>.*?</button>', "", html, flags=re.S)
    parser = _ShownText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for match in GERMAN_WORDS.finditer(part):
            start = max(0, match.start() - 30)
            found.append(part[start : match.end() + 30].replace("\n", " ").strip())
    return found


@pytest.fixture
def english_operator(settings):
    # The operator's names are content too; these tests check the interface around them.
    settings.SITE_NAME = "Participation"
    settings.SITE_OPERATOR = "City of Exampleton"
    settings.SITE_CONTACT_EMAIL = "participation@example.org"


@pytest.mark.parametrize("role", [None, "citizen", "moderator", "working_group"])
def test_english_pages_speak_english_to_every_role(client, make_user, english_operator, role):
    site = build_site(make_user)
    if role:
        client.force_login(site.users[role])
    german, seen = [], 0
    for kind, (path, _role) in site.pages.items():
        if kind == "footer page" or (role is None and _role):
            continue  # the footer pages' texts are the operator's to write
        response = client.get(default_path_in_language(path, "en"), follow=True)
        if response.status_code != 200:
            continue  # not this role's page (403) or a redirect to log in
        seen += 1
        german += [f"{kind}: {text}" for text in german_on(response.content.decode())]
    assert seen >= 10
    assert not german, "\n".join(german)


def test_english_version_preview_and_error_pages(client, make_user, english_operator):
    site = build_site(make_user)
    client.force_login(site.users["working_group"])
    preview = client.post(
        "/en/drafts/guidelines/edit/",
        {"text": "# Heading\n\nA new paragraph.", "source_format": "markdown", "message": "x"},
    )
    assert preview.status_code == 200
    not_found = client.get("/en/drafts/no-such-draft/")
    german = german_on(preview.content.decode()) + german_on(not_found.content.decode())
    assert not german, "\n".join(german)


def test_scripts_take_addresses_and_words_from_the_page():
    # A path written into a script misses the /en/ prefix (and the page's language): the page
    # hands its scripts every address, built with {% url %}, and every word in data-*.
    static = Path(__file__).resolve().parents[2] / "static" / "js"
    hard_coded = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(static.glob("*.js"))
        for match in re.finditer(r"""[`'"]/[a-z][^`'"]*""", path.read_text())
    ]
    assert not hard_coded, "\n".join(hard_coded)


@pytest.mark.parametrize(("prefix", "live"), [("", "● Live"), ("/en", "● live")])
def test_the_moderation_queue_gives_its_script_addresses_in_the_pages_language(
    client, moderator, prefix, live
):
    client.force_login(moderator)
    html = client.get(f"{prefix}/moderation/").content.decode()
    assert f'data-item-url="{prefix}/moderation/items/999999999/"' in html
    assert f'data-label="{live}"' in html
    assert "&quot;release&quot;: &quot;" in html, "labels for other moderators' decisions"


def test_the_reading_page_gives_its_script_the_login_address_in_its_language(client, draft):
    html = client.get(f"/en/drafts/{draft.slug}/").content.decode()
    assert 'data-login-url="/en/accounts/login/"' in html


def test_the_version_preview_names_kinds_in_the_pages_language(client, wg, draft):
    client.force_login(wg)
    text = {"text": "# Überschrift\n\nEin Absatz.", "source_format": "markdown", "message": "x"}
    html = client.post(f"/drafts/{draft.slug}/edit/", text).content.decode()
    assert '<span class="meta">Überschrift' in html and '<span class="meta">Text' in html
    html = client.post(f"/en/drafts/{draft.slug}/edit/", text).content.decode()
    assert '<span class="meta">heading' in html


def test_stored_texts_follow_the_readers_language_not_the_writers(client, make_user):
    # Written on English pages (the moderator and the working group chose English) ...
    site = build_site(make_user, language="en")
    client.force_login(site.users["citizen"])
    # ... read on German ones: notifications, their links, and the version history.
    html = client.get("/benachrichtigungen/").content.decode()
    assert "Ihr Kommentar wurde freigegeben" in html and "Neue Fassung 2" in html
    assert 'href="/drafts/guidelines/?thread=' in html
    assert (
        'href="/en/drafts/guidelines/?thread=' in client.get("/en/notifications/").content.decode()
    )
    html = client.get("/drafts/guidelines/versions/").content.decode()
    assert "1 geändert, 1 neu" in html and "Erste Fassung" in html


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("/en/spielregeln/", "/en/rules/"),
        ("/rules/", "/spielregeln/"),
        ("/en/impressum/", "/en/legal-notice/"),
    ],
)
def test_footer_pages_have_addresses_in_each_language(client, asked, answer):
    response = client.get(asked)
    assert response.status_code == 301 and response["Location"] == answer
    html = client.get("/en/").content.decode()
    assert 'href="/en/rules/"' in html and "spielregeln" not in html


@pytest.mark.parametrize(("prefix", "query"), [("", ""), ("/en", "?lang=en")])
@pytest.mark.parametrize(
    "page", ["/drafts/{slug}/", "/drafts/{slug}/room/", "/drafts/{slug}/feedback/"]
)
def test_live_pages_give_their_script_the_socket_in_the_pages_language(
    client, wg, draft, settings, prefix, query, page
):
    # socket.js builds no address: the page names the socket (frames in its language) and the
    # heartbeat interval it watches the connection by.
    settings.LIVE_HEARTBEAT = 7.5
    client.force_login(wg)
    html = client.get(prefix + page.format(slug=draft.slug)).content.decode()
    assert f'data-live="/ws/drafts/{draft.slug}/{query}" data-heartbeat="7.5"' in html
