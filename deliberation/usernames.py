"""Usernames that cannot pose as someone else: confusable skeletons and role names.

Pure functions (no database). The skeleton follows Unicode TR39 section 4 ("Confusable
Detection"): two strings are confusable when their skeletons are equal. Ours first applies NFKC
and case folding (so `Anna`, `ANNA` and the fullwidth `Ａｎｎａ` are one name), then replaces
every character that imitates an ASCII letter or digit by what it imitates, from Unicode's
confusables.txt (as shipped by the `confusable-homoglyphs` package): Cyrillic "а" by "a",
"1" by "l", "0" by "o", "m" by "rn". Characters are mapped before case folding too, so a
Greek capital Alpha counts as "A".
"""

import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# Names that would make a reader think the account speaks for the site, the moderation, the
# working group or the city. Long ones are refused anywhere in a name ("moderation-team"),
# short ones only as the whole name (apart from separators and trailing digits), so that
# "Badminton" or "Stadtkind" stay possible.
ROLE_WORDS_ANYWHERE = (
    "moderation",
    "moderator",
    "arbeitskreis",
    "administrator",
    "administration",
    "verwaltung",
    "redaktion",
    "webmaster",
    "buergermeister",
    "bürgermeister",
    "oberbürgermeister",
    "beteiligungsbuero",
    "beteiligungsbüro",
)
ROLE_WORDS_WHOLE = (
    "admin",
    "stadt",
    "rathaus",
    "team",
    "staff",
    "support",
    "system",
    "root",
    "official",
    "offiziell",
    "operator",
    "betreiber",
    "beteiligung",
    "workinggroup",
    "ak",
    "mod",
    "mods",
)
_SEPARATORS = set("._-+@ '’")


def _unmark(text: str) -> str:
    return text.strip("\u200e\u200f")  # the data wraps right-to-left glyphs in direction marks


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character → the (case-folded) ASCII letters it passes for (built once).

    The data lists, for a character that imitates another, the one it imitates ("і" → "i",
    "0" → "O", "m" → "rn", as in TR39's table); for the imitated letters it lists their
    imitators, so ASCII letters other than "m" stay themselves.
    """
    mapping: dict[str, str] = {}
    for char, entries in confusables_data.items():
        char = _unmark(char)
        if len(char) != 1 or (char.isascii() and char.isalpha() and char != "m"):
            continue
        for entry in entries:
            glyph = _unmark(entry["c"])
            if glyph and glyph.isascii() and glyph.isalnum() and glyph != char:
                mapping[char] = glyph.casefold()
                break
    return mapping


@cache
def _table() -> dict[int, str]:
    return str.maketrans(_prototypes())


def skeleton(name: str) -> str:
    """The name as it looks: NFKC, each look-alike replaced by what it imitates, case-folded.
    `skeleton("аrbeitskreis")` (Cyrillic а) == `skeleton("Arbeitskreis")`.

    Mapped before folding (Greek "Α" imitates "A", its "α" does not) and after it (what folding
    made), with str.translate: a few µs a name, so a sign-up can compare all accounts' names.
    """
    table = _table()
    return unicodedata.normalize("NFKC", name).translate(table).casefold().translate(table)


def _core(name: str) -> str:
    """The name's skeleton without separators and trailing digits: "Moderator_2" → the skeleton
    of "moderator"."""
    kept = "".join(char for char in skeleton(name) if char not in _SEPARATORS)
    return kept.rstrip("0123456789l")  # "l": what a trailing "1" became


@cache
def _role_skeletons() -> tuple[tuple[str, ...], frozenset[str]]:
    return (
        tuple(_core(word) for word in ROLE_WORDS_ANYWHERE),
        frozenset(_core(word) for word in ROLE_WORDS_WHOLE),
    )


def impersonates_role(name: str) -> bool:
    """Whether `name` looks like a role of the site (moderation, working group, city, admin),
    also when written with look-alike characters (`moderatіon` with a Cyrillic і)."""
    core = _core(name)
    anywhere, whole = _role_skeletons()
    return core in whole or any(word in core for word in anywhere)
