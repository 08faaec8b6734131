"""Errors in the site's layout and the visitor's language, saying what to do next.

pytest-django runs with DEBUG off, so these go through the real handlers as in production.
"""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

GERMAN, ENGLISH = "", "/en"


def _in_layout(response, language: str) -> str:
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    home = "/en/" if language == "en" else "/"
    assert f'href="{home}"' in html, "offers the way back to the overview"
    return html


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [(GERMAN, "de", "Seite nicht gefunden"), (ENGLISH, "en", "Page not found")],
)
def test_404_page(client, prefix, language, heading):
    response = client.get(f"{prefix}/drafts/no-such-draft/")
    assert response.status_code == 404
    html = _in_layout(response, language)
    assert f"<h1>{heading}</h1>" in html
    assert "/accounts/login/?next=" in html, "suggests logging in (drafts in preparation)"


@pytest.mark.parametrize(
    ("prefix", "language", "heading", "who"),
    [
        (GERMAN, "de", "Kein Zugriff", "Sie sind als anna angemeldet"),
        (ENGLISH, "en", "Access denied", "You are logged in as anna"),
    ],
)
def test_403_page(client, citizen, prefix, language, heading, who):
    client.force_login(citizen)
    response = client.get(f"{prefix}/moderation/")
    assert response.status_code == 403
    html = _in_layout(response, language)
    assert f"<h1>{heading}</h1>" in html
    assert who in html


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [(GERMAN, "de", "Etwas ist schiefgegangen"), (ENGLISH, "en", "Something went wrong")],
)
def test_500_page(settings, prefix, language, heading):
    settings.ROOT_URLCONF = "tests.deliberation.crash_urls"
    response = Client(raise_request_exception=False).get(f"{prefix}/crash/")
    assert response.status_code == 500
    html = _in_layout(response, language)
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [(GERMAN, "de", "Das Formular ist abgelaufen"), (ENGLISH, "en", "The form has expired")],
)
def test_expired_form_page(citizen, draft, paragraph, prefix, language, heading):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(
        f"{prefix}/drafts/{draft.slug}/p/{paragraph.key}/comment/", {"body": "Hallo"}
    )
    assert response.status_code == 403
    html = _in_layout(response, language)
    assert f"<h1>{heading}</h1>" in html


def test_400_page_for_an_unknown_host(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "<h1>Ungültige Anfrage</h1>" in _in_layout(response, "de")


def test_every_page_has_a_favicon(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")


def test_the_header_shows_who_is_logged_in(client, citizen):
    client.force_login(citizen)
    html = client.get("/en/").content.decode()
    assert 'Logged in as <strong class="site-user__name">anna</strong>' in html


@pytest.mark.parametrize(
    ("path", "language", "who"),
    [
        ("/drafts/new/", "de", "nur für den Arbeitskreis"),
        ("/en/drafts/new/", "en", "for the working group only"),
        ("/moderation/", "de", "nur für die Moderation."),
    ],
)
def test_403_page_names_the_role_the_page_is_for(client, make_user, path, language, who):
    """A moderator refused on a working-group page is not told the page is for moderators."""
    client.force_login(make_user("mara", role="moderator" if "drafts" in path else None))
    response = client.get(path)
    assert response.status_code == 403
    assert who in _in_layout(response, language)
