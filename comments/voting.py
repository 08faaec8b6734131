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
"""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import events, rawsql
from deliberation.errors import ActionRefused
from deliberation.groupcommit import at_group_end
from deliberation.ratelimit import ratelimit_hit
from drafts.models import Draft, DraftStatus, Paragraph, parse_paragraph_key

from .models import ParagraphTally, ParagraphVote, VoteChoice
from .permissions import check_can_write, check_paragraph_open

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
) -> dict:
    """`vote_cast` for a paragraph named by its id or by its key within the draft `draft_id`.

    Raises ActionRefused("not_found") when the draft has no such paragraph (`key` need not be a
    valid UUID), besides what `vote_cast` raises; returns what `vote_cast` returns.
    """
    if choice not in VOTE_CHOICES:
        raise ActionRefused("invalid", _("A vote is “agree”, “disagree”, “neutral” or “none”."))
    if not user.is_authenticated:
        raise ActionRefused("not_authenticated", _("Please log in to take part."))
    # Read and checked before the transaction: a refusal then happens outside any atomic
    # block, and the block below needs no savepoint of its own inside a caller's transaction
    # (two statements less per vote in a group commit). The conditional write keeps it exact.
    paragraph = _read(user=user, draft_id=draft_id, paragraph_id=paragraph_id, key=key)
    if (
        paragraph.blocked
        or not user.is_active
        or paragraph.draft.status != DraftStatus.CONSULTATION
    ):
        check_can_write(user=user, draft=paragraph.draft)  # raises, with the reason
    ratelimit_hit(action="vote", ident=str(user.pk))
    check_paragraph_open(paragraph)
    old = paragraph.my_choice or "none"
    with transaction.atomic(savepoint=False):
        for _attempt in range(ATTEMPTS):
            if old == choice:
                return _unchanged(paragraph, choice)
            if _write_vote(paragraph.pk, user.pk, old, choice):
                break
            # Another tab of the same person changed this vote meanwhile: take it from there.
            old = (
                ParagraphVote.objects.filter(paragraph_id=paragraph.pk, user_id=user.pk)
                .values_list("choice", flat=True)
                .first()
            ) or "none"
        else:
            raise RuntimeError(f"vote on paragraph {paragraph.pk} kept changing under us")
        deltas = dict.fromkeys(VoteChoice.values, 0)
        if old != "none":
            deltas[old] -= 1
        if choice != "none":
            deltas[choice] += 1
        answer = {"counts": None, "rev": None, "choice": choice}
        grouped = at_group_end("vote tallies", _GroupTallies)
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


def _read(*, user, draft_id: int, paragraph_id: int | None, key: str | None) -> Paragraph:
    """The joined read: the paragraph with its draft (the fields a vote needs; the others are
    deferred) and its tally, annotated with the person's vote (`my_choice`, None without one)
    and whether they have any block at all (`blocked`: `check_can_write` then decides)."""
    if paragraph_id is None:
        key = parse_paragraph_key(key)
        if key is None:
            raise ActionRefused("not_found", _("This paragraph does not exist."))
    by_key = paragraph_id is None
    sql, converters = _read_statement(by_key)
    where = _KEY.get_db_prep_value(key, connection) if by_key else paragraph_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, draft_id, where])
        row = cursor.fetchone()
    if row is None:
        raise ActionRefused("not_found", _("This paragraph does not exist."))
    row = rawsql.converted(row, converters)
    paragraph_values = row[: len(_PARAGRAPH_FIELDS)]
    draft_values = row[len(_PARAGRAPH_FIELDS) : len(_PARAGRAPH_FIELDS) + len(_DRAFT_FIELDS)]
    agree, disagree, neutral, rev, my_choice, blocked = row[-6:]
    paragraph = Paragraph.from_db(connection.alias, _PARAGRAPH_FIELDS, paragraph_values)
    paragraph.draft = Draft.from_db(connection.alias, _DRAFT_FIELDS, draft_values)
    paragraph.tally = (  # None: no tally yet (known, so not read again)
        None
        if rev is None
        else ParagraphTally(agree=agree, disagree=disagree, neutral=neutral, rev=rev)
    )
    paragraph.my_choice, paragraph.blocked = my_choice, bool(blocked)
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
_read_statements: dict[tuple[str, bool], tuple[str, list]] = {}


def _read_statement(by_key: bool) -> tuple[str, list]:
    """The joined read's SQL for this connection's backend (parameters: the person twice, the
    draft, the paragraph's key or id) and each column's converters (from the database's value
    to Python's, as the ORM would apply them)."""
    found = _read_statements.get((connection.vendor, by_key))
    if found is not None:
        return found
    q, column = connection.ops.quote_name, rawsql.column
    blocks = get_user_model()._meta.get_field("blocks")  # moderation's UserBlock, by relation
    columns = [
        *(column("p", Paragraph, name) for name in _PARAGRAPH_FIELDS),
        *(column("d", Draft, name) for name in _DRAFT_FIELDS),
        *(column("t", ParagraphTally, name) for name in ("agree", "disagree", "neutral", "rev")),
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
        f"SELECT {', '.join(sql for sql, _ in columns)} "  # noqa: S608 (our tables' names)
        f"FROM {q(Paragraph._meta.db_table)} p "
        f"JOIN {q(Draft._meta.db_table)} d ON d.{q('id')} = p.{q('draft_id')} "
        f"LEFT JOIN {q(ParagraphTally._meta.db_table)} t ON t.{q('paragraph_id')} = p.{q('id')} "
        f"WHERE p.{q('draft_id')} = %s AND p.{where} = %s"
    )
    found = _read_statements[(connection.vendor, by_key)] = (sql, [c for _, c in columns])
    return found


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


class _GroupTallies:
    """The vote deltas of one group commit (deliberation/groupcommit.py), applied at its end:
    one `UPDATE … RETURNING` per paragraph, so its tally row is locked only from there to the
    COMMIT. Each vote's answer is then what it would have been had each vote bumped the tally
    on its own, in the group's order: the totals after it and the rev it made."""

    def __init__(self) -> None:
        # paragraph id -> (paragraph, [(write index, deltas, answer), ...]) in the group's order
        self.votes: dict[int, tuple[Paragraph, list[tuple[int, dict, dict]]]] = {}

    def add(self, index: int, paragraph: Paragraph, deltas: dict, answer: dict) -> None:
        self.votes.setdefault(paragraph.pk, (paragraph, []))[1].append((index, deltas, answer))

    def finish(self, failed: set[int]) -> None:
        # By paragraph id: two processes' groups lock the tally rows in the same order.
        for paragraph_id in sorted(self.votes):
            paragraph, entries = self.votes[paragraph_id]
            entries = [entry for entry in entries if entry[0] not in failed]
            if not entries:
                continue
            total = {c: sum(entry[1][c] for entry in entries) for c in VoteChoice.values}
            counts, rev = _tally_bump(paragraph_id, total, changes=len(entries))
            events.votes_changed_on_commit(
                draft=paragraph.draft, paragraph=str(paragraph.key), counts=counts, rev=rev
            )
            for _index, deltas, answer in reversed(entries):  # the newest saw the end state
                answer["counts"], answer["rev"] = dict(counts), rev
                counts = {c: counts[c] - deltas[c] for c in counts}
                rev -= 1


def _tally_bump(
    paragraph_id: int, deltas: dict[str, int], changes: int = 1
) -> tuple[dict[str, int], int]:
    """Add `deltas` to the paragraph's vote counters and its rev by `changes` (the votes that
    made them) in one `UPDATE … RETURNING` (which takes the row's lock until COMMIT); returns
    (counts, rev) as of now."""
    table = connection.ops.quote_name(ParagraphTally._meta.db_table)
    sql = (
        f"UPDATE {table} SET agree = agree + %s, disagree = disagree + %s, "  # noqa: S608
        "neutral = neutral + %s, rev = rev + %s WHERE paragraph_id = %s "
        "RETURNING agree, disagree, neutral, rev"
    )
    params = [deltas["agree"], deltas["disagree"], deltas["neutral"], changes, paragraph_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the paragraph's first vote or comment
            ParagraphTally.objects.bulk_create(
                [ParagraphTally(paragraph_id=paragraph_id)], ignore_conflicts=True
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    agree, disagree, neutral, rev = row
    return {"agree": agree, "disagree": disagree, "neutral": neutral}, rev
