"""The answer table (Abwägungstabelle) as a Word document: what each edition holds, who may
download it, and that Word-compatible readers open it (python-docx always, LibreOffice where it
is installed)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from comments import services
from comments.feedback import group_services
from comments.feedback import services as answers
from comments.models import Comment, CommentStatus
from comments.moderation import services as moderation
from drafts.models import DraftStatus
from drafts.services import draft_publish_version
from tests.feedback.helpers import download
from tests.office import needs_libreoffice, pdf_from_docx

pytestmark = pytest.mark.django_db

TEXT_V1 = "Die Stadt baut neue Radwege an allen Hauptstraßen.\n\nZweiter Absatz bleibt."
TEXT_V2 = "Die Stadt baut sichere Radwege an allen Straßen.\n\nZweiter Absatz bleibt."
NOTE = "Interne Notiz: Verfasser ist Mitarbeiter der Verwaltung"


@pytest.fixture
def table(make_draft, citizen, other_citizen, moderator, wg):
    """Version 1 with comments, version 2 that took one up; answers published, drafted, none;
    a hidden and a pending comment; a theme; an internal note."""
    draft = make_draft(text=TEXT_V1, slug="tabelle", moderation="post")
    first, second = draft.paragraphs.order_by("position")
    published = services.comment_create(
        user=citizen, paragraph=first, body="Bitte sichere Radwege statt neuer."
    )
    drafted = services.comment_create(
        user=other_citizen, paragraph=second, body="Der zweite Absatz ist zu lang."
    )
    unanswered = services.comment_create(user=citizen, paragraph=second, body="Noch offen hier.")
    hidden = services.comment_create(user=other_citizen, paragraph=first, body="Versteckter Spam")
    moderation.comment_hide(moderator=moderator, comment=hidden, reason="spam")
    draft_publish_version(draft=draft, text=TEXT_V2, message="Fassung 2", user=wg)
    answers.answer_save(
        user=wg,
        comment=published,
        disposition="adopted",
        reply="Übernommen: sichere Radwege.",
        version=2,
        publish=True,
    )
    answers.answer_save(user=wg, comment=drafted, disposition="noted", reply="Entwurf der AG")
    group_services.comment_note_save(user=wg, comment=published, note=NOTE)
    theme = group_services.theme_create(user=wg, draft=draft, name="Verkehr")
    group_services.themes_tag(user=wg, theme=theme, comment_ids=[published.pk])
    pending = Comment.objects.create(
        draft=draft,
        paragraph=first,
        author=citizen,
        body="Wartet auf Freigabe",
        body_html="<p>Wartet auf Freigabe</p>",
        version=2,
        status=CommentStatus.PENDING,
    )
    return {
        "draft": draft,
        "published": published,
        "drafted": drafted,
        "unanswered": unanswered,
        "hidden": hidden,
        "pending": pending,
    }


def _close(draft) -> None:
    draft.closes_at = timezone.now() - timedelta(minutes=1)
    draft.save(update_fields=["closes_at"])
    assert draft.status == DraftStatus.CLOSED


def _document(body: bytes):
    return Document(io.BytesIO(body))


def _all_text(document) -> str:
    """Every piece of text in the package's main part and headers, as one string."""
    parts = [document.element.xml]
    for section in document.sections:
        parts.append(section.header._element.xml)
    return "".join(parts)


def _cells(document) -> list[list[str]]:
    (table,) = document.tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def _header(document) -> str:
    return " ".join(p.text for s in document.sections for p in s.header.paragraphs)


def test_public_edition_has_published_answers_only_landscape_with_german_headings(
    client, table, wg
):
    client.force_login(wg)
    response = client.get("/drafts/tabelle/feedback.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert 'filename="abwaegungstabelle-tabelle-veroeffentlichung.docx"' in disposition
    document = _document(response.content)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    rows = _cells(document)
    assert rows[0] == ["Nr.", "Stellungnahme", "Abwägung", "Änderung"]
    text = "\n".join(" | ".join(r) for r in rows)
    published = table["published"]
    assert published.body in text and "Übernommen: sichere Radwege." in text
    assert "übernommen" in text  # the disposition's label
    assert "Thema: Verkehr" in text and "anna" in text
    # The paragraph as written on, with its number then and now.
    assert "Absatz 1 in Fassung 1" in text and TEXT_V1.split("\n")[0] in text
    for left_out in ("drafted", "unanswered", "hidden", "pending"):
        assert table[left_out].body not in text, left_out
    assert "Entwurf der AG" not in text
    everything = _all_text(document)
    assert NOTE not in everything and "Interne Notiz" not in everything
    assert "intern" not in _header(document).lower()


def test_change_column_marks_the_words_the_version_changed(client, table, wg):
    client.force_login(wg)
    document = _document(download(client, "/drafts/tabelle/feedback.docx"))
    (table_,) = document.tables
    row = next(r for r in table_.rows if r.cells[0].text == str(table["published"].pk))
    change = row.cells[3]
    assert change.paragraphs[0].text == "Fassung 2"
    runs = change.paragraphs[1].runs
    struck = {r.text.strip() for r in runs if r.font.strike}
    underlined = {r.text.strip() for r in runs if r.font.underline}
    assert struck == {"neue", "Hauptstraßen"}
    assert underlined == {"sichere", "Straßen"}


def test_internal_edition_has_every_published_comment_and_intern_on_every_page(client, table, wg):
    client.force_login(wg)
    response = client.get("/drafts/tabelle/feedback.docx?internal=1")
    assert 'filename="abwaegungstabelle-tabelle-intern.docx"' in response["Content-Disposition"]
    document = _document(response.content)
    for section in document.sections:
        assert not section.header.is_linked_to_previous
        assert "intern" in " ".join(p.text for p in section.header.paragraphs)
    text = "\n".join(" | ".join(r) for r in _cells(document))
    for shown in ("published", "drafted", "unanswered"):
        assert table[shown].body in text, shown
    assert "Entwurf der AG" in text and "Entwurf, nicht veröffentlicht" in text
    for left_out in ("hidden", "pending"):
        assert table[left_out].body not in text, left_out
    assert NOTE not in _all_text(document)


def test_headings_in_english_on_en(client, table, wg):
    client.force_login(wg)
    document = _document(download(client, "/en/drafts/tabelle/feedback.docx?internal=1"))
    assert _cells(document)[0] == ["No.", "Comment", "Disposition", "Change"]
    assert "internal" in _header(document)


def test_access(client, table, citizen, moderator):
    url = "/drafts/tabelle/feedback.docx"
    # Anonymous: the login page for the internal edition; the public one only with the results.
    response = client.get(url + "?internal=1")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    assert client.get(url + "?internal=1").status_code == 403
    assert client.get(url).status_code == 404
    client.force_login(moderator)  # the moderation sees the public edition, not the internal
    assert client.get(url).status_code == 200
    assert client.get(url + "?internal=1").status_code == 403


def test_citizens_get_the_public_edition_once_the_results_are_out(client, table, citizen):
    draft = table["draft"]
    _close(draft)
    for user in (None, citizen):
        client.logout()
        if user:
            client.force_login(user)
        document = _document(download(client, "/drafts/tabelle/feedback.docx?internal=0"))
        text = "\n".join(" | ".join(r) for r in _cells(document))
        assert table["published"].body in text
        assert table["drafted"].body not in text and "Entwurf der AG" not in text
        assert NOTE not in _all_text(document)
        assert "intern" not in _header(document).lower()
    assert client.get("/drafts/tabelle/feedback.docx?internal=1").status_code == 403


def test_summary_and_results_pages_link_the_download(client, table, wg):
    client.force_login(wg)
    html = client.get("/drafts/tabelle/feedback/").content.decode()
    assert 'href="/drafts/tabelle/feedback.docx?internal=1"' in html
    assert 'href="/drafts/tabelle/feedback.docx"' in html
    draft = table["draft"]
    _close(draft)
    client.logout()
    html = client.get("/drafts/tabelle/results/").content.decode()
    assert 'href="/drafts/tabelle/feedback.docx"' in html


def test_a_control_character_in_a_comment_still_gives_a_valid_document(client, table, wg):
    Comment.objects.filter(pk=table["published"].pk).update(body="Text mit \x0b Steuerzeichen")
    client.force_login(wg)
    document = _document(download(client, "/drafts/tabelle/feedback.docx"))
    assert any("Steuerzeichen" in r[1] for r in _cells(document))


@needs_libreoffice
def test_libreoffice_converts_it_to_pdf(client, table, wg, tmp_path):
    client.force_login(wg)
    source = tmp_path / "tabelle.docx"
    source.write_bytes(download(client, "/drafts/tabelle/feedback.docx?internal=1"))
    pdf = pdf_from_docx(source)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_every_run_is_well_formed_wordprocessingml(client, table, wg):
    """The table is written as text: every run python-docx reads back has its w:t inside."""
    client.force_login(wg)
    document = _document(download(client, "/drafts/tabelle/feedback.docx?internal=1"))
    body = document.element.body
    assert body[-1].tag == qn("w:sectPr"), "the section properties stay last"
    (tbl,) = body.findall(qn("w:tbl"))
    assert tbl.find(qn("w:tblPr")).find(qn("w:tblHeader")) is None
    assert tbl.findall(qn("w:tr"))[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None


def test_alike_comments_are_counted_as_on_the_answers_page(client, make_draft, citizen, wg):
    """Two alike comments: each row says "2 gleichlautende Stellungnahmen" (the group's size, as
    the answers page counts it), never "1 gleichlautende Stellungnahmen"."""
    draft = make_draft(text=TEXT_V1, slug="gleich", moderation="post")
    first = draft.paragraphs.order_by("position").first()
    body = "Wir brauchen sichere Radwege an allen Hauptstraßen der Innenstadt, bitte schnell."
    services.comment_create(user=citizen, paragraph=first, body=body)
    services.comment_create(user=wg, paragraph=first, body=body + " Danke!")
    client.force_login(wg)
    text = "\n".join(
        " | ".join(r)
        for r in _cells(_document(client.get("/drafts/gleich/feedback.docx?internal=1").content))
    )
    assert text.count("2 gleichlautende Stellungnahmen") == 2
    assert "1 gleichlautende" not in text
