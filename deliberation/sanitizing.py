"""Turn untrusted text and HTML into markup that is safe to show.

This is the only module that imports bleach. Everything user-supplied that ends up as markup
passes through one of the functions below on its way in:

* ``clean_draft_html`` for the rendered text of a draft (allow-list for documents),
* ``render_comment`` for comments (plain text with paragraphs, links and *emphasis*),
* ``clean_plain`` for titles and other single values (returns text, not markup),
* ``normalize_text`` before any of that, to get rid of invisible and control characters.

bleach's ``Cleaner`` and linkify-it's ``LinkifyIt`` hold parser state and are not thread-safe,
so each thread gets its own (a new one per call would cost about a third more on a long draft).
URLs in comments are found by linkify-it (the JavaScript linkify-it's rules: a URL in brackets,
parentheses or quotes ends before the closing one, trailing punctuation is not part of it).
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from urllib.parse import urlsplit

from bleach import html5lib_shim
from bleach.sanitizer import Cleaner
from django.utils.html import escape
from linkify_it import LinkifyIt

DRAFT_TAGS = frozenset(
    {
        "p",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "em",
        "code",
        "pre",
        "a",
        "hr",
        "sup",
        "sub",
        "aside",  # a paragraph's footnotes
    }
)
DRAFT_ATTRIBUTES: dict[str, list[str]] = {
    # ids only from the splitter's footnotes (fn-1, fnref-1): raw HTML in a draft is off.
    "a": ["href", "title", "id"],
    "li": ["id", "value"],
    # A list continued after a paragraph starts at its number, not at 1 again.
    "ol": ["start"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan", "scope"],
}
DRAFT_PROTOCOLS = frozenset({"http", "https", "mailto"})

COMMENT_TAGS = frozenset({"p", "br", "a", "em"})
COMMENT_ATTRIBUTES: dict[str, list[str]] = {"a": ["href", "rel"]}
COMMENT_PROTOCOLS = frozenset({"http", "https"})
COMMENT_LINK_REL = "nofollow ugc noopener"

# Elements whose content is code, styling or inert markup, never prose: stripping only the tags
# would leave "alert(1)" or CSS rules standing in the text.
_DROP_CONTENT_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "title",
        "textarea",
        "xmp",
    }
)
_DROP_CONTENT_HINT = re.compile("<(?:" + "|".join(sorted(_DROP_CONTENT_TAGS)) + ")", re.IGNORECASE)

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# C0/C1 controls except tab and newline, zero-width space, word joiner, BOM, and the bidi
# embeddings/overrides/isolates that can make text read differently from what it says.
# ZWJ/ZWNJ (U+200C/D) stay: emoji sequences and some scripts need them. Lone surrogates (a JSON
# "\ud800" decodes to one) are no characters: no database or encoder takes them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_TAG = re.compile(r"(<[^>]*>)")
# *emphasis*: the asterisks hug non-space text on one line and are not part of a word
# (2*3*4 stays as it is) or of a run of asterisks.
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_LINKABLE_TEXT = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
# Closing typographic quotes that linkify-it takes for part of a URL („https://x.org“).
_CLOSING_QUOTES = "“”‘’»«›‹"

_local = threading.local()


def _cleaner(name: str, **options: object) -> Cleaner:
    """Return this thread's Cleaner called ``name``, built with ``options`` on first use."""
    cleaner = getattr(_local, name, None)
    if cleaner is None:
        cleaner = Cleaner(strip=True, strip_comments=True, **options)
        setattr(_local, name, cleaner)
    return cleaner


def _draft_cleaner() -> Cleaner:
    return _cleaner(
        "draft", tags=DRAFT_TAGS, attributes=DRAFT_ATTRIBUTES, protocols=DRAFT_PROTOCOLS
    )


def _comment_cleaner() -> Cleaner:
    return _cleaner(
        "comment", tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES, protocols=COMMENT_PROTOCOLS
    )


def _plain_cleaner() -> Cleaner:
    return _cleaner("plain", tags=frozenset(), attributes={}, protocols=frozenset())


def _linkify() -> LinkifyIt:
    linkify = getattr(_local, "linkify", None)
    if linkify is None:
        linkify = _local.linkify = LinkifyIt(options={"fuzzy_email": False})
    return linkify


class _DropContentFilter(html5lib_shim.Filter):
    """Drop the elements in _DROP_CONTENT_TAGS together with everything inside them."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            if token.get("name") in _DROP_CONTENT_TAGS and token["type"] in (
                "StartTag",
                "EndTag",
                "EmptyTag",
            ):
                if token["type"] == "StartTag":
                    depth += 1
                elif token["type"] == "EndTag":
                    depth = max(0, depth - 1)
                continue
            if depth == 0:
                yield token


def _drop_raw_content(markup: str) -> str:
    """Remove script, style and similar elements with their content.

    bleach turns a disallowed tag into text before the parser sees it, so it cannot tell what
    was inside a <script>. A real HTML5 parse first finds the content as a browser would;
    bleach still has the last word on what the result may contain.
    """
    if not _DROP_CONTENT_HINT.search(markup):
        return markup
    parser = html5lib_shim.HTMLParser(namespaceHTMLElements=False)
    walker = html5lib_shim.getTreeWalker("etree")
    serializer = html5lib_shim.HTMLSerializer(
        quote_attr_values="always", omit_optional_tags=False, sanitize=False
    )
    return serializer.render(_DropContentFilter(walker(parser.parseFragment(markup))))


def _rstrip_line(line: str, keep_hard_break: bool) -> str:
    stripped = line.rstrip()
    if keep_hard_break and stripped and line.endswith("  ", len(stripped)):
        return stripped + "  "
    return stripped


def normalize_text(text: str, *, keep_hard_breaks: bool = False) -> str:
    """Normalize newlines, drop control and invisible characters, NFC, trim lines and ends.

    With ``keep_hard_breaks`` a line ending in two or more spaces keeps two of them: in
    Markdown that is a hard line break.
    """
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    lines = (_rstrip_line(line, keep_hard_breaks) for line in text.split("\n"))
    return "\n".join(lines).strip()


def clean_draft_html(html_text: str) -> str:
    """Reduce HTML to the allow-list for draft text: structure, emphasis and safe links."""
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", html_text))
    return _draft_cleaner().clean(_drop_raw_content(text))


def clean_plain(text: str) -> str:
    """Strip all markup and return plain text (still to be escaped when rendered)."""
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", text))
    stripped = _plain_cleaner().clean(_drop_raw_content(text))
    return normalize_text(html.unescape(stripped))


def _linked_line(line: str) -> str:
    """Escape one line of a comment, making the http(s) and www. addresses in it links."""
    out, done = [], 0
    for match in _linkify().match(line) or ():
        text = match.text.rstrip(_CLOSING_QUOTES)
        if not text or not _LINKABLE_TEXT.match(text):
            continue
        url = match.url[: len(match.url) - (len(match.text) - len(text))]
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:  # e.g. a malformed IPv6 host
            continue
        if scheme not in COMMENT_PROTOCOLS:
            continue
        out.append(escape(line[done : match.index]))
        out.append(f'<a href="{escape(url)}" rel="{COMMENT_LINK_REL}">{escape(text)}</a>')
        done = match.index + len(text)
    out.append(escape(line[done:]))
    return "".join(out)


def _emphasize(markup: str) -> str:
    """Turn *words* into <em>words</em> in text outside tags and outside links."""
    parts = _TAG.split(markup)
    in_link = False
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if part.startswith("<a "):
                in_link = True
            elif part == "</a>":
                in_link = False
        elif not in_link:
            parts[index] = _EMPHASIS.sub(r"<em>\1</em>", part)
    return "".join(parts)


def render_comment(text: str) -> str:
    """Render a plain-text comment as HTML: paragraphs, line breaks, links, *emphasis*."""
    text = normalize_text(text)
    if not text:
        return ""
    paragraphs = [
        "<p>" + "<br>\n".join(_linked_line(line) for line in block.split("\n")) + "</p>"
        for block in _BLANK_LINES.split(text)
    ]
    markup = _emphasize("\n".join(paragraphs))
    # The strict allow-list is the last step, so nothing above can emit more than it allows.
    return _comment_cleaner().clean(markup)


__all__ = [
    "COMMENT_ATTRIBUTES",
    "COMMENT_PROTOCOLS",
    "COMMENT_TAGS",
    "DRAFT_ATTRIBUTES",
    "DRAFT_PROTOCOLS",
    "DRAFT_TAGS",
    "clean_draft_html",
    "clean_plain",
    "normalize_text",
    "render_comment",
]
