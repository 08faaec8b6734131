"""Writes that are carried out once per request id: a repeat gets the first answer again.

A page re-sends an unanswered request after a reconnect, a person double-clicks a form's
button, two tabs send the same frame: with the same request id from the same person within
`WINDOW`, the write happens once. The receipt is a row in the writing transaction itself, so it
holds across Daphne processes, and its unique constraint decides between concurrent repeats:
either the repeat waits until the first one has committed (then it reads the first answer) or
rolled back (then it writes itself), or, for writes that touch nothing but the database, both
run and the one whose receipt comes second rolls back and answers with the first's.
An id used again after the window is a new write; `manage.py prune_events` deletes old receipts.

The receipt also keeps a fingerprint of the write (what it does and with which parameters): the
same id sent with another write is refused (`invalid`) instead of being answered with the first
write's answer, so a client that reuses ids loses nothing silently.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rawsql
from .errors import ActionRefused
from .groupcommit import RedoGroup, RetryWrite, at_group_end, deferring, group_hints
from .models import WriteReceipt

WINDOW = timedelta(minutes=10)


def request_key(request_id: Any) -> str:
    """The stored key of a request id (any JSON value): 1 and "1" are different requests.

    Also the fingerprint of a write's description (any JSON value: the sha256 hex digest of its
    canonical JSON text, keys sorted), see `write_once`.
    """
    text = json.dumps(request_id, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def form_write(request: HttpRequest) -> dict:
    """The description of a form's write for `write_once`: the path, the posted fields (without
    the CSRF token and the one-time token itself) and the uploaded files' names and sizes, as
    {"path": str, "post": {name: [value, ...]}, "files": [[field, name, bytes], ...]}."""
    post = {
        name: request.POST.getlist(name)
        for name in sorted(request.POST)
        if name not in ("csrfmiddlewaretoken", TOKEN_FIELD)
    }
    files = [
        [field, upload.name, upload.size]
        for field in sorted(request.FILES)
        for upload in request.FILES.getlist(field)
    ]
    return {"path": request.path, "post": post, "files": files}


def new_token() -> str:
    """A fresh one-time token for a form (it becomes the write's request id)."""
    return secrets.token_urlsafe(16)


def write_once(
    *,
    user,
    request_id: Any,
    what: Any,
    write: Callable[[], dict],
    transactional: bool = False,
) -> dict:
    """Run `write` once per (user, request_id) within ten minutes and return its answer.

    `what` describes the write (any JSON value: the action and its parameters); `write` returns
    a JSON-serializable dict. A repeat with the same `what` returns that dict again without
    running `write`; the same request id with another `what` within the window raises
    ActionRefused("invalid") and writes nothing. Without a request id (None or "") or for an
    anonymous user, `write` simply runs. If `write` raises, nothing is stored and the exception
    propagates, so a repeat tries again.

    `transactional=True` promises that `write` changes nothing outside this database transaction
    (no mail, no file; cache counters aside). Its receipt then costs one write instead of two:
    it is read first and inserted with the answer after the write, and a concurrent repeat that
    committed its receipt first makes this one roll its write back and answer with the first's.
    Otherwise the receipt is claimed before the write (INSERT, then UPDATE with the answer), so
    that a concurrent repeat waits instead of running `write` a second time.
    """
    if request_id in (None, "") or not getattr(user, "is_authenticated", False):
        return write()
    key, fingerprint = request_key(request_id), request_key(what)
    if not transactional:
        return _claim_first(user, key, fingerprint, write)
    grouped = at_group_end("write receipts", _GroupReceipts, stage=1)
    if grouped is not None:  # in a group commit's savepoint, which runs it again on _Repeated
        return _answer_first(user, key, fingerprint, write, grouped)
    for attempt in range(3):
        try:
            return _answer_first(user, key, fingerprint, write)
        except _Repeated:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class _Repeated(IntegrityError, RetryWrite):
    """A concurrent write with the same request id stored its receipt first."""


def _refuse_other_write() -> ActionRefused:
    return ActionRefused(
        "invalid",
        _(
            "This request id was already used for another write. "
            "Please send the new write with a new request id."
        ),
    )


def _answer_first(
    user, key: str, fingerprint: str, write: Callable[[], dict], grouped=None
) -> dict:
    if grouped is not None and deferring():
        return _answer_first_deferred(user, key, fingerprint, write, grouped)
    # In a group the write's own savepoint is the group's (two statements less per write).
    with transaction.atomic(savepoint=grouped is None):
        now = timezone.now()
        known, receipt = grouped[0].find(user.pk, key) if grouped else (False, None)
        if not known:
            receipt = _receipt(user.pk, key)
        if receipt is not None and receipt.created_at > now - WINDOW:
            if receipt.fingerprint != fingerprint:
                raise _refuse_other_write()
            return receipt.answer
        answer = write()
        if receipt is None:
            try:
                receipt = _receipt_insert(user.pk, key, fingerprint, answer, now)
            except IntegrityError as exc:  # raised out of the block: the write is rolled back
                raise _Repeated(str(exc)) from exc
        elif WriteReceipt.objects.filter(pk=receipt.pk, created_at=receipt.created_at).update(
            created_at=now, fingerprint=fingerprint, answer=answer
        ):
            receipt.created_at, receipt.fingerprint, receipt.answer = now, fingerprint, answer
        else:
            raise _Repeated("an expired receipt was claimed by a concurrent repeat")
        if grouped:
            grouped[0].add(grouped[1], user.pk, key, receipt)
        return answer


def _answer_first_deferred(user, key: str, fingerprint: str, write, grouped) -> dict:
    """`_answer_first` in a deferred write of a group (deliberation/groupcommit.py): no atomic
    block (a refusal inside one would mark the group's transaction for rollback) and no write:
    the new receipt is stored at the group's end with the others (`_GroupReceipts.finish`)."""
    receipts, attempt = grouped
    now = timezone.now()
    known, receipt = receipts.find(user.pk, key)
    if not known:
        receipt = _receipt(user.pk, key)
    if receipt is not None:
        if receipt.created_at <= now - WINDOW:  # an expired receipt is claimed again: rare
            raise RedoGroup("an expired receipt is used again")
        if receipt.fingerprint != fingerprint:
            raise _refuse_other_write()
        return receipt.answer
    answer = write()
    receipt = WriteReceipt(
        user_id=user.pk, key=key, fingerprint=fingerprint, answer=answer, created_at=now
    )
    receipts.add(attempt, user.pk, key, receipt)
    return answer


def receipt_hint(*, user, request_id: Any) -> dict:
    """The group commit's hint (`GroupCommit.run`'s `hints`) of a write through `write_once`
    with `transactional=True`: its receipt is then read with the group's others, in one
    statement. {} when it has none to read (no request id, anonymous)."""
    if request_id in (None, "") or not getattr(user, "is_authenticated", False):
        return {}
    return {"receipt": (user.pk, request_key(request_id))}


class _GroupReceipts:
    """The receipts of the writes of one group commit (deliberation/groupcommit.py).

    Read together: the receipts the group's writes said beforehand they would read (hints made
    by `receipt_hint`) are read at the first one's read, in one statement; each is taken from
    there once (a run again, after a concurrent repeat stored its receipt first, reads it anew).

    Stored: a write's answer may be completed at the group's end (a vote's totals:
    comments/voting.py), after its receipt was stored: the receipts whose answers changed since
    are written again there, in one UPDATE, before the COMMIT. The receipts of deferred writes
    (not saved yet: no pk) are stored there with their final answers, in one INSERT for all; one
    that another process stored first meanwhile (a concurrent repeat) makes the group run again
    the careful way (RedoGroup), where that write rolls back and answers with the first's. A
    repeat within the same group finds its receipt here (as the row holds it)."""

    def __init__(self) -> None:
        self.receipts: dict[tuple[int, str], tuple[int, WriteReceipt, str]] = {}
        self.read: dict[tuple[int, str], WriteReceipt | None] | None = None

    def find(self, user_id: int, key: str) -> tuple[bool, WriteReceipt | None]:
        """(known, the receipt or None): known is False when the caller must read it."""
        found = self.receipts.get((user_id, key))
        if found:
            return True, found[1]
        if self.read is None:
            hints = set(group_hints("receipt"))
            self.read = dict.fromkeys(hints)
            self.read.update(_receipts(hints))
        if (user_id, key) in self.read:
            return True, self.read.pop((user_id, key))
        return False, None

    def add(self, index: int, user_id: int, key: str, receipt: WriteReceipt) -> None:
        """Note the receipt of the run `index`; stored at the end when it has no pk yet."""
        stored = _stored(receipt.answer) if receipt.pk is not None else ""
        self.receipts[(user_id, key)] = (index, receipt, stored)

    def abandon(self) -> None:
        pass  # nothing outside the database

    def finish(self, failed: set[int]) -> None:
        kept = [(i, r, stored) for i, r, stored in self.receipts.values() if i not in failed]
        _receipts_insert([receipt for _, receipt, _ in kept if receipt.pk is None])
        changed = [
            receipt
            for _, receipt, stored in kept
            if receipt.pk is not None and _stored(receipt.answer) != stored
        ]
        if not changed:
            return
        q = connection.ops.quote_name
        answer_field = WriteReceipt._meta.get_field("answer")
        cases, params = [], []
        for receipt in changed:
            cases.append("WHEN %s THEN %s")
            params += [receipt.pk, answer_field.get_db_prep_save(receipt.answer, connection)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(WriteReceipt._meta.db_table)} "  # noqa: S608 (our table's name)
                f"SET {q('answer')} = CASE {q('id')} {' '.join(cases)} ELSE {q('answer')} END "
                f"WHERE {q('id')} IN ({', '.join(['%s'] * len(changed))})",
                [*params, *(receipt.pk for receipt in changed)],
            )


def _stored(answer: dict) -> str:
    return json.dumps(answer, sort_keys=True, default=str)


# The one-write receipt is on the path of every websocket vote: its read and INSERT are written
# out in SQL (deliberation/rawsql.py), as building them through the ORM cost more than running
# them (issue 14).
_RECEIPT_FIELDS = tuple(
    f.attname
    for f in WriteReceipt._meta.concrete_fields
    if f.attname in ("id", "fingerprint", "answer", "created_at")
)


def _receipt(user_id: int, key: str, *, for_update: bool = False) -> WriteReceipt | None:
    """The person's receipt of the request `key` (its fields but user and key), or None;
    `for_update`: with its row lock until the transaction ends (where the backend has one)."""
    sql, converters = _receipt_statement()
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = rawsql.converted(row, converters)
    return WriteReceipt.from_db(connection.alias, _RECEIPT_FIELDS, values)


def _receipts(wanted: set[tuple[int, str]]) -> dict[tuple[int, str], WriteReceipt]:
    """The receipts of `wanted` (person id, key) pairs that exist, in one statement."""
    if not wanted:
        return {}
    columns, converters = _receipt_columns()
    users, keys = sorted({user for user, _ in wanted}), sorted({key for _, key in wanted})
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.{q('user_id')}, r.{q('key')}, {columns} "  # noqa: S608 (our table)
            f"FROM {q(WriteReceipt._meta.db_table)} r "
            f"WHERE r.{q('user_id')} IN ({', '.join(['%s'] * len(users))}) "
            f"AND r.{q('key')} IN ({', '.join(['%s'] * len(keys))})",
            [*users, *keys],
        )
        rows = cursor.fetchall()
    found = {}
    for user_id, key, *row in rows:
        if (user_id, key) in wanted:
            values = rawsql.converted(row, converters)
            found[(user_id, key)] = WriteReceipt.from_db(connection.alias, _RECEIPT_FIELDS, values)
    return found


def _receipt_columns() -> tuple[str, list]:
    """The receipt's columns (`_RECEIPT_FIELDS`) as a SELECT list, and their converters."""
    columns = [rawsql.column("r", WriteReceipt, name) for name in _RECEIPT_FIELDS]
    return ", ".join(sql for sql, _ in columns), [converters for _, converters in columns]


_receipt_statements: dict[str, tuple[str, list]] = {}


def _receipt_statement() -> tuple[str, list]:
    """The receipt's read for this connection's backend, and its columns' converters."""
    found = _receipt_statements.get(connection.vendor)
    if found is None:
        columns, converters = _receipt_columns()
        q = connection.ops.quote_name
        found = _receipt_statements[connection.vendor] = (
            f"SELECT {columns} "  # noqa: S608 (our table's name)
            f"FROM {q(WriteReceipt._meta.db_table)} r WHERE r.{q('user_id')} = %s "
            f"AND r.{q('key')} = %s",
            converters,
        )
    return found


def _receipt_insert(user_id: int, key: str, fingerprint: str, answer: dict, now) -> WriteReceipt:
    """Store a receipt and return it; IntegrityError when the person's `key` has one already."""
    receipt = WriteReceipt(
        user_id=user_id, key=key, fingerprint=fingerprint, answer=answer, created_at=now
    )
    with connection.cursor() as cursor:
        cursor.execute(_insert_statement(1), _insert_values([receipt]))
        receipt.pk = cursor.fetchone()[0]
    return receipt


def _receipts_insert(receipts: list[WriteReceipt]) -> None:
    """Store the new `receipts` (no pk yet) in one INSERT. RedoGroup when any of them was
    stored meanwhile by a concurrent repeat (another process's transaction)."""
    if not receipts:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_statement(len(receipts), skip_conflicts=True), _insert_values(receipts)
        )
        stored = cursor.fetchall()
    if len(stored) != len(receipts):
        raise RedoGroup("a receipt was stored meanwhile by a concurrent repeat")


_INSERTED = ("user_id", "key", "fingerprint", "answer", "created_at")


def _insert_statement(rows: int, skip_conflicts: bool = False) -> str:
    """The INSERT of `rows` receipts (`_INSERTED`'s columns), returning their ids; with
    `skip_conflicts` a receipt whose person and key are stored already is left out."""
    q = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(_INSERTED))})"
    skip = f"ON CONFLICT ({q('user_id')}, {q('key')}) DO NOTHING " if skip_conflicts else ""
    return (
        f"INSERT INTO {q(WriteReceipt._meta.db_table)} "  # noqa: S608 (our table's name)
        f"({', '.join(q(name) for name in _INSERTED)}) VALUES {', '.join([row] * rows)} "
        f"{skip}RETURNING {q('id')}"
    )


def _insert_values(receipts: list[WriteReceipt]) -> list:
    """The parameters of `_insert_statement` for `receipts`, as the ORM would store them."""
    answer_field = WriteReceipt._meta.get_field("answer")
    values = []
    for receipt in receipts:
        values += [
            receipt.user_id,
            receipt.key,
            receipt.fingerprint,
            answer_field.get_db_prep_save(receipt.answer, connection),
            connection.ops.adapt_datetimefield_value(receipt.created_at),
        ]
    return values


def _claim_first(user, key: str, fingerprint: str, write: Callable[[], dict]) -> dict:
    # The path of every websocket comment (issue 14): the claim is one INSERT … ON CONFLICT DO
    # NOTHING (no savepoint: a conflict is no error), the answer one UPDATE, both written out
    # in SQL (deliberation/rawsql.py). On PostgreSQL the INSERT waits for a concurrent repeat
    # that inserted the same key until it commits (then nothing is inserted: read its answer)
    # or rolls back (then this one's row goes in), as the plain INSERT did.
    with transaction.atomic():
        now = timezone.now()
        pk = _receipt_claim(user.pk, key, fingerprint, now)
        if pk is None:  # committed before
            receipt = _receipt(user.pk, key, for_update=True)
            if receipt.created_at > now - WINDOW:
                if receipt.fingerprint != fingerprint:
                    raise _refuse_other_write()
                return receipt.answer
            # An old id used again after the window: a new write.
            pk = receipt.pk
        answer = write()
        _receipt_answer(pk, fingerprint, answer, now)
        return answer


def _receipt_claim(user_id: int, key: str, fingerprint: str, now) -> int | None:
    """Insert the person's receipt of `key` without an answer yet; its id, or None when they
    have one already (inserted and committed by an earlier or concurrent write)."""
    claim = WriteReceipt(
        user_id=user_id, key=key, fingerprint=fingerprint, answer={}, created_at=now
    )
    with connection.cursor() as cursor:
        cursor.execute(_insert_statement(1, skip_conflicts=True), _insert_values([claim]))
        row = cursor.fetchone()
    return row[0] if row else None


def _receipt_answer(pk: int, fingerprint: str, answer: dict, now) -> None:
    """Store the answer of the claimed receipt `pk` (and when and for what it was claimed)."""
    q = connection.ops.quote_name
    answer_field = WriteReceipt._meta.get_field("answer")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(WriteReceipt._meta.db_table)} "  # noqa: S608 (our table's name)
            f"SET {q('answer')} = %s, {q('created_at')} = %s, {q('fingerprint')} = %s "
            f"WHERE {q('id')} = %s",
            [
                answer_field.get_db_prep_save(answer, connection),
                connection.ops.adapt_datetimefield_value(now),
                fingerprint,
                pk,
            ],
        )


def receipts_prune(*, now=None) -> int:
    """Delete the receipts older than the window (`manage.py prune_events` runs it); returns how
    many. Nothing depends on it but the table's size: an expired receipt is never answered."""
    now = now or timezone.now()
    return WriteReceipt.objects.filter(created_at__lte=now - WINDOW).delete()[0]


# Forms: a one-time token per rendered form is the request id of its POST ---------------------

TOKEN_FIELD = "request_id"  # noqa: S105 (a field name, not a secret)


def form_write_once(request: HttpRequest, write: Callable[[], dict]) -> dict:
    """`write_once` for a form POST: the person, the form's one-time token (TOKEN_FIELD; none:
    `write` simply runs) and the form's contents (`form_write`). Raises what `write_once` does."""
    return write_once(
        user=request.user,
        request_id=request.POST.get(TOKEN_FIELD),
        what=form_write(request),
        write=write,
    )


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
    The same token with other contents after a success is refused: an error message and a
    redirect to the form's page (GET), which brings a fresh token.
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
            answer = form_write_once(request, write)
        except _NotStored as exc:
            return exc.response
        except ActionRefused as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(answer["redirect"])

    return wrapped
