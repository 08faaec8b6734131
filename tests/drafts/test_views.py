"""The working group's pages and the public history pages, over HTTP."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drafts.models import Draft
from drafts.services import draft_create, draft_open, draft_publish_version
from tests.data import DRAFT_TEXT

pytestmark = pytest.mark.django_db


def test_reading_page_has_stable_paragraph_anchors(client, draft):
    html = client.get(draft.get_absolute_url()).content.decode()
    for key in draft.paragraphs.values_list("key", flat=True):
        assert f'id="p-{key}"' in html and f'data-paragraph="{key}"' in html
    assert "Inhalt" in html or "Contents" in html
    assert "noch 21 Tage" in html or "21 days left" in html


def test_reading_an_older_version_shows_a_banner(client, draft, wg):
    draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="m", user=wg
    )
    html = client.get(draft.get_absolute_url() + "?version=1").content.decode()
    assert "Engagement" in html
    assert 'role="note"' in html
    assert client.get(draft.get_absolute_url() + "?version=7").status_code == 404
    assert client.get(draft.get_absolute_url() + "?version=x").status_code == 404


def test_draft_in_preparation_is_hidden_from_citizens(client, make_draft, citizen, wg):
    hidden = make_draft(slug="geheim", open=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(citizen)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(wg)
    assert client.get(hidden.get_absolute_url()).status_code == 200


def test_versions_and_diff_pages(client, draft, wg):
    draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="Wortwahl", user=wg
    )
    html = client.get(reverse("draft_versions", args=[draft.slug])).content.decode()
    assert "Wortwahl" in html and "ak" in html
    diff = client.get(reverse("draft_diff", args=[draft.slug, 1, 2])).content.decode()
    assert "<del>" in diff and "<ins>" in diff and "Einsatz" in diff
    assert client.get(reverse("draft_diff", args=[draft.slug, 1, 5])).status_code == 404
    changed = draft.paragraphs.get(archived=False, text__contains="Einsatz").key
    url = reverse("draft_diff", args=[draft.slug, 1, 2])
    one = client.get(f"{url}?paragraph={changed}").content.decode()
    assert "Einsatz" in one and "Transparenz" not in one, "one paragraph's changes only"
    for unknown in ("kein-absatz", "00000000-0000-0000-0000-000000000000"):
        page = client.get(f"{url}?paragraph={unknown}")
        assert page.status_code == 200 and "Einsatz" not in page.content.decode()


def test_citizens_cannot_reach_the_working_group_pages(client, draft, citizen):
    urls = [reverse("draft_create"), reverse("draft_edit", args=[draft.slug])]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(citizen)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("draft_close", args=[draft.slug])).status_code == 403
    assert client.post(reverse("draft_revert", args=[draft.slug, 1])).status_code == 403


def test_working_group_previews_then_publishes(client, wg):
    client.force_login(wg)
    data = {
        "title": "Neue Leitlinien",
        "slug": "neu",
        "moderation": "pre",
        "text": DRAFT_TEXT,
        "source_format": "markdown",
        "message": "",
    }
    preview = client.post(reverse("draft_create"), {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "Vorschau" in preview.content.decode() or "Preview" in preview.content.decode()
    assert not Draft.objects.exists(), "a preview writes nothing"
    response = client.post(reverse("draft_create"), {**data, "publish": "1"})
    assert response.status_code == 302
    assert Draft.objects.get(slug="neu").paragraphs.count() == 7


def test_edit_preview_shows_which_paragraphs_keep_their_keys(client, draft, wg):
    client.force_login(wg)
    text = DRAFT_TEXT.replace("Engagement", "Einsatz") + "\nEin ganz neuer Absatz.\n"
    html = client.post(
        reverse("draft_edit", args=[draft.slug]),
        {"text": text, "source_format": "markdown", "preview": "1"},
    ).content.decode()
    assert "preview__block--changed" in html and "preview__block--new" in html
    assert html.count("preview__block--unchanged") == 6
    draft.refresh_from_db()
    assert draft.version == 1


def test_upload_of_a_docx(client, draft, wg):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("1. Präambel", level=1)
    document.add_paragraph("Die Stadt lebt vom Engagement ihrer Bürgerinnen und Bürger.")
    buffer = io.BytesIO()
    document.save(buffer)
    client.force_login(wg)
    upload = SimpleUploadedFile("entwurf.docx", buffer.getvalue())
    response = client.post(
        reverse("draft_edit", args=[draft.slug]),
        {"upload": upload, "source_format": "markdown", "message": "Word", "publish": "1"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.paragraphs.filter(archived=False, kind="heading", section="1").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bild.docx", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        ("alt.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100),
        ("kaputt.docx", b"PK\x03\x04kaputt"),
    ],
)
def test_bad_upload_gives_a_message_and_changes_nothing(client, draft, wg, name, content):
    client.force_login(wg)
    response = client.post(
        reverse("draft_edit", args=[draft.slug]),
        {
            "upload": SimpleUploadedFile(name, content),
            "source_format": "markdown",
            "message": "x",
            "publish": "1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["upload"]
    draft.refresh_from_db()
    assert draft.version == 1


def test_empty_text_is_refused_with_a_message(client, draft, wg):
    client.force_login(wg)
    response = client.post(
        reverse("draft_edit", args=[draft.slug]),
        {"text": "  ", "source_format": "markdown", "message": "x", "publish": "1"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["text"]


def test_revert_from_the_history_page(client, draft, wg):
    draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="m", user=wg
    )
    client.force_login(wg)
    url = reverse("draft_revert", args=[draft.slug, 1])
    page = client.get(reverse("draft_versions", args=[draft.slug])).content.decode()
    assert f'</summary>\n  <form method="post" action="{url}"' in page, "asks first"
    asked = client.post(url)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    draft.refresh_from_db()
    assert draft.version == 2, "nothing published without the confirmation"
    client.post(url, {"confirm": "yes"})
    draft.refresh_from_db()
    assert draft.version == 3
    assert draft.paragraphs.filter(archived=False, text__contains="Engagement").exists()


def _long_text(n: int) -> str:
    return "# Titel\n\n" + "\n\n".join(
        f"Absatz Nummer {i} mit eigenem Inhalt über Beteiligung in Stadtteil {i}." for i in range(n)
    )


def test_reading_page_query_count_does_not_grow_with_paragraphs(client, wg):
    counts = []
    for n, slug in [(10, "klein"), (1000, "gross")]:
        draft = draft_create(title=slug, slug=slug, text=_long_text(n), user=wg)
        draft_open(draft=draft)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(draft.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
