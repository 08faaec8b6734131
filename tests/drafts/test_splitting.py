"""Splitting Markdown and plain text into commentable blocks."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.sanitizing import DRAFT_ATTRIBUTES, DRAFT_TAGS
from drafts.splitting import (
    MAX_BLOCK_CHARS,
    MAX_BLOCK_ELEMENTS,
    MAX_BLOCKS,
    MAX_SOURCE_CHARS,
    Block,
    SplitError,
    section_number,
    split_markdown,
    split_plain_text,
)
from tests.deliberation.markup import XSS_VECTORS, assert_allowed


def kinds(blocks: list[Block]) -> list[str]:
    return [block.kind for block in blocks]


# --- Markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Ein Absatz.", ["text"]),
        ("Eins.\n\nZwei.", ["text", "text"]),
        ("Zeile eins\nZeile zwei", ["text"]),
        ("Harter  \nUmbruch", ["text"]),
        ("Harter\\\nUmbruch", ["text"]),
        ("# Titel\n\nText", ["heading", "text"]),
        ("Titel\n=====\n\nText", ["heading", "text"]),
        ("- a\n- b\n- c", ["list"]),
        ("- a\n  - a1\n  - a2\n- b", ["list"]),
        ("1. a\n2. b\n\n   Fortsetzung\n3. c", ["list"]),
        ("- a\n\n- b", ["list"]),
        ("> Zitat\n> weiter", ["quote"]),
        ("> Zitat\n\n> zweites", ["quote", "quote"]),
        ("> Zitat\n\nText", ["quote", "text"]),
        ("| a | b |\n|---|---|\n| 1 | 2 |", ["table"]),
        ("```\ncode\n```", ["text"]),
        ("    eingerückter code", ["text"]),
        ("Vorher\n\n---\n\nNachher", ["text", "text"]),
        ("# A\n## B\n### C", ["heading", "heading", "heading"]),
        ("![Bild](bild.png)\n\nText", ["text"]),
    ],
)
def test_markdown_block_kinds(source, expected):
    assert kinds(split_markdown(source)) == expected


def test_markdown_block_fields():
    blocks = split_markdown("## 3.2 Formate der *Beteiligung*\n\nDie Stadt  informiert **früh**.")
    heading, text = blocks
    assert heading == Block(
        kind="heading",
        source="## 3.2 Formate der *Beteiligung*",
        html="<h2>3.2 Formate der <em>Beteiligung</em></h2>",
        text="3.2 Formate der Beteiligung",
        level=2,
        section="3.2",
    )
    assert text.html == "<p>Die Stadt  informiert <strong>früh</strong>.</p>"
    assert text.text == "Die Stadt informiert früh."
    assert (text.level, text.section) == (None, "")


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("3. Formate", "3"),
        ("3 Formate", "3"),
        ("3.2 Formate", "3.2"),
        ("3.2. Formate", "3.2"),
        ("3.2.1 Formate", "3.2.1"),
        ("§ 4 Inkrafttreten", "4"),
        ("§4 Inkrafttreten", "4"),
        ("§ 4a Übergang", "4a"),
        ("IV. Verfahren", "IV"),
        ("XII. Schluss", "XII"),
        ("Formate", ""),
        ("2024 im Rückblick", ""),
        ("3.2Formate", ""),
        ("Ich bin", ""),
        ("IIII. Falsch", ""),
        ("Mix. Weder noch", ""),
        ("12", "12"),
    ],
)
def test_section_numbers(heading, section):
    assert section_number(heading) == section


@pytest.mark.parametrize(
    ("source", "level", "section", "text"),
    [
        ("# 1. Einleitung", 1, "1", "1. Einleitung"),
        ("### § 4 Inkrafttreten", 3, "4", "§ 4 Inkrafttreten"),
        ("###### IV. Teil", 6, "IV", "IV. Teil"),
        ("## Ohne Nummer", 2, "", "Ohne Nummer"),
    ],
)
def test_markdown_headings(source, level, section, text):
    [block] = split_markdown(source)
    assert (block.kind, block.level, block.section, block.text) == ("heading", level, section, text)


def test_a_whole_list_with_nested_lists_is_one_block():
    source = "- Information\n  - online\n  - vor Ort\n- Konsultation\n  1. Frist\n  2. Antwort"
    [block] = split_markdown(source)
    assert block.kind == "list"
    assert block.source == source
    assert block.html.count("<ul>") == 2 and block.html.count("<ol>") == 1
    assert block.text == "Information online vor Ort Konsultation Frist Antwort"


def test_source_is_the_blocks_lines():
    source = "Eins\nweiter\n\n\n- a\n- b\n\n> z\n> y"
    assert [block.source for block in split_markdown(source)] == [
        "Eins\nweiter",
        "- a\n- b",
        "> z\n> y",
    ]


def test_hard_breaks_stay_in_one_block_as_br():
    for source in ("eins  \nzwei", "eins\\\nzwei"):
        [block] = split_markdown(source)
        assert block.html == "<p>eins<br>\nzwei</p>"
        assert block.text == "eins zwei"


def test_table_keeps_structure_but_not_alignment_styles():
    [block] = split_markdown("| Format | Frist |\n|:--|--:|\n| Online | 4 Wochen |")
    assert block.kind == "table"
    assert "<th>Format</th>" in block.html and "<td>4 Wochen</td>" in block.html
    assert "style" not in block.html
    assert block.text == "Format Frist Online 4 Wochen"


def test_code_is_escaped_text():
    [block] = split_markdown("```html\n<script>alert(1)</script>\n```")
    assert block.kind == "text"
    assert block.html == "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>"
    assert block.text == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Text <b onclick='x'>fett</b>",
        "<div>\n*x*\n</div>",
        "<!-- Kommentar -->",
        '<img src="x" onerror="alert(1)">',
    ],
)
def test_raw_html_is_not_rendered(source):
    for block in split_markdown(source):
        assert_allowed(block.html, DRAFT_TAGS, DRAFT_ATTRIBUTES)
        assert "<b" not in block.html and "<div" not in block.html and "<img" not in block.html


@pytest.mark.parametrize(
    "source",
    [
        "[klick](javascript:alert(1))",
        "[klick](JaVaScRiPt:alert(1))",
        "[klick](vbscript:msgbox(1))",
        "[klick](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[klick][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_links_are_not_links(source):
    for block in split_markdown(source):
        assert "<a" not in block.html
        assert_allowed(block.html, DRAFT_TAGS, DRAFT_ATTRIBUTES)


def test_safe_links_are_kept():
    [block] = split_markdown('[Stadt](https://example.org/a?b=1&c=2 "Titel") <https://x.de>')
    assert '<a href="https://example.org/a?b=1&amp;c=2" title="Titel">Stadt</a>' in block.html
    assert '<a href="https://x.de">https://x.de</a>' in block.html


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_as_markdown(vector):
    for block in split_markdown(f"Text {vector}\n\n- {vector}\n\n> {vector}\n\n# {vector}"):
        assert_allowed(block.html, DRAFT_TAGS, DRAFT_ATTRIBUTES)


def test_german_text_survives():
    [block] = split_markdown("Bürgerinnen & Bürger äußern sich „frühzeitig“ – über Straßenbäume.")
    assert block.text == "Bürgerinnen & Bürger äußern sich „frühzeitig“ – über Straßenbäume."
    assert "&amp;" in block.html and "Straßenbäume" in block.html


def test_decomposed_umlauts_are_composed():
    [block] = split_markdown("Bu\u0308rger")
    assert block.text == "Bürger"


def test_windows_newlines_and_invisible_characters():
    blocks = split_markdown("# Titel\r\n\r\nText\u200b mit\u202e Steuerzeichen\x07")
    assert [block.text for block in blocks] == ["Titel", "Text mit Steuerzeichen"]


# --- plain text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Ein Absatz.", ["text"]),
        ("Eins.\n\nZwei.", ["text", "text"]),
        ("Eins.\n\n\n\nZwei.", ["text", "text"]),
        ("3.2 Formate", ["heading"]),
        ("3.2 Formate\n\nText.", ["heading", "text"]),
        ("§ 4 Inkrafttreten", ["heading"]),
        ("IV. Verfahren", ["heading"]),
        ("3.2 Formate der Beteiligung werden beschrieben.", ["text"]),
        ("3.2 Formate\nzweite Zeile", ["text"]),
        ("Formate ohne Nummer", ["text"]),
        ("3. " + "lang " * 40, ["text"]),
        ("3. Ein nummerierter Absatz.", ["text"]),
        ("- Ein einzelner Punkt.", ["list"]),
        ("- a\n- b", ["list"]),
        ("* a\n* b", ["list"]),
        ("• a\n• b", ["list"]),
        ("1. a\n2. b", ["list"]),
        ("1) a\n2) b", ["list"]),
        ("a) a\nb) b", ["list"]),
        ("- a\nkein Punkt", ["text"]),
        ("# kein Markdown", ["text"]),
    ],
)
def test_plain_text_block_kinds(source, expected):
    assert kinds(split_plain_text(source)) == expected


def test_plain_heading_fields():
    [block] = split_plain_text("3.2.1 Formate & Fristen")
    assert block == Block(
        kind="heading",
        source="3.2.1 Formate & Fristen",
        html="<h3>3.2.1 Formate &amp; Fristen</h3>",
        text="3.2.1 Formate & Fristen",
        level=3,
        section="3.2.1",
    )


def test_plain_heading_level_is_capped():
    [block] = split_plain_text("1.2.3.4.5.6.7 Tief")
    assert (block.level, block.html) == (6, "<h6>1.2.3.4.5.6.7 Tief</h6>")


def test_plain_text_keeps_line_breaks_and_escapes():
    [block] = split_plain_text("Zeile <b>eins</b>\nZeile zwei")
    assert block.html == "<p>Zeile &lt;b&gt;eins&lt;/b&gt;<br>\nZeile zwei</p>"
    assert block.text == "Zeile <b>eins</b> Zeile zwei"
    assert block.source == "Zeile <b>eins</b>\nZeile zwei"


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>"),
        ("• a\n• b", "<ul><li>a</li><li>b</li></ul>"),
        ("1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"),
        ("3. c\n4. d", '<ol start="3"><li>c</li><li>d</li></ol>'),
        ("3. c\n5. d", "<ul><li>3. c</li><li>5. d</li></ul>"),
        ("a) x\nb) y", "<ul><li>a) x</li><li>b) y</li></ul>"),
        ("- <i>x</i>\n- y", "<ul><li>&lt;i&gt;x&lt;/i&gt;</li><li>y</li></ul>"),
    ],
)
def test_plain_lists(source, html):
    [block] = split_plain_text(source)
    assert block.html == html


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_as_plain_text(vector):
    for block in split_plain_text(f"{vector}\n\n- {vector}\n- b\n\n1. {vector}"):
        assert_allowed(block.html, DRAFT_TAGS, DRAFT_ATTRIBUTES)
        assert "<a" not in block.html


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("split", [split_markdown, split_plain_text])
@pytest.mark.parametrize("source", ["", "   \n\n \t ", "\u200b\u202e\x00"])
def test_empty_text_is_an_error(split, source):
    with translation.override("en"), pytest.raises(SplitError, match="The text is empty"):
        split(source)


def test_markdown_without_visible_text_is_an_error():
    with pytest.raises(SplitError):
        split_markdown("---\n\n![](bild.png)")


@pytest.mark.parametrize("split", [split_markdown, split_plain_text])
def test_too_long_text_names_limit_and_size(split):
    source = "a" * (MAX_SOURCE_CHARS + 1)
    with translation.override("en"), pytest.raises(SplitError) as error:
        split(source)
    assert str(MAX_SOURCE_CHARS) in str(error.value)
    assert str(MAX_SOURCE_CHARS + 1) in str(error.value)


@pytest.mark.parametrize("split", [split_markdown, split_plain_text])
def test_too_many_blocks_names_limit_and_count(split):
    source = "\n\n".join(f"Absatz {n}." for n in range(MAX_BLOCKS + 5))
    with translation.override("en"), pytest.raises(SplitError) as error:
        split(source)
    assert f"{MAX_BLOCKS + 5}" in str(error.value)
    assert f"{MAX_BLOCKS}" in str(error.value)


@pytest.mark.parametrize("split", [split_markdown, split_plain_text])
def test_too_long_block_names_its_number_start_and_size(split):
    source = "Kurz.\n\n" + "Lang " * (MAX_BLOCK_CHARS // 5 + 1)
    with translation.override("en"), pytest.raises(SplitError) as error:
        split(source)
    message = str(error.value)
    assert "Paragraph 2 (“Lang Lang" in message
    assert f"{MAX_BLOCK_CHARS + 4} characters" in message and str(MAX_BLOCK_CHARS) in message


@pytest.mark.parametrize(
    "source",
    [
        "|a|\n|-|\n" + "|x|\n" * MAX_BLOCK_ELEMENTS,
        "\n".join(f"- {n}" for n in range(MAX_BLOCK_ELEMENTS)),
        "*a* " * MAX_BLOCK_ELEMENTS,
    ],
    ids=["table rows", "list items", "emphasis"],
)
def test_block_with_too_many_elements_is_refused(source):
    with translation.override("en"), pytest.raises(SplitError, match="too many parts"):
        split_markdown(source)


def test_plain_block_with_too_many_lines_is_refused():
    with translation.override("en"), pytest.raises(SplitError, match="too many parts"):
        split_plain_text("Zeile\n" * (MAX_BLOCK_ELEMENTS + 1))


def test_large_but_reasonable_table_is_fine():
    source = "| Maßnahme | Frist | Zuständig |\n|---|---|---|\n" + "| a | b | c |\n" * 300
    [block] = split_markdown(source)
    assert block.kind == "table" and block.html.count("<tr>") == 301


def test_exactly_max_blocks_is_fine():
    source = "\n\n".join(f"Absatz {n}." for n in range(MAX_BLOCKS))
    assert len(split_plain_text(source)) == MAX_BLOCKS


def test_error_messages_are_translated():
    with translation.override("de"), pytest.raises(SplitError) as error:
        split_markdown("")
    assert "leer" in str(error.value)


# --- properties -----------------------------------------------------------------------------

MARKDOWNISH = st.lists(
    st.sampled_from([*"ab äß12.§IV #*-_>|`[]()!<>/\\:=&;\n\t ", "\n\n", "javascript:", "- "]),
    max_size=80,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=200), MARKDOWNISH))
def test_splitting_never_fails_except_with_split_error(source):
    for split in (split_markdown, split_plain_text):
        try:
            blocks = split(source)
        except SplitError:
            continue
        assert blocks
        for block in blocks:
            assert_allowed(block.html, DRAFT_TAGS, DRAFT_ATTRIBUTES)
            assert block.text and block.text == block.text.strip()
            assert block.kind in {"heading", "text", "list", "quote", "table"}
            assert (block.level is not None) == (block.kind == "heading")


def test_an_ordered_list_continued_after_a_paragraph_keeps_its_numbers():
    blocks = split_markdown("1. Erstens\n2. Zweitens\n\nDazwischen.\n\n3. Drittens\n4. Viertens")
    assert blocks[2].html.startswith('<ol start="3">')
    assert 'start="' not in blocks[0].html


def test_footnotes_belong_to_the_paragraph_that_first_refers_to_them():
    blocks = split_markdown(
        "Erster Absatz[^1] mit Fußnote.\n\n[^1]: Die Fußnote *eins*.\n\n"
        "Zweiter[^b] und nochmal[^1].\n\n[^b]: Zweite.\n\nDritter."
    )
    assert [block.text for block in blocks] == [
        "Erster Absatz[1] mit Fußnote. Die Fußnote eins.",
        "Zweiter[2] und nochmal[1]. Zweite.",
        "Dritter.",
    ]
    first, second, _third = (block.html for block in blocks)
    assert '<sup><a href="#fn-1">[1]</a></sup>' in first
    assert '<aside><ol><li id="fn-1" value="1"><p>Die Fußnote <em>eins</em>.</p>' in first
    assert '<li id="fn-2" value="2"><p>Zweite.</p>' in second and 'id="fn-1"' not in second
    for block in blocks:
        assert_allowed(block.html, DRAFT_TAGS, DRAFT_ATTRIBUTES)
