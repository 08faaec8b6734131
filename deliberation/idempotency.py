"""Writes that are carried out once per request id: a repeat gets the first answer again.

A page re-sends an unanswered request after a reconnect, a person double-clicks a form's
button, two tabs send the same frame: with the same request id from the same person within
`WINDOW`, the write happens once. The receipt is a row in the writing transaction itself, so it
holds across Daphne processes, and its unique constraint makes a concurrent repeat wait until the
first one has committed (then it reads the first answer) or rolled back (then it writes itself).
An id used again after the window is a new write; `manage.py prune_events` deletes old receipts.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from .models import WriteReceipt

WINDOW = timedelta(minutes=10)


def request_key(request_id: Any) -> str:
    """The stored key of a request id (any JSON value): 1 and "1" are different requests."""
    text = json.dumps(request_id, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def new_token() -> str:
    """A fresh one-time token for a form (it becomes the write's request id)."""
    return secrets.token_urlsafe(16)


def write_once(*, user, request_id: Any, write: Callable[[], dict]) -> dict:
    """Run `write` once per (user, request_id) within ten minutes and return its answer.

    `write` returns a JSON-serializable dict; a repeat returns that dict again without running
    `write`. Without a request id (None or "") or for an anonymous user, `write` simply runs.
    If `write` raises, nothing is stored and the exception propagates, so a repeat tries again.
    """
    if request_id in (None, "") or not getattr(user, "is_authenticated", False):
        return write()
    key = request_key(request_id)
    with transaction.atomic():
        now = timezone.now()
        try:
            with transaction.atomic():
                receipt = WriteReceipt.objects.create(user=user, key=key, created_at=now)
        except IntegrityError:
            # Committed before (a concurrent first made the insert wait until it committed).
            receipt = WriteReceipt.objects.select_for_update().get(user=user, key=key)
            if receipt.created_at > now - WINDOW:
                return receipt.answer
            receipt.created_at = now  # an old id used again after the window: a new write
        receipt.answer = write()
        receipt.save(update_fields=["answer", "created_at"])
        return receipt.answer


def receipts_prune(*, now=None) -> int:
    """Delete the receipts older than the window (`manage.py prune_events` runs it); returns how
    many. Nothing depends on it but the table's size: an expired receipt is never answered."""
    now = now or timezone.now()
    return WriteReceipt.objects.filter(created_at__lte=now - WINDOW).delete()[0]


# Forms: a one-time token per rendered form is the request id of its POST ---------------------

TOKEN_FIELD = "request_id"  # noqa: S105 (a field name, not a secret)


class OnceFormMixin(forms.Form):
    """Adds the hidden one-time token: a double submit of the same rendered form writes once."""

    request_id = forms.CharField(
        required=False, max_length=100, widget=forms.HiddenInput, initial=new_token
    )


class _NotStored(Exception):
    def __init__(self, response: HttpResponse):
        super().__init__("no write to remember")
        self.response = response


def once_per_form(view):
    """For a view that creates something from a form and redirects when it succeeded.

    A POST carrying the form's one-time token is run through `write_once`: its redirect is
    remembered, and a repeat of the same submit within ten minutes is sent to the same place
    without writing again. Any other answer (the form again, with errors) is not remembered
    and its transaction is rolled back, so the corrected form can be sent with the same token.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(TOKEN_FIELD) if request.method == "POST" else None
        if not token:
            return view(request, *args, **kwargs)

        def write() -> dict:
            response = view(request, *args, **kwargs)
            if response.status_code not in (301, 302, 303):
                raise _NotStored(response)
            return {"redirect": response["Location"]}

        try:
            answer = write_once(user=request.user, request_id=token, write=write)
        except _NotStored as exc:
            return exc.response
        return HttpResponseRedirect(answer["redirect"])

    return wrapped
