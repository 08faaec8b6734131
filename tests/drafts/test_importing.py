"""Reading uploaded draft files: Word, Markdown, text, and everything we refuse."""

import io
import zipfile

import docx
import pytest
from django.utils import translation
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from drafts.importing import MAX_UPLOAD_BYTES, DraftFileError, text_from_upload
from drafts.splitting import split_markdown


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def markdown_of(document) -> str:
    source, fmt = text_from_upload("Entwurf.docx", docx_bytes(document))
    assert fmt == "markdown"
    return source


# --- Word -----------------------------------------------------------------------------------


def test_docx_headings_paragraphs_and_emphasis():
    document = docx.Document()
    document.add_heading("Leitlinien für Bürgerbeteiligung", 0)
    document.add_heading("1. Präambel", 1)
    paragraph = document.add_paragraph("Die Stadt ")
    paragraph.add_run("informiert").bold = True
    paragraph.add_run(" früh").bold = True
    paragraph.add_run(" und ")
    paragraph.add_run("umfassend").italic = True
    paragraph.add_run(".")
    document.add_heading("1.1 Ziele", 2)
    document.add_paragraph("")
    document.add_paragraph("Zweiter Absatz.")
    assert markdown_of(document) == (
        "# Leitlinien für Bürgerbeteiligung\n\n"
        "# 1. Präambel\n\n"
        "Die Stadt **informiert früh** und *umfassend*.\n\n"
        "## 1.1 Ziele\n\n"
        "Zweiter Absatz."
    )


def test_docx_bold_italic_and_whitespace_outside_markers():
    document = docx.Document()
    paragraph = document.add_paragraph("Ein")
    run = paragraph.add_run(" beides ")
    run.bold = run.italic = True
    paragraph.add_run("Ende")
    paragraph = document.add_paragraph("Haupt")
    paragraph.add_run("satz").bold = True
    assert markdown_of(document) == "Ein ***beides*** Ende\n\nHaupt**satz**"
    html = [block.html for block in split_markdown(markdown_of(document))]
    assert html == [
        "<p>Ein <em><strong>beides</strong></em> Ende</p>",
        "<p>Haupt<strong>satz</strong></p>",
    ]


def test_docx_lists_are_grouped_and_nested():
    document = docx.Document()
    document.add_paragraph("Formate:")
    document.add_paragraph("Information", style="List Bullet")
    document.add_paragraph("online", style="List Bullet 2")
    document.add_paragraph("Konsultation", style="List Bullet")
    document.add_paragraph("Danach.")
    document.add_paragraph("Erstens", style="List Number")
    document.add_paragraph("Zweitens", style="List Number")
    source = markdown_of(document)
    assert source == (
        "Formate:\n\n"
        "- Information\n"
        "    - online\n"
        "- Konsultation\n\n"
        "Danach.\n\n"
        "1. Erstens\n"
        "2. Zweitens"
    )
    kinds = [block.kind for block in split_markdown(source)]
    assert kinds == ["text", "list", "text", "list"]


def test_docx_numbering_continued_after_a_paragraph_keeps_its_numbers():
    document = docx.Document()
    document.add_paragraph("Erstens", style="List Number")
    document.add_paragraph("Zweitens", style="List Number")
    document.add_paragraph("Dazwischen ein Absatz.")
    document.add_paragraph("Drittens", style="List Number")
    source = markdown_of(document)
    assert source == "1. Erstens\n2. Zweitens\n\nDazwischen ein Absatz.\n\n3. Drittens"
    blocks = split_markdown(source)
    assert blocks[2].html.startswith('<ol start="3">\n<li>Drittens')


def test_docx_numbering_properties_make_a_list_item():
    document = docx.Document()
    paragraph = document.add_paragraph("Punkt mit Nummerierung")
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "1")
    num_id = OxmlElement("w:numId")
    num_id.set(qn("w:val"), "999")  # not defined: the format is unknown, so a bullet
    num_pr.append(ilvl)
    num_pr.append(num_id)
    p_pr.append(num_pr)
    assert markdown_of(document) == "    - Punkt mit Nummerierung"


def test_docx_list_paragraph_style_without_numbering_is_a_paragraph():
    document = docx.Document()
    document.add_paragraph("Eingerückt, aber kein Punkt.", style="List Paragraph")
    document.add_paragraph("Fortsetzung.", style="List Continue")
    assert markdown_of(document) == "Eingerückt, aber kein Punkt.\n\nFortsetzung."


def test_docx_table_becomes_a_pipe_table():
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate(
        [("Format", "Frist"), ("Online | Web", "4 Wochen"), ("Vor Ort", "")]
    ):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    source = markdown_of(document)
    assert source == (
        "| Format | Frist |\n| --- | --- |\n| Online \\| Web | 4 Wochen |\n| Vor Ort |  |"
    )
    [block] = split_markdown(source)
    assert block.kind == "table"
    assert "<td>Online | Web</td>" in block.html


def test_docx_order_of_paragraphs_and_tables_is_kept():
    document = docx.Document()
    document.add_paragraph("Vorher.")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Zelle"
    document.add_paragraph("Nachher.")
    assert markdown_of(document) == "Vorher.\n\n| Zelle |\n| --- |\n\nNachher."


@pytest.mark.parametrize(
    ("text", "markdown", "rendered"),
    [
        ("# keine Überschrift", "\\# keine Überschrift", "<p># keine Überschrift</p>"),
        ("- kein Punkt", "\\- kein Punkt", "<p>- kein Punkt</p>"),
        ("+ kein Punkt", "\\+ kein Punkt", "<p>+ kein Punkt</p>"),
        ("1. keine Liste", "1\\. keine Liste", "<p>1. keine Liste</p>"),
        ("2) keine Liste", "2\\) keine Liste", "<p>2) keine Liste</p>"),
        ("> kein Zitat", "\\> kein Zitat", "<p>&gt; kein Zitat</p>"),
        ("<b>kein HTML</b>", "\\<b\\>kein HTML\\</b\\>", "<p>&lt;b&gt;kein HTML&lt;/b&gt;</p>"),
        ("Bürger*innen", "Bürger\\*innen", "<p>Bürger*innen</p>"),
        ("a_b_c", "a\\_b\\_c", "<p>a_b_c</p>"),
        ("[kein](Link)", "\\[kein\\](Link)", "<p>[kein](Link)</p>"),
        ("`kein Code`", "\\`kein Code\\`", "<p>`kein Code`</p>"),
        ("&amp; bleibt", "\\&amp; bleibt", "<p>&amp;amp; bleibt</p>"),
        ("    eingerückt", "eingerückt", "<p>eingerückt</p>"),
        ("===", "\\===", "<p>===</p>"),
    ],
)
def test_docx_text_is_escaped_for_markdown(text, markdown, rendered):
    document = docx.Document()
    document.add_paragraph(text)
    source = markdown_of(document)
    assert source == markdown
    [block] = split_markdown(source)
    assert block.html == rendered


def test_docx_line_breaks_become_hard_breaks():
    document = docx.Document()
    run = document.add_paragraph("Zeile eins").add_run()
    run.add_break()
    run.add_text("- Zeile zwei")
    source = markdown_of(document)
    assert source == "Zeile eins\\\n\\- Zeile zwei"
    [block] = split_markdown(source)
    assert block.html == "<p>Zeile eins<br>\n- Zeile zwei</p>"


def add_hyperlink(paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def test_docx_web_links_become_links_others_stay_text():
    document = docx.Document()
    paragraph = document.add_paragraph("Siehe ")
    add_hyperlink(paragraph, "https://example.org/a b(c)", "die Seite")
    paragraph.add_run(" und ")
    add_hyperlink(paragraph, "javascript:alert(1)", "das hier")
    source = markdown_of(document)
    assert source == "Siehe [die Seite](https://example.org/a%20b%28c%29) und das hier"
    [block] = split_markdown(source)
    assert block.html == (
        '<p>Siehe <a href="https://example.org/a%20b%28c%29">die Seite</a> und das hier</p>'
    )


def test_docx_german_style_names_are_headings():
    document = docx.Document()
    document.styles["Heading 2"].name = "Überschrift 2"
    document.add_paragraph("3.2 Formate", style="Überschrift 2")
    assert markdown_of(document) == "## 3.2 Formate"


def test_docx_without_text_is_an_error():
    document = docx.Document()
    document.add_paragraph("   ")
    with pytest.raises(DraftFileError, match="contains no text"):
        markdown_of(document)


def test_docx_is_recognized_by_content_not_name():
    document = docx.Document()
    document.add_paragraph("Aus Word.")
    assert text_from_upload("entwurf.md", docx_bytes(document)) == ("Aus Word.", "markdown")


# --- broken and refused files ---------------------------------------------------------------


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("leer.txt", b"", "file is empty"),
        ("leer.md", b"  \n\n ", "file is empty"),
        ("gross.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "too large: 2.0 MB"),
        ("alt.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
        ("geheim.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "without a password"),
        ("kaputt.docx", b"PK\x03\x04 das ist kein zip", "cannot be read"),
        ("kaputt.docx", zip_bytes({"hallo.txt": b"x"}), "cannot be read"),
        ("kaputt.docx", zip_bytes({"word/document.xml": b"<kein xml"}), "cannot be read"),
        ("text.docx", b"Nur Text, kein Word.", "cannot be read"),
        (
            "tabelle.md",
            zip_bytes({"[Content_Types].xml": b"<x/>", "xl/wb.xml": b"x"}),
            "neither text",
        ),
        ("bild.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "neither text"),
        ("foto.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF", "neither text"),
        ("programm.md", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "neither text"),
        ("programm.md", b"\x7fELF\x02\x01\x01\x00", "neither text"),
        ("binaer.txt", bytes(range(1, 32)) * 10, "neither text"),
        ("dokument.md", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF files cannot be imported"),
        ("entwurf.rtf", b"Text", "“.rtf” are not supported"),
        ("entwurf.odt", b"Text", "“.odt” are not supported"),
        ("entwurf", b"Text", "“entwurf” are not supported"),
        ("kaputt.txt", b"\x81\x8d\x8f\x90\x9d", "encoding cannot be recognized"),
    ],
)
def test_refused_files_say_what_to_do(name, data, message):
    with pytest.raises(DraftFileError) as error:
        text_from_upload(name, data)
    assert message in str(error.value)


def test_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<x/>")
        package.writestr("word/document.xml", b"<w/>" + b" " * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_UPLOAD_BYTES
    with pytest.raises(DraftFileError, match="too large when unpacked"):
        text_from_upload("bombe.docx", buffer.getvalue())


def test_error_messages_are_translated():
    with translation.override("de"), pytest.raises(DraftFileError) as error:
        text_from_upload("leer.txt", b"")
    assert "leer" in str(error.value)


# --- text files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("entwurf.md", "# Titel\n\nBürger".encode(), ("# Titel\n\nBürger", "markdown")),
        ("ENTWURF.MARKDOWN", b"Text", ("Text", "markdown")),
        ("entwurf.txt", "Straße".encode(), ("Straße", "text")),
        ("mit-bom.md", b"\xef\xbb\xbf" + "Äpfel".encode(), ("Äpfel", "markdown")),
        ("windows.txt", "Bürger – „Zitat“ €".encode("cp1252"), ("Bürger – „Zitat“ €", "text")),
        ("utf16.txt", "Bürger".encode("utf-16"), ("Bürger", "text")),
        ("zeilen.txt", b"a\r\nb\r\n", ("a\r\nb\r\n", "text")),
        ("tabs.txt", b"a\tb\x0cc", ("a\tb\x0cc", "text")),
    ],
)
def test_text_files(name, data, expected):
    assert text_from_upload(name, data) == expected


def test_markdown_with_raw_html_is_neutralized_later_by_splitting():
    source, fmt = text_from_upload("x.md", b"<script>alert(1)</script>\n\nText")
    assert fmt == "markdown"
    assert all("<script" not in block.html for block in split_markdown(source))


def add_footnotes(document, notes: dict[int, str]) -> None:
    """Give the document a footnotes part (python-docx cannot write footnotes itself)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        for number, text in notes.items()
    )
    xml = (
        f'<w:footnotes xmlns:w="{w}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
        f"<w:separator/></w:r></w:p></w:footnote>{body}</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode(),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)


def add_footnote_reference(paragraph, number: int) -> None:
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    paragraph.add_run()._r.append(reference)


def test_docx_footnotes_become_footnotes_of_their_paragraph():
    document = docx.Document()
    paragraph = document.add_paragraph("Der Rat beschließt")
    add_footnote_reference(paragraph, 1)
    paragraph.add_run(" jährlich.")
    document.add_paragraph("Ohne Fußnote.")
    add_footnotes(document, {1: "Siehe Ratsbeschluss [2024]."})
    source = markdown_of(document)
    assert source == (
        "Der Rat beschließt[^1] jährlich.\n\nOhne Fußnote.\n\n[^1]: Siehe Ratsbeschluss \\[2024\\]."
    )
    blocks = split_markdown(source)
    assert [block.text for block in blocks] == [
        "Der Rat beschließt[1] jährlich. Siehe Ratsbeschluss [2024].",
        "Ohne Fußnote.",
    ]
    assert '<li id="fn-1" value="1"><p>Siehe Ratsbeschluss [2024].</p>' in blocks[0].html
