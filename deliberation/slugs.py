"""Short names for addresses made from titles: German letters transliterated, not dropped.

Django's ``slugify`` turns "Grünflächen" into "grunflachen" and "Straße" into "strae"; German
readers expect "gruenflaechen" and "strasse" (contract: ä→ae, ö→oe, ü→ue, ß→ss).
"""

from collections.abc import Callable

from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def german_slugify(value: str) -> str:
    """`slugify` after transliterating German umlauts and ß: "Grünflächen" -> "gruenflaechen"."""
    return slugify(str(value).translate(_GERMAN))


def unique_slug(title: str, *, taken: Callable[[str], bool], fallback: str, limit: int = 70) -> str:
    """A slug for `title` (at most `limit` characters before a "-2", "-3" suffix) that `taken`
    says is free; `fallback` when the title has no letters or digits."""
    base = german_slugify(title)[:limit].strip("-") or fallback
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
