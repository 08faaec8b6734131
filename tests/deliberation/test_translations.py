"""The German catalogue covers every interface string of the code and the templates.

Source msgids are English, so English pages need no catalogue entries (an empty msgstr in
locale/en falls back to the msgid, which is the English text). What can go wrong is German:
a msgid used in code or a template with no German msgstr (or only a fuzzy one) shows English
on German pages, and a msgstr whose placeholders differ from the msgid's breaks at runtime.
The msgids are extracted the way `makemessages` does (templates through Django's templatize),
with Babel's Python extractor instead of GNU xgettext, so this needs no gettext tools and runs
in well under a second.
"""

import functools
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["deliberation", "drafts", "comments"]
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[sdfr]")


def _extract(source: str) -> list[tuple[str | None, str | tuple]]:
    found = extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS)
    return [(context, message) for _line, message, _comments, context in found]


@functools.cache
def used_msgids() -> dict[tuple[str | None, str], str]:
    """(context, msgid) -> where it is used, for every translatable string of the project."""
    used = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        # templatize turns a template into gettext calls (as makemessages does); its lines keep
        # the template's indentation, which the Python tokenizer would take for blocks.
        code = "\n".join(line.lstrip() for line in templatize(path.read_text()).splitlines())
        for context, message in _extract(code):
            used.setdefault((context, _singular(message)), str(path.relative_to(ROOT)))
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for context, message in _extract(path.read_text()):
                used.setdefault((context, _singular(message)), str(path.relative_to(ROOT)))
    return used


def _singular(message) -> str:
    return message[0] if isinstance(message, tuple) else message


def _catalogue(language: str):
    # abort_invalid: a broken entry (a msgid without msgstr, e.g. after a merge) fails here,
    # where compiling would only warn and drop it.
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, abort_invalid=True)


def _django_translates(context: str | None, msgid: str) -> bool:
    """Django's own catalogues translate it (e.g. "a.m.", used for dates formatted in JS)."""
    with translation.override("de"):
        said = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return said != msgid


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_catalogues_are_well_formed(language):
    assert len(_catalogue(language)) > 500


def _definitions(language: str) -> list[tuple[str | None, str]]:
    """Every (msgctxt, msgid) the .po file defines, in file order, duplicates kept (Babel's
    reader silently keeps the last of two). Entries are separated by blank lines."""
    found = []
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    for entry in path.read_text(encoding="utf-8").split("\n\n"):
        fields, name = {}, None
        for line in entry.splitlines():
            if line.startswith('"') and name:
                fields[name] += line[1:-1]
            elif not line.startswith("#") and line.strip():
                name, _, value = line.partition(" ")
                fields[name] = value.strip()[1:-1]
        if "msgid" in fields:
            found.append((fields.get("msgctxt"), fields["msgid"]))
    return found


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_message_is_defined_twice(language):
    # GNU msgfmt, which `manage.py compilemessages` runs, refuses a catalogue with a duplicate.
    definitions = _definitions(language)
    twice = sorted((d for d, n in Counter(definitions).items() if n > 1), key=str)
    assert len(definitions) > 500
    assert twice == []


def test_extraction_finds_the_strings_of_templates_and_code():
    used = used_msgids()
    assert (None, "Skip to content") in used  # {% translate %} in base.html
    assert (None, "%(count)d changed") in used  # ngettext in drafts/diffing.py
    assert len(used) > 500


def test_every_msgid_in_use_has_a_german_translation():
    catalogue = _catalogue("de")
    missing = []
    for (context, msgid), where in used_msgids().items():
        if not msgid:
            continue
        entry = catalogue.get(msgid, context=context)
        strings = (
            entry.string if entry and isinstance(entry.string, tuple) else [entry and entry.string]
        )
        if entry is None and _django_translates(context, msgid):
            continue
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "no German translation in locale/de (add it at the end):\n" + "\n".join(
        sorted(missing)
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in _catalogue(language):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "\n".join(wrong)


def test_the_english_catalogue_translates_nothing_differently():
    # msgids are the English text: an English msgstr that differs would make the code lie.
    different = [
        f"{entry.id!r} -> {entry.string!r}"
        for entry in _catalogue("en")
        if entry.id and entry.string and any(entry.string) and entry.string != entry.id
    ]
    assert not different, "\n".join(different)


def test_the_german_catalogue_calls_the_working_group_arbeitskreis_throughout():
    # One name for one body: the site says "Arbeitskreis"; "Arbeitsgruppe" on one page made
    # readers wonder whether it was another group.
    other = [
        f"{_singular(entry.id)!r} -> {_singular(entry.string)!r}"
        for entry in _catalogue("de")
        if entry.id
        and "Arbeitsgruppe"
        in "".join(entry.string if isinstance(entry.string, tuple) else (entry.string,))
    ]
    assert not other, "\n".join(other)
