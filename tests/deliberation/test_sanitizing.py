"""The sanitizer: XSS vectors against both allow-lists, and how comments are rendered."""

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.sanitizing import (
    COMMENT_ATTRIBUTES,
    COMMENT_TAGS,
    DRAFT_ATTRIBUTES,
    DRAFT_TAGS,
    clean_draft_html,
    clean_plain,
    normalize_text,
    render_comment,
)
from tests.deliberation.markup import XSS_VECTORS, assert_allowed


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_comment_vectors_stay_inside_the_comment_allow_list(vector):
    assert_allowed(render_comment(vector), COMMENT_TAGS, COMMENT_ATTRIBUTES)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_draft_vectors_stay_inside_the_draft_allow_list(vector):
    assert_allowed(clean_draft_html(vector), DRAFT_TAGS, DRAFT_ATTRIBUTES)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_plain_vectors_leave_no_markup(vector):
    # clean_plain returns text: once escaped for the page it cannot contain a tag.
    assert_allowed(html.escape(clean_plain(vector)), frozenset(), {})


def test_allow_list_checker_catches_what_it_should():
    for bad in [
        "<script>x</script>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<p onclick="x">x</p>',
        "<!-- x -->",
    ]:
        with pytest.raises(AssertionError):
            assert_allowed(bad, DRAFT_TAGS, DRAFT_ATTRIBUTES)


# --- comments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hallo", "<p>Hallo</p>"),
        ("eins\n\nzwei", "<p>eins</p>\n<p>zwei</p>"),
        ("eins\n\n\n\n  \nzwei", "<p>eins</p>\n<p>zwei</p>"),
        ("eins\nzwei", "<p>eins<br>\nzwei</p>"),
        ("eins\r\nzwei\rdrei", "<p>eins<br>\nzwei<br>\ndrei</p>"),
        ("  \n\nHallo\n\n  ", "<p>Hallo</p>"),
        ("", ""),
        ("   \n ", ""),
        ("<b>fett</b>", "<p>&lt;b&gt;fett&lt;/b&gt;</p>"),
        ("Tom & Jerry", "<p>Tom &amp; Jerry</p>"),
        ("&amp; getippt", "<p>&amp;amp; getippt</p>"),
        ("\"Zitat\" und 'so'", "<p>&quot;Zitat&quot; und &#x27;so&#x27;</p>"),
        ("Straße, Bürger, Öl", "<p>Straße, Bürger, Öl</p>"),
    ],
)
def test_comment_paragraphs_and_escaping(text, expected):
    assert render_comment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das ist *wichtig*.", "<p>Das ist <em>wichtig</em>.</p>"),
        ("*zwei Wörter*", "<p><em>zwei Wörter</em></p>"),
        ("*a* und *b*", "<p><em>a</em> und <em>b</em></p>"),
        ("2*3*4", "<p>2*3*4</p>"),
        ("* nicht *", "<p>* nicht *</p>"),
        ("*nicht *", "<p>*nicht *</p>"),
        ("**doppelt**", "<p>**doppelt**</p>"),
        ("*über\nzwei Zeilen*", "<p>*über<br>\nzwei Zeilen*</p>"),
        ("Bürger*innen und Einwohner*innen", "<p>Bürger*innen und Einwohner*innen</p>"),
        ("*<b>*", "<p><em>&lt;b&gt;</em></p>"),
    ],
)
def test_comment_emphasis(text, expected):
    assert render_comment(text) == expected


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("siehe https://example.org/seite", "https://example.org/seite"),
        ("siehe http://example.org", "http://example.org"),
        ("siehe www.stadt.de.", "http://www.stadt.de"),
        ("(siehe www.stadt.de/beteiligung)", "http://www.stadt.de/beteiligung"),
        ("HTTPS://EXAMPLE.ORG/X", "HTTPS://EXAMPLE.ORG/X"),
        ("https://example.org/?a=1&b=2", "https://example.org/?a=1&amp;b=2"),
        ("https://example.org/*a*", "https://example.org/*a*"),
    ],
)
def test_comment_links_are_clickable_and_marked(text, href):
    rendered = render_comment(text)
    assert f'<a href="{href}" rel="nofollow ugc noopener">' in rendered
    assert rendered.count("<a ") == 1
    assert "<em>" not in rendered


@pytest.mark.parametrize(
    "text",
    [
        "stadt.de ist die Adresse",
        "mail an info@stadt.de",
        "javascript:alert(1)",
        "ftp://example.org/datei",
        "data:text/html,x",
    ],
)
def test_comment_links_only_for_written_out_web_addresses(text):
    assert "<a" not in render_comment(text)


def test_comment_control_and_bidi_characters_are_removed():
    rendered = render_comment("a\x00b\x07c\u202ed\u2066e\u200bf\ufeffg")
    assert rendered == "<p>abcdefg</p>"


def test_comment_final_allow_list_holds_for_all_features():
    text = "Hallo *Welt*\nhttps://example.org\n\n<i>x</i> www.example.org"
    assert_allowed(render_comment(text), COMMENT_TAGS, COMMENT_ATTRIBUTES)


# --- draft html -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Text</p>", "<p>Text</p>"),
        ("<h2>2. Titel</h2>", "<h2>2. Titel</h2>"),
        ("<ul><li>a</li></ul><ol><li>b</li></ol>", "<ul><li>a</li></ul><ol><li>b</li></ol>"),
        ("<blockquote><p>z</p></blockquote>", "<blockquote><p>z</p></blockquote>"),
        (
            "<p><strong>s</strong><em>e</em><code>c</code><sup>1</sup><sub>2</sub></p>",
            "<p><strong>s</strong><em>e</em><code>c</code><sup>1</sup><sub>2</sub></p>",
        ),
        ("<pre><code>x &lt; y</code></pre>", "<pre><code>x &lt; y</code></pre>"),
        ("<p>a<br>b</p><hr>", "<p>a<br>b</p><hr>"),
        ('<p class="x" style="color:red" align="center" id="i">x</p>', "<p>x</p>"),
        (
            '<table><tbody><tr><th scope="col" align="left">h</th>'
            '<td colspan="2" rowspan="3" style="x">d</td></tr></tbody></table>',
            '<table><tbody><tr><th scope="col">h</th>'
            '<td colspan="2" rowspan="3">d</td></tr></tbody></table>',
        ),
        (
            '<a href="https://example.org" title="T" target="_blank" rel="x">l</a>',
            '<a href="https://example.org" title="T">l</a>',
        ),
        ('<a href="mailto:info@example.org">m</a>', '<a href="mailto:info@example.org">m</a>'),
        ('<a href="javascript:alert(1)">l</a>', "<a>l</a>"),
        ("<div><span>Text</span></div>", "Text"),
        ("<p>vor<script>alert(1)</script>nach</p>", "<p>vornach</p>"),
        ("<p>vor<style>p { color: red }</style>nach</p>", "<p>vornach</p>"),
        ("<p>vor<!-- Kommentar -->nach</p>", "<p>vornach</p>"),
        ("<p>Ä &amp; &lt;b&gt;</p>", "<p>Ä &amp; &lt;b&gt;</p>"),
        ("<p>a\x00b\u202ec</p>", "<p>abc</p>"),
        ("", ""),
    ],
)
def test_clean_draft_html(markup, expected):
    assert clean_draft_html(markup) == expected


# --- plain text and normalization -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Titel", "Titel"),
        ("<b>Leit</b>linien", "Leitlinien"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("a &lt;script&gt;", "a <script>"),
        ("vor<script>alert(1)</script>nach", "vornach"),
        ("  Titel \n", "Titel"),
        ("<h1>Eins</h1><p>Zwei</p>", "Eins\nZwei"),
    ],
)
def test_clean_plain(text, expected):
    assert clean_plain(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\u2028b\u2029c\x85d", "a\nb\nc\nd"),
        ("a\x00b\x01c\x1fd\x7fe\x9ff", "abcdef"),
        ("a\tb", "a\tb"),
        ("a\u200bb\u2060c\ufeffd", "abcd"),
        ("a\u202ab\u202bc\u202cd\u202de\u202ef", "abcdef"),
        ("a\u2066b\u2067c\u2068d\u2069e", "abcde"),
        ("e\u0301", "é"),
        ("zeile  \t\nnoch eine   ", "zeile\nnoch eine"),
        ("\n\n  mitte  \n\n", "mitte"),
        ("👩\u200d💻", "👩\u200d💻"),
    ],
)
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_normalize_text_can_keep_markdown_hard_breaks():
    assert normalize_text("eins   \nzwei \ndrei", keep_hard_breaks=True) == "eins  \nzwei\ndrei"


# --- properties -----------------------------------------------------------------------------

FRAGMENTS = [
    *"<>\"'=/&;:*# \n\t",
    "\n\n",
    "<a href=",
    "<p",
    "</p>",
    "<script>",
    "</script>",
    "<style>",
    "<svg",
    "<math",
    "<img src=x",
    " onerror=",
    " onclick=alert(1)",
    "javascript:",
    "java\tscript:",
    "&#x09;",
    "&#106;",
    "&colon;",
    "data:",
    "http://",
    "https://example.org/",
    "www.",
    ".de",
    "<!--",
    "-->",
    "<![CDATA[",
    "*",
    "Bürger",
    "\u202e",
    "\x00",
]
hostile = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(hostile)
def test_render_comment_output_always_stays_in_the_allow_list(text):
    assert_allowed(render_comment(text), COMMENT_TAGS, COMMENT_ATTRIBUTES)


@settings(max_examples=200, deadline=None)
@given(hostile)
def test_clean_draft_html_output_always_stays_in_the_allow_list(markup):
    cleaned = clean_draft_html(markup)
    assert_allowed(cleaned, DRAFT_TAGS, DRAFT_ATTRIBUTES)
    assert_allowed(clean_draft_html(cleaned), DRAFT_TAGS, DRAFT_ATTRIBUTES)


@pytest.mark.parametrize(
    ("text", "linked", "after"),
    [
        ("[https://x.org/a/]", "https://x.org/a/", "]"),
        ("(https://x.org/a/)", "https://x.org/a/", ")"),
        ('"https://x.org/a"', "https://x.org/a", "&quot;"),
        ("'https://x.org/a'", "https://x.org/a", "&#x27;"),
        ("„https://x.org/a“", "https://x.org/a", "“"),
        ("«https://x.org/a»", "https://x.org/a", "»"),
        ("<https://x.org/a>", "https://x.org/a", "&gt;"),
        ("siehe https://x.org/a/], und", "https://x.org/a/", "], und"),
        (
            "(https://de.wikipedia.org/wiki/Foo_(Bar))",
            "https://de.wikipedia.org/wiki/Foo_(Bar)",
            ")",
        ),
    ],
)
def test_a_url_in_brackets_or_quotes_links_without_the_closing_one(text, linked, after):
    html = render_comment(text)
    assert f'<a href="{linked}" rel="nofollow ugc noopener">{linked}</a>{after}' in html
