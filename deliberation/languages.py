"""Addresses across languages: the same page in another language (for the language switch)."""

from django.conf import settings
from django.urls import Resolver404, resolve, translate_url
from django.utils.translation import get_language


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
