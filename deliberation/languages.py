"""Addresses across languages: the same page in another language (for the language switch)."""

import os

from django.conf import settings
from django.urls import Resolver404, resolve, translate_url
from django.utils.translation import get_language, override


def path_in_default_language(full_path: str) -> str:
    """Return `full_path` (path and query of a page in the active language) as the default
    language's address of the same page, e.g. "/en/drafts/x/?thread=k" -> "/drafts/x/?thread=k".

    Django's `set_language` view resolves its `next` in the default language (its own address
    has no language prefix) and reverses it in the chosen one, so this is the `next` to give it.
    A path that resolves to no page (a 404) loses its language prefix instead. Raises nothing.
    """
    default = settings.LANGUAGE_CODE
    try:
        resolve(full_path.split("?", 1)[0])
    except Resolver404:
        prefix = f"/{get_language()}/"
        if get_language() != default and full_path.startswith(prefix):
            return "/" + full_path.removeprefix(prefix)
        return full_path
    return translate_url(full_path, default)


def default_path_in_language(path: str, language: str | None = None) -> str:
    """Return `path`, an address in the default language (as stored, e.g. in a notification),
    as the same page's address in `language` (default: the active one): "/drafts/x/" ->
    "/en/drafts/x/". A path that resolves to no page is returned unchanged. Raises nothing."""
    language = language or get_language()
    with override(settings.LANGUAGE_CODE):
        return translate_url(path, language)


def shell_language(environ=None) -> str:
    """The language an operator's shell asks for, as gettext reads it (LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG: "en_GB.UTF-8" -> "en"), when the site has it; else the site's default."""
    environ = os.environ if environ is None else environ
    available = {code for code, _name in settings.LANGUAGES}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in environ.get(name, "").split(":"):
            code = value[:2].lower()
            if code in available:
                return code
            if value and name != "LANGUAGE":
                return settings.LANGUAGE_CODE  # e.g. C.UTF-8: the first one set decides
    return settings.LANGUAGE_CODE
