"""Both languages on every page kind: the switch keeps the page, /en/ pages speak English."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

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


@pytest.mark.parametrize(("start", "to"), [("", "en"), ("/en", "de")])
def test_the_language_switch_keeps_every_page(client, make_user, start, to):
    site = build_site(make_user)
    target = "/en" if to == "en" else ""
    wrong = []
    for kind, (path, role) in site.pages.items():
        if kind in ("thread fragment", "moderation item", "room"):
            continue  # fragments for the page's script and the projector view: no header
        client.logout()
        if role:
            client.force_login(site.users[role])
        landed = _switch(client, start + path, to)
        if landed != target + path:
            wrong.append(f"{kind}: {start + path} -> {landed}")
            continue
        page = client.get(landed)
        if page.status_code != 200 or f'<html lang="{to}">' not in page.content.decode():
            wrong.append(f"{kind}: {landed} answers {page.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_switch_on_a_404_page_keeps_the_address_without_its_prefix(client):
    # A 404 page has the switch too; it keeps the (unknown) address without the old prefix.
    response = client.get("/en/drafts/no-such-draft/")
    assert response.status_code == 404
    form = _SwitchForm()
    form.feed(response.content.decode())
    assert form.next == "/drafts/no-such-draft/"
