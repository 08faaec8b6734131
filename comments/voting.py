"""The vote write, lean: one joined read, the vote's write, one `UPDATE … RETURNING` on the tally.

Why lean. A vote is the commonest write of a consultation and comes in bursts (a paragraph
discussed on the radio). Through the ORM's usual path it cost about 13 statements (savepoints,
`get_or_create`, a re-read of the tally) and most of its time was Python around them (issue 14).
Here a vote that changes something costs three statements besides the transaction: the joined
read (the paragraph, its draft, its tally, the person's vote and whether they have any block:
only then are the block rules asked), the vote's INSERT, UPDATE or DELETE, and the tally's
UPDATE that adds the deltas, bumps `rev` and returns the new totals in the same statement. A
vote that changes nothing costs the read alone. The statements are written out in SQL, since
building them through the ORM cost more than running them.

Why it is safe without a lock taken up front. The vote's write is conditional on the choice the
read saw (`… WHERE choice = <old>`, `INSERT … ON CONFLICT DO NOTHING`): when the same person
changed the same vote meanwhile (two tabs), PostgreSQL makes the write wait for that transaction
and then find its condition false; the write changes no row, the vote is read again and the
write retried. The deltas applied to the tally are therefore always those of a change that
really happened, and the totals stay exact. SQLite serializes writers, so nothing races there.

In a group commit (deliberation/groupcommit.py) a vote from the draft socket is deferred: it
reads (with the group's other votes, `_GroupVotes`) and checks, and its write waits for the
group's end, where all the group's votes are written in at most three statements under the same
condition (`_write_votes`); a row not as read makes the group run again the careful way.
"""

from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import events, rawsql
from deliberation.errors import ActionRefused
from deliberation.groupcommit import RedoGroup, at_group_end, deferring, group_hints, run_failed
from deliberation.ratelimit import (
    ratelimit_check,
    ratelimit_hit,
    ratelimit_release,
    ratelimit_reserve,
)
from drafts.models import Draft, DraftStatus, Paragraph, parse_paragraph_key

from .models import ParagraphTally, ParagraphVote, VoteChoice
from .permissions import check_can_write, check_paragraph_open
from .tally import tally_add

VOTE_CHOICES = (*VoteChoice.values, "none")
ATTEMPTS = 10  # conditional writes that found the vote changed by another tab: re-read and retry


def vote_cast(*, user, paragraph: Paragraph, choice: str) -> dict:
    """Set, change or withdraw ("none") the user's vote on `paragraph`.

    Returns {"counts": {"agree", "disagree", "neutral"}, "rev": int, "choice": str}: the
    paragraph's totals right after the vote, with the tally's rev (it grows with every change
    of the counts, across processes). Voting the same twice changes nothing (rev unchanged).
    Raises ActionRefused: `invalid` (an unknown choice, a heading or a paragraph of an old
    version), `not_authenticated`, `forbidden` (blocked, deactivated), `closed`, `rate_limited`.
    """
    return vote_cast_at(
        user=user, draft_id=paragraph.draft_id, paragraph_id=paragraph.pk, choice=choice
    )


def vote_cast_at(
    *,
    user,
    draft_id: int,
    choice: str,
    paragraph_id: int | None = None,
    key: str | None = None,
    if_choice: str | None = None,
) -> dict:
    """`vote_cast` for a paragraph named by its id or by its key within the draft `draft_id`.

    `if_choice`: change the vote only if the stored one is this ("none": no vote); otherwise
    nothing changes and the answer carries the stored choice (a page whose idea of the
    person's vote is stale, say withdrawing a vote changed meanwhile on another device, then
    learns it instead of undoing that change). Raises ActionRefused("not_found") when the draft
    has no such paragraph (`key` need not be a valid UUID), besides what `vote_cast` raises
    (`invalid` also for an unknown `if_choice`); returns what `vote_cast` returns.
    """
    if choice not in VOTE_CHOICES or (if_choice is not None and if_choice not in VOTE_CHOICES):
        raise ActionRefused("invalid", _("A vote is “agree”, “disagree”, “neutral” or “none”."))
    if not user.is_authenticated:
        raise ActionRefused("not_authenticated", _("Please log in to take part."))
    # Read and checked before the transaction: a refusal then happens outside any atomic
    # block, and the block below needs no savepoint of its own inside a caller's transaction
    # (two statements less per vote in a group commit). The conditional write keeps it exact.
    paragraph, my_choice, blocked = _read(
        user=user, draft_id=draft_id, paragraph_id=paragraph_id, key=key
    )
    if blocked or not user.is_active or paragraph.draft.status != DraftStatus.CONSULTATION:
        check_can_write(user=user, draft=paragraph.draft)  # raises, with the reason
    grouped = at_group_end("vote tallies", _GroupVotes)
    count = grouped[0].rate_count(user.pk) if grouped is not None else None
    if count is None:
        ratelimit_hit(action="vote", ident=str(user.pk))
    else:
        ratelimit_check(action="vote", count=count)
    check_paragraph_open(paragraph)
    old = my_choice or "none"
    if if_choice is not None and old != if_choice:
        choice = old  # not the vote it meant to change: it stays, and the answer says which
    if grouped is not None and deferring():  # written with the group's others at its end
        answer = _unchanged(paragraph, choice) if old == choice else _answer(choice)
        deltas = None if old == choice else _deltas(old, choice)
        grouped[0].add(grouped[1], paragraph, deltas, answer, write=(user.pk, old, choice))
        return answer
    with transaction.atomic(savepoint=False):
        for _attempt in range(ATTEMPTS):
            if old == choice:
                answer = _unchanged(paragraph, choice)
                if grouped is not None:  # its totals: those after the group's votes before it
                    grouped[0].add(grouped[1], paragraph, None, answer)
                return answer
            if _write_vote(paragraph.pk, user.pk, old, choice):
                break
            # Another tab of the same person changed this vote meanwhile: take it from there.
            old = (
                ParagraphVote.objects.filter(paragraph_id=paragraph.pk, user_id=user.pk)
                .values_list("choice", flat=True)
                .first()
            ) or "none"
            if if_choice is not None and old != if_choice:  # as above, for the row as it is
                choice = old
        else:
            raise RuntimeError(f"vote on paragraph {paragraph.pk} kept changing under us")
        deltas, answer = _deltas(old, choice), _answer(choice)
        if grouped is not None:  # filled in at the group's end, before its COMMIT
            tallies, index = grouped
            tallies.add(index, paragraph, deltas, answer)
            return answer
        answer["counts"], answer["rev"] = _tally_bump(paragraph.pk, deltas)
        events.votes_changed_on_commit(
            draft=paragraph.draft,
            paragraph=str(paragraph.key),
            counts=answer["counts"],
            rev=answer["rev"],
        )
        return answer


def _deltas(old: str, choice: str) -> dict[str, int]:
    """What a change from `old` to `choice` adds to each count ("none": no vote)."""
    deltas = dict.fromkeys(VoteChoice.values, 0)
    if old != "none":
        deltas[old] -= 1
    if choice != "none":
        deltas[choice] += 1
    return deltas


def _answer(choice: str) -> dict:
    """A changing vote's answer; its totals and rev are filled in once the tally is bumped."""
    return {"counts": None, "rev": None, "choice": choice}


def vote_hint(*, user, draft_id: int, key, choice) -> dict:
    """The group commit's hint (`GroupCommit.run`'s `hints`) of a `vote_cast_at` by `key`: its
    joined read is then made with the group's other votes (`_GroupVotes`). {} for anonymous."""
    if not user.is_authenticated:
        return {}
    return {"vote": (draft_id, key, user.pk, choice)}


def _read(
    *, user, draft_id: int, paragraph_id: int | None, key: str | None
) -> tuple[Paragraph, str | None, bool]:
    """The joined read: (the paragraph with its draft (the fields a vote needs; the others are
    deferred) and its tally, the person's vote (None without one), whether they have any block
    at all (`check_can_write` then decides))."""
    if paragraph_id is None:
        key = parse_paragraph_key(key)
        if key is None:
            raise ActionRefused("not_found", _("This paragraph does not exist."))
    by_key = paragraph_id is None
    grouped = at_group_end("vote tallies", _GroupVotes) if by_key else None
    if grouped is not None:  # read with the group's other votes, when they said so beforehand
        found = grouped[0].read(user_id=user.pk, draft_id=draft_id, key=key)
        if found is not None:
            return found
    sql, converters = _read_statement(by_key)
    where = _KEY.get_db_prep_value(key, connection) if by_key else paragraph_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, draft_id, where])
        row = cursor.fetchone()
    if row is None:
        raise ActionRefused("not_found", _("This paragraph does not exist."))
    row = rawsql.converted(row, converters)
    return _paragraph(row[:-2]), row[-2], bool(row[-1])


def _paragraph(values: list) -> Paragraph:
    """A paragraph as the joined read gives it, from its converted `values` (the paragraph's,
    the draft's and the tally's columns: `_columns`)."""
    paragraph_values = values[: len(_PARAGRAPH_FIELDS)]
    draft_values = values[len(_PARAGRAPH_FIELDS) : len(_PARAGRAPH_FIELDS) + len(_DRAFT_FIELDS)]
    agree, disagree, neutral, rev = values[-4:]
    paragraph = Paragraph.from_db(connection.alias, _PARAGRAPH_FIELDS, paragraph_values)
    paragraph.draft = Draft.from_db(connection.alias, _DRAFT_FIELDS, draft_values)
    paragraph.tally = (  # None: no tally yet (known, so not read again)
        None
        if rev is None
        else ParagraphTally(agree=agree, disagree=disagree, neutral=neutral, rev=rev)
    )
    return paragraph


# The joined read and the vote's write are written out in SQL (deliberation/rawsql.py): through
# the ORM, building and compiling them cost most of a vote's time on the database thread, more
# than all of its statements together (issue 14).
def _in_model_order(model, names: set[str]) -> tuple[str, ...]:
    """`names` (attnames) in the model's field order, as `Model.from_db` takes its values."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


_PARAGRAPH_FIELDS = _in_model_order(Paragraph, {"id", "draft_id", "key", "archived", "kind"})
_DRAFT_FIELDS = _in_model_order(Draft, {"id", "opens_at", "closes_at", "is_final", "slug"})
_KEY = Paragraph._meta.get_field("key")
# Where the paragraph's id, draft and key are in the joined read's values (`_columns`)
_AT_ID, _AT_DRAFT, _AT_KEY = (_PARAGRAPH_FIELDS.index(name) for name in ("id", "draft_id", "key"))
_read_statements: dict[tuple[str, bool], tuple[str, list]] = {}


def _read_statement(by_key: bool) -> tuple[str, list]:
    """The joined read's SQL for this connection's backend (parameters: the person twice, the
    draft, the paragraph's key or id) and each column's converters (from the database's value
    to Python's, as the ORM would apply them)."""
    found = _read_statements.get((connection.vendor, by_key))
    if found is not None:
        return found
    q = connection.ops.quote_name
    blocks = get_user_model()._meta.get_field("blocks")  # moderation's UserBlock, by relation
    columns = [
        *_columns(),
        (
            f"(SELECT v.{q('choice')} FROM {q(ParagraphVote._meta.db_table)} v "  # noqa: S608
            f"WHERE v.{q('paragraph_id')} = p.{q('id')} AND v.{q('user_id')} = %s)",
            [],
        ),
        (
            f"EXISTS (SELECT 1 FROM {q(blocks.related_model._meta.db_table)} b "  # noqa: S608
            f"WHERE b.{q(blocks.field.column)} = %s)",
            [],
        ),
    ]
    where = q(_KEY.column) if by_key else q("id")
    sql = (
        f"SELECT {', '.join(sql for sql, _ in columns)} {_joins()} "
        f"WHERE p.{q('draft_id')} = %s AND p.{where} = %s"
    )
    found = _read_statements[(connection.vendor, by_key)] = (sql, [c for _, c in columns])
    return found


def _columns() -> list[tuple[str, list]]:
    """The joined read's columns of the paragraph, its draft and its tally, with converters."""
    column = rawsql.column
    return [
        *(column("p", Paragraph, name) for name in _PARAGRAPH_FIELDS),
        *(column("d", Draft, name) for name in _DRAFT_FIELDS),
        *(column("t", ParagraphTally, name) for name in ("agree", "disagree", "neutral", "rev")),
    ]


def _joins() -> str:
    """The joined read's FROM clause: the paragraph p, its draft d and its tally t (or NULLs)."""
    q = connection.ops.quote_name
    return (
        f"FROM {q(Paragraph._meta.db_table)} p "
        f"JOIN {q(Draft._meta.db_table)} d ON d.{q('id')} = p.{q('draft_id')} "
        f"LEFT JOIN {q(ParagraphTally._meta.db_table)} t ON t.{q('paragraph_id')} = p.{q('id')}"
    )


def _read_many(
    wanted: set[tuple[str, int]],
) -> tuple[dict[str, list], dict[tuple[int, int], str], set[int]]:
    """The joined read for a group's votes in three statements: for `wanted` (paragraph key,
    person id) pairs, the paragraphs (by key: their converted `_columns` values), the persons'
    votes on them ({(paragraph id, person id): choice}) and which of the persons have any block.

    On PostgreSQL each (paragraph, person) pair is locked first, until COMMIT, with a
    transaction-level advisory lock (`_lock_pairs`): two processes' groups never write the same
    person's vote at once, so their writes never wait for each other's rows. Row locks cannot
    do it: a vote not there yet has no row to lock, and a statement for many rows locks them in
    its plan's order (one person voting from two tabs on two processes deadlocked both ways)."""
    q = connection.ops.quote_name
    columns = _columns()
    keys = sorted({key for key, _user in wanted})
    users = sorted({user for _key, user in wanted})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(sql for sql, _ in columns)} {_joins()} "
            f"WHERE p.{q(_KEY.column)} IN ({', '.join(['%s'] * len(keys))})",
            [_KEY.get_db_prep_value(key, connection) for key in keys],
        )
        rows = [rawsql.converted(row, [c for _, c in columns]) for row in cursor.fetchall()]
        paragraphs = {str(row[_AT_KEY]): row for row in rows}
        pairs = sorted(
            {(paragraphs[key][_AT_ID], user) for key, user in wanted if key in paragraphs}
        )
        votes = {}
        if pairs:
            _lock_pairs(cursor, pairs)
            cursor.execute(
                f"SELECT {q('paragraph_id')}, {q('user_id')}, {q('choice')} "  # noqa: S608
                f"FROM {q(ParagraphVote._meta.db_table)} "
                f"WHERE ({q('paragraph_id')}, {q('user_id')}) IN "
                f"({', '.join(['(%s, %s)'] * len(pairs))}) "
                f"ORDER BY {q('paragraph_id')}, {q('user_id')}",
                [value for pair in pairs for value in pair],
            )
            votes = {(pid, uid): choice for pid, uid, choice in cursor.fetchall()}
        blocks = get_user_model()._meta.get_field("blocks")
        cursor.execute(
            f"SELECT DISTINCT {q(blocks.field.column)} "  # noqa: S608 (our table's name)
            f"FROM {q(blocks.related_model._meta.db_table)} "
            f"WHERE {q(blocks.field.column)} IN ({', '.join(['%s'] * len(users))})",
            users,
        )
        blocked = {uid for (uid,) in cursor.fetchall()}
    return paragraphs, votes, blocked


def _lock_pairs(cursor, pairs: list[tuple[int, int]]) -> None:
    """On PostgreSQL: take the advisory lock of each (paragraph id, person id) pair, held until
    the transaction ends, in the order of the locks' keys (so that two transactions taking
    several never wait for each other in a circle). A key is the pair's ids modulo 2^31 (the
    two-int form of `pg_advisory_xact_lock`); pairs that share one merely wait for each other.
    Elsewhere nothing: SQLite runs one writing transaction at a time."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({(paragraph % 2**31, person % 2**31) for paragraph, person in pairs})
    cursor.execute(
        # The sorted subquery (OFFSET 0 keeps it one) hands the locks over in its order.
        "SELECT count(pg_advisory_xact_lock(k1, k2)) FROM (SELECT k1, k2 FROM (VALUES "  # noqa: S608
        f"{', '.join(['(%s, %s)'] * len(keys))}) AS v(k1, k2) ORDER BY k1, k2 OFFSET 0) AS s",
        [value for key in keys for value in key],
    )


def _unchanged(paragraph: Paragraph, choice: str) -> dict:
    """The answer to a vote that changes nothing: the totals as the joined read saw them."""
    tally = getattr(paragraph, "tally", None)
    counts = tally.vote_counts() if tally else dict.fromkeys(VoteChoice.values, 0)
    return {"counts": counts, "rev": tally.rev if tally else 0, "choice": choice}


def _write_vote(paragraph_id: int, user_id: int, old: str, choice: str) -> bool:
    """Write the vote on the condition that it still is `old`; False when it is not any more."""
    q = connection.ops.quote_name
    table = q(ParagraphVote._meta.db_table)
    mine = f"{q('paragraph_id')} = %s AND {q('user_id')} = %s AND {q('choice')} = %s"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if choice == "none":
        sql, params = f"DELETE FROM {table} WHERE {mine}", [paragraph_id, user_id, old]  # noqa: S608
    elif old != "none":
        sql = f"UPDATE {table} SET {q('choice')} = %s, {q('updated_at')} = %s WHERE {mine}"  # noqa: S608
        params = [choice, now, paragraph_id, user_id, old]
    else:  # the ORM's bulk_create(ignore_conflicts=True) does not tell whether a row was inserted
        sql = (
            f"INSERT INTO {table} "  # noqa: S608 (our table's name)
            "(paragraph_id, user_id, choice, created_at, updated_at) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (paragraph_id, user_id) DO NOTHING"
        )
        params = [paragraph_id, user_id, choice, now, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


class _GroupVotes:
    """The votes of one group commit (deliberation/groupcommit.py).

    Read together: the group's votes that said beforehand what they vote on (the hints
    `vote_hint` makes) are read at the first one's read, in three statements for all
    (`_read_many`) instead of one joined read each; each paragraph is built once per group. A
    person's vote on a paragraph is taken from there once: a second vote of theirs on it in the
    group (or a run again) reads its row anew, since the first may have changed it; a deferred
    vote takes it from the group's votes before it instead (the row is not written yet). Their
    rate-limit counts are taken at the first one's count, in one round trip to Redis
    (`ratelimit_reserve`); counts not used (a vote refused before it counted, a person whose
    vote was not read ahead) are given back at the group's end, all of them when the group is
    run again (`abandon`).

    Written at the group's end, for deferred votes (deliberation/groupcommit.py `deferring`):
    each person's change of each paragraph's vote, from the choice read to their last one in
    the group, in at most three statements for all (`_write_votes`: INSERT, UPDATE, DELETE),
    each on the condition that the row still holds what was read; a row that does not
    (another process's transaction changed it: two tabs) makes the group run again the careful
    way (RedoGroup), where each vote writes at once and re-reads on a changed row.

    Tallied at the group's end: the vote deltas, one `UPDATE … RETURNING` per paragraph, so its
    tally row is locked only from there to the COMMIT. Each vote's answer is then what it would
    have been had each vote bumped the tally on its own, in the group's order: the totals after
    it and the rev it made."""

    def __init__(self) -> None:
        # paragraph id -> (paragraph, [(write index, deltas or None, answer), ...]) in order
        self.votes: dict[int, tuple[Paragraph, list[tuple[int, dict, dict]]]] = {}
        # (paragraph id, person id) -> [(write index, old, choice), ...]: deferred, in order
        self.writes: dict[tuple[int, int], list[tuple[int, str, str]]] = {}
        self.hints = group_hints("vote")
        self.paragraphs: dict[str, list] | None = None  # read at the first vote's read
        self.built: dict[str, Paragraph] = {}  # by key: built once per group
        self.choices: dict[tuple[int, int], str] = {}
        self.unread: set[tuple[int, int]] = set()  # (paragraph, person) not taken yet
        self.ahead: set[tuple[int, int]] = set()  # (paragraph, person) read ahead
        self.blocked: set[int] = set()
        self.counts: dict[int, tuple[str, list[int]]] | None = None  # at the first count
        self.reserved: dict[str, int] = {}  # window key -> counts reserved, not given back

    def read(
        self, *, user_id: int, draft_id: int, key: str
    ) -> tuple[Paragraph, str | None, bool] | None:
        """The joined read (`_read`'s answer) of `user_id`'s vote on `key` in `draft_id` from
        the group's read, or None (not read ahead, or taken already: the caller reads it)."""
        if self.paragraphs is None:
            wanted = {
                (k, user)
                for _draft, hint_key, user, _choice in self.hints
                if (k := parse_paragraph_key(hint_key))
            }
            self.paragraphs, self.choices, self.blocked = ({}, {}, set())
            if wanted:
                self.paragraphs, self.choices, self.blocked = _read_many(wanted)
            ids = {key: row[_AT_ID] for key, row in self.paragraphs.items()}
            self.unread = {
                (ids[k], user)
                for _d, hint_key, user, _c in self.hints
                if (k := parse_paragraph_key(hint_key)) in ids
            }
            self.ahead = set(self.unread)
        row = self.paragraphs.get(key)
        if row is None or row[_AT_DRAFT] != draft_id:
            return None
        pair = (row[_AT_ID], user_id)
        if pair in self.unread:
            self.unread.discard(pair)
            choice = self.choices.get(pair)
        elif deferring() and pair in self.ahead:
            # Taken already by a vote of this group: its row is as read, its vote as the group's
            # last deferred write of it says (or as read, when none is left).
            kept = [w for w in self.writes.get(pair, ()) if not run_failed(w[0])]
            choice = kept[-1][2] if kept else self.choices.get(pair)
            choice = None if choice == "none" else choice
        else:
            return None
        paragraph = self.built.get(key)
        if paragraph is None:
            paragraph = self.built[key] = _paragraph(row)
        return paragraph, choice, user_id in self.blocked

    def rate_count(self, user_id: int) -> int | None:
        """The person's next vote count reserved for the group (see the class), or None (none
        left: the caller counts on its own)."""
        if self.counts is None:
            rows = self.paragraphs or {}
            counted = [
                str(user)
                for draft_id, key, user, choice in self.hints
                if choice in VOTE_CHOICES
                and (row := rows.get(parse_paragraph_key(key) or "")) is not None
                and row[_AT_DRAFT] == draft_id
                and user not in self.blocked
            ]
            reserved = ratelimit_reserve(action="vote", idents=counted) if counted else {}
            self.counts = {int(ident): found for ident, found in reserved.items()}
            self.reserved = {key: len(numbers) for key, numbers in reserved.values()}
        found = self.counts.get(user_id)
        if not found or not found[1]:
            return None
        return found[1].pop(0)

    def finish(self, failed: set[int]) -> None:
        self._write(failed)
        for key, unused in (self.counts or {}).values():
            ratelimit_release(key=key, count=len(unused))
            self.reserved[key] -= len(unused)
        self._tally(failed)

    def abandon(self) -> None:
        for key, count in self.reserved.items():
            ratelimit_release(key=key, count=count)
        self.reserved = {}

    def add(
        self,
        index: int,
        paragraph: Paragraph,
        deltas: dict | None,
        answer: dict,
        write: tuple[int, str, str] | None = None,
    ) -> None:
        """Note the vote `index` of the group; its `answer` gets its totals and rev at the end.
        `deltas`: what it adds to each count, None for a vote that changed nothing. `write`:
        (person id, old choice, new choice) of a deferred vote, written at the end."""
        self.votes.setdefault(paragraph.pk, (paragraph, []))[1].append((index, deltas, answer))
        if write is not None:
            user_id, old, choice = write
            self.writes.setdefault((paragraph.pk, user_id), []).append((index, old, choice))

    def _write(self, failed: set[int]) -> None:
        """Write the deferred votes: per (paragraph, person), from the choice read to the last."""
        changes = []
        for (paragraph_id, user_id), entries in self.writes.items():
            kept = [(old, choice) for index, old, choice in entries if index not in failed]
            if not kept:
                continue
            if any(old != before[1] for before, (old, _) in pairwise(kept)):
                # A vote of the pair read what was not the one before it wrote: not the chain of
                # changes the deltas assume (a vote that read the row on its own meanwhile).
                raise RedoGroup("a person's votes on a paragraph do not follow each other")
            if kept[0][0] != kept[-1][1]:
                changes.append((paragraph_id, user_id, kept[0][0], kept[-1][1]))
        if changes:
            _write_votes(changes)

    def _tally(self, failed: set[int]) -> None:
        # By paragraph id: two processes' groups lock the tally rows in the same order.
        for paragraph_id in sorted(self.votes):
            paragraph, entries = self.votes[paragraph_id]
            entries = [entry for entry in entries if entry[0] not in failed]
            changes = [deltas for _index, deltas, _answer in entries if deltas is not None]
            if not changes:  # only votes that changed nothing: they keep the totals they read
                continue
            total = {c: sum(deltas[c] for deltas in changes) for c in VoteChoice.values}
            counts, rev = _tally_bump(paragraph_id, total, changes=len(changes))
            events.votes_changed_on_commit(
                draft=paragraph.draft, paragraph=str(paragraph.key), counts=counts, rev=rev
            )
            for _index, deltas, answer in reversed(entries):  # the newest saw the end state
                answer["counts"], answer["rev"] = dict(counts), rev
                if deltas is not None:  # None: a vote that changed nothing
                    counts = {c: counts[c] - deltas[c] for c in counts}
                    rev -= 1


def _write_votes(changes: list[tuple[int, int, str, str]]) -> None:
    """Write the votes (paragraph id, person id, old choice, new choice; "none": no vote) in at
    most three statements: the new ones (INSERT), the changed ones (UPDATE), the withdrawn ones
    (DELETE), each on the condition that the row still holds the old choice (`_write_vote`'s
    condition, for many rows). RedoGroup when any row did not (changed meanwhile). Two
    processes' groups never write the same rows at once: the group's read locked its pairs
    (`_lock_pairs`)."""
    q = connection.ops.quote_name
    table = q(ParagraphVote._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    changes = sorted(changes)
    new = [(p, u, choice) for p, u, old, choice in changes if old == "none"]
    changed = [(p, u, old, choice) for p, u, old, choice in changes if "none" not in (old, choice)]
    gone = [(p, u, old) for p, u, old, choice in changes if choice == "none"]
    written = 0
    with connection.cursor() as cursor:
        if new:
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 (our table's name)
                "(paragraph_id, user_id, choice, created_at, updated_at) VALUES "
                f"{', '.join(['(%s, %s, %s, %s, %s)'] * len(new))} "
                "ON CONFLICT (paragraph_id, user_id) DO NOTHING RETURNING paragraph_id",
                [value for p, u, choice in new for value in (p, u, choice, now, now)],
            )
            written += len(cursor.fetchall())
        if changed:
            cursor.execute(
                f"UPDATE {table} SET {q('updated_at')} = %s, {q('choice')} = CASE "  # noqa: S608
                f"{' '.join(['WHEN paragraph_id = %s AND user_id = %s THEN %s'] * len(changed))}"
                f" END WHERE (paragraph_id, user_id, {q('choice')}) IN "
                f"({', '.join(['(%s, %s, %s)'] * len(changed))}) RETURNING paragraph_id",
                [
                    now,
                    *(value for p, u, _old, choice in changed for value in (p, u, choice)),
                    *(value for p, u, old, _choice in changed for value in (p, u, old)),
                ],
            )
            written += len(cursor.fetchall())
        if gone:
            cursor.execute(
                f"DELETE FROM {table} WHERE (paragraph_id, user_id, {q('choice')}) IN "  # noqa: S608
                f"({', '.join(['(%s, %s, %s)'] * len(gone))}) RETURNING paragraph_id",
                [value for row in gone for value in row],
            )
            written += len(cursor.fetchall())
    if written != len(changes):
        raise RedoGroup("a vote was changed meanwhile by another transaction")


def _tally_bump(
    paragraph_id: int, deltas: dict[str, int], changes: int = 1
) -> tuple[dict[str, int], int]:
    """Add `deltas` to the paragraph's vote counters and its rev by `changes` (the votes that
    made them) in one `UPDATE … RETURNING` (`tally_add`, which takes the row's lock until
    COMMIT); returns (counts, rev) as of now."""
    tally = tally_add(paragraph_id, **deltas, rev=changes)
    return tally.vote_counts(), tally.rev
