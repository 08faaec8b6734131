"""Helpers for the JSON read API: one error shape, `{"error": {"code", "message"}}`."""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _


def json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def api_view(view):
    """Allow GET (and HEAD) only and turn the usual exceptions into JSON errors."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return json_error(405, "method_not_allowed", _("Only GET is allowed here."))
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return json_error(404, "not_found", _("Not found."))
        except PermissionDenied:
            return json_error(403, "forbidden", _("You may not see this."))
        except ValidationError as exc:
            return json_error(400, "invalid", " ".join(exc.messages))

    return wrapped


# The largest id a database column holds (a signed 64-bit integer on SQLite and PostgreSQL).
MAX_ID = 2**63 - 1


def ids_from(values) -> list[int]:
    """The whole numbers 1..MAX_ID among `values` (strings from a form, e.g. a getlist()).

    Anything else (text, signs, numbers no column can hold) is left out: a query with an id past
    MAX_ID raises OverflowError on SQLite instead of finding nothing.
    """
    return [int(value) for value in values if value.isdigit() and 0 < int(value) <= MAX_ID]


def int_param(request, name: str, default: int | None = None) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(_("“%(name)s” must be a whole number.") % {"name": name}) from None
    if number < 0:
        raise ValidationError(_("“%(name)s” must not be negative.") % {"name": name})
    return number
