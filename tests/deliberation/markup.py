"""Markup checks shared by the sanitizer and splitter tests: what an allowed fragment may hold,
and the XSS vectors both allow-lists are tried with."""

import re
from html.parser import HTMLParser

ALLOWED_SCHEMES = {"http", "https", "mailto"}
# What browsers ignore inside a URL scheme: whitespace, controls, invisible characters.
_URL_IGNORED = re.compile(
    r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028\u2029\u205f\u3000\ufeff]"
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


class _Elements(HTMLParser):
    """Collect every tag, attribute and markup declaration of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self.tags.append((tag, []))

    def handle_comment(self, data):
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.other.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.other.append(f"declaration {data!r}")


def assert_allowed(markup: str, tags: frozenset[str], attributes: dict[str, list[str]]) -> None:
    """Fail unless markup holds only allowed tags and attributes and safe link schemes."""
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    assert not parser.other, (parser.other, markup)
    for tag, attrs in parser.tags:
        assert tag in tags, (tag, markup)
        for name, value in attrs:
            assert not name.startswith("on"), (name, markup)
            assert name in attributes.get(tag, []), (tag, name, markup)
            if name == "href":
                # html.parser has resolved character references once, as a browser does
                # ("&amp;colon;" stays the harmless text "&colon;").
                url = _URL_IGNORED.sub("", value or "")
                scheme = _SCHEME.match(url)
                assert scheme is None or scheme[1].lower() in ALLOWED_SCHEMES, (value, markup)


XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
    '<math href="javascript:alert(1)">x</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<a href="https://example.org" title=\'" onmouseover="alert(1)\'>x</a>',
    '<a href="https://example.org\\" onclick=\\"alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onmouseover="alert(1)">x</div>',
    "<p onclick=alert(1)>x</p>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<table background="javascript:alert(1)"><tr><td onclick="x" colspan="2">x</td></tr></table>',
    "<x onclick=alert(1)>x</x>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"',
    "<p>x</p\n><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "<javascript:alert(1)>",
    "*<script>alert(1)</script>*",
    'http://example.org/"onmouseover="alert(1)',
    "www.example.org/<script>alert(1)</script>",
    "https://example.org/?q=<img src=x onerror=alert(1)>",
    "javascript://example.org/%0aalert(1)",
    "*javascript:alert(1)*",
    '<a href="https://example.org"><script>alert(1)</script></a>',
    "\u202e<script>alert(1)</script>",
]
