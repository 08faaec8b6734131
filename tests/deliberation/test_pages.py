"""The shell every page lives in: both languages, footer pages, accessibility basics, CSP."""

import pytest
from django.urls import reverse

from deliberation.views import FOOTER_PAGES, footer_slug

pytestmark = pytest.mark.django_db


def test_home_in_german_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert 'href="#main"' in html and 'id="main"' in html


def test_home_in_english_under_en(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html


def test_language_switch_sets_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_explains_the_empty_state(client):
    assert "Zurzeit ist kein Entwurf" in client.get("/").content.decode()


@pytest.mark.parametrize("name", sorted(FOOTER_PAGES))
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_footer_page_answers(client, name, prefix):
    slug = footer_slug(name, "en" if prefix else "de")
    response = client.get(f"{prefix}/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{prefix}/{slug}/"' in html, "the footer links the page"


def test_unknown_page_is_404(client):
    assert client.get("/gibt-es-nicht/").status_code == 404


def test_rules_page_lists_the_moderation_reasons(client):
    html = client.get("/spielregeln/").content.decode()
    assert "Beleidigung oder Diskriminierung" in html
    assert "Werbung oder Wahlkampf" in html


def test_impressum_names_the_configured_operator(client, settings):
    settings.SITE_OPERATOR = "Stadt Kaiserslautern, Referat Bürgerbeteiligung"
    assert (
        "Stadt Kaiserslautern, Referat Bürgerbeteiligung"
        in client.get("/impressum/").content.decode()
    )


def test_operator_can_override_a_page_template(client, settings, tmp_path):
    (tmp_path / "pages" / "de").mkdir(parents=True)
    (tmp_path / "pages" / "de" / "impressum.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Eigenes Impressum der Stadt</h1>{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    assert "Eigenes Impressum der Stadt" in client.get("/impressum/").content.decode()


def test_content_security_policy_forbids_inline_script(client):
    policy = client.get("/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_carry_no_inline_script(client, draft):
    for url in ["/", draft.get_absolute_url(), "/accounts/login/", "/accounts/signup/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html, url


def test_every_form_control_has_a_label(client):
    import re

    html = client.get("/accounts/signup/").content.decode()
    for control_id in re.findall(
        r'<input[^>]+type="(?:text|email|password|checkbox)"[^>]*id="([^"]+)"', html
    ):
        assert f'for="{control_id}"' in html, control_id
