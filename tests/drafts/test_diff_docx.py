"""The new version of a draft as .docx with the changes as tracked changes (w:ins / w:del):
accepting every change gives the new text, rejecting every change the old one."""

import io
from datetime import UTC, timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn

from drafts.services import draft_publish_version
from tests.office import needs_libreoffice, pdf_from_docx

pytestmark = pytest.mark.django_db

TEXT_V1 = "Die Stadt baut neue Radwege.\n\nDieser Absatz fällt weg.\n\nDer Rest bleibt."
TEXT_V2 = "Die Stadt baut sichere Radwege.\n\nDer Rest bleibt.\n\nEin ganz neuer Absatz."


@pytest.fixture
def versions(make_draft, wg):
    draft = make_draft(text=TEXT_V1, slug="fassungen")
    draft_publish_version(draft=draft, text=TEXT_V2, message="Fassung 2", user=wg)
    return draft


def test_tracked_changes_are_dated_when_the_newer_version_was_published(client, versions):
    published = versions.versions.get(number=2).created_at - timedelta(days=40)
    versions.versions.filter(number=2).update(created_at=published)
    response = client.get("/drafts/fassungen/versions/1/diff/2.docx")
    body = Document(io.BytesIO(response.content)).element.body
    dates = {e.get(qn("w:date")) for e in [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]}
    assert dates == {published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}, "not the download's"


def _texts(document, *, accept: bool) -> list[str]:
    """The body's paragraphs after accepting (or rejecting) every tracked change."""
    out = []
    for p in document.element.body.iter(qn("w:p")):
        pieces = []
        for node in p.iter(qn("w:t"), qn("w:delText")):
            inside = {a.tag for a in node.iterancestors()}
            if qn("w:ins") in inside and not accept:
                continue
            if node.tag == qn("w:delText") and accept:
                continue
            pieces.append(node.text or "")
        out.append("".join(pieces))
    return out


def test_changes_are_tracked_so_accepting_gives_the_new_and_rejecting_the_old_text(
    client, versions
):
    response = client.get("/drafts/fassungen/versions/1/diff/2.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    body = document.element.body
    inserted = ["".join(t.text for t in e.iter(qn("w:t"))) for e in body.iter(qn("w:ins"))]
    deleted = ["".join(t.text for t in e.iter(qn("w:delText"))) for e in body.iter(qn("w:del"))]
    assert "sichere" in " ".join(inserted) and "Ein ganz neuer Absatz." in inserted
    assert "neue" in " ".join(deleted) and "Dieser Absatz fällt weg." in deleted
    ids = [e.get(qn("w:id")) for e in [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]]
    assert len(ids) == len(set(ids)), "each tracked change has its own id"
    assert all(e.get(qn("w:author")) == "Fassung 2" for e in body.iter(qn("w:ins")))
    accepted = [t for t in _texts(document, accept=True)[2:] if t]
    rejected = [t for t in _texts(document, accept=False)[2:] if t]
    assert accepted == TEXT_V2.split("\n\n")
    assert rejected == TEXT_V1.split("\n\n")


def test_diff_page_links_it_and_a_missing_version_is_404(client, versions):
    html = client.get("/drafts/fassungen/versions/1/diff/2/").content.decode()
    assert 'href="/drafts/fassungen/versions/1/diff/2.docx"' in html
    assert client.get("/drafts/fassungen/versions/1/diff/9.docx").status_code == 404


def test_a_draft_in_preparation_is_404_for_citizens(client, make_draft, citizen, wg):
    draft = make_draft(text=TEXT_V1, slug="vorbereitung", open=False)
    draft_publish_version(draft=draft, text=TEXT_V2, message="Fassung 2", user=wg)
    client.force_login(citizen)
    assert client.get("/drafts/vorbereitung/versions/1/diff/2.docx").status_code == 404
    client.force_login(wg)
    assert client.get("/drafts/vorbereitung/versions/1/diff/2.docx").status_code == 200


@needs_libreoffice
def test_libreoffice_converts_it_to_pdf(client, versions, tmp_path):
    source = tmp_path / "fassung.docx"
    source.write_bytes(client.get("/drafts/fassungen/versions/1/diff/2.docx").content)
    assert pdf_from_docx(source).startswith(b"%PDF")
