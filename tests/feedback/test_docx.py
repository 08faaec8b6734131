"""The answer table (Abwägungstabelle) as a Word document: what each edition holds, who may
download it, and that Word-compatible readers open it (python-docx always, LibreOffice where it
is installed)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from comments import services
from comments.models import Comment
from drafts.models import DraftStatus
from tests.feedback.helpers import NOTE, TEXT_V1, docx_all_text, docx_document, docx_rows, download
from tests.office import needs_libreoffice, pdf_from_docx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


def _close(draft) -> None:
    draft.closes_at = timezone.now() - timedelta(minutes=1)
    draft.save(update_fields=["closes_at"])
    assert draft.status == DraftStatus.CLOSED


def _header(document) -> str:
    return " ".join(p.text for s in document.sections for p in s.header.paragraphs)


def test_public_edition_has_every_published_comment_but_published_answers_only(client, table, wg):
    client.force_login(wg)
    response = client.get("/drafts/tabelle/feedback.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert 'filename="abwaegungstabelle-tabelle-veroeffentlichung.docx"' in disposition
    document = docx_document(b"".join(response.streaming_content))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    rows = docx_rows(document)
    assert rows[0] == ["Nr.", "Stellungnahme", "Abwägung", "Änderung"]
    text = "\n".join(" | ".join(r) for r in rows)
    published = table["published"]
    assert published.body in text and "Übernommen: sichere Radwege." in text
    assert "übernommen" in text  # the disposition's label
    assert "Thema: Verkehr" in text and "anna" in text
    # The paragraph as written on, with its number then and now.
    assert "Absatz 1 in Fassung 1" in text and TEXT_V1.split("\n")[0] in text
    # Every published comment; where its answer is not published, the answer is pending.
    rows_of = {r[0]: r for r in rows}
    for pending in ("drafted", "unanswered"):
        row = rows_of[str(table[pending].pk)]
        assert table[pending].body in row[1] and row[2] == "Antwort steht noch aus", pending
    for left_out in ("hidden", "pending"):
        assert table[left_out].body not in text, left_out
    assert "Entwurf der AG" not in text and "zur Kenntnis" not in text, "nothing of a draft"
    everything = docx_all_text(document)
    assert NOTE not in everything and "Interne Notiz" not in everything
    assert "intern" not in _header(document).lower()


def test_change_column_marks_the_words_the_version_changed(client, table, wg):
    client.force_login(wg)
    document = docx_document(download(client, "/drafts/tabelle/feedback.docx"))
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
    document = docx_document(b"".join(response.streaming_content))
    for section in document.sections:
        assert not section.header.is_linked_to_previous
        assert "intern" in " ".join(p.text for p in section.header.paragraphs)
    text = "\n".join(" | ".join(r) for r in docx_rows(document))
    for shown in ("published", "drafted", "unanswered"):
        assert table[shown].body in text, shown
    assert "Entwurf der AG" in text and "Entwurf, nicht veröffentlicht" in text
    for left_out in ("hidden", "pending"):
        assert table[left_out].body not in text, left_out
    assert NOTE not in docx_all_text(document)


def test_headings_in_english_on_en(client, table, wg):
    client.force_login(wg)
    document = docx_document(download(client, "/en/drafts/tabelle/feedback.docx?internal=1"))
    assert docx_rows(document)[0] == ["No.", "Comment", "Disposition", "Change"]
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
        document = docx_document(download(client, "/drafts/tabelle/feedback.docx?internal=0"))
        text = "\n".join(" | ".join(r) for r in docx_rows(document))
        assert table["published"].body in text and table["drafted"].body in text
        assert "Entwurf der AG" not in text and "Antwort steht noch aus" in text
        assert NOTE not in docx_all_text(document)
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


def test_a_control_character_in_a_comment_still_gives_a_validdocx_document(client, table, wg):
    Comment.objects.filter(pk=table["published"].pk).update(body="Text mit \x0b Steuerzeichen")
    client.force_login(wg)
    document = docx_document(download(client, "/drafts/tabelle/feedback.docx"))
    assert any("Steuerzeichen" in r[1] for r in docx_rows(document))


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
    document = docx_document(download(client, "/drafts/tabelle/feedback.docx?internal=1"))
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
        for r in docx_rows(
            docx_document(download(client, "/drafts/gleich/feedback.docx?internal=1"))
        )
    )
    assert text.count("2 gleichlautende Stellungnahmen") == 2
    assert "1 gleichlautende" not in text
