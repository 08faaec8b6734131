"""The websocket comment's joined read: the paragraph, its draft and what the checks ask about
the writer, in one statement.

Why. A comment from the draft socket is written while 1,000 readers wait for it (issue 14: the
fan-out's time from the frame to the last reader is mostly this write). Through the ORM the
paragraph's read with its draft, the writer's blocks and their confirmed address were three
statements, and building them cost more than running them. Here they are one statement, written
out once per database backend (deliberation/rawsql.py), and `comment_create` is told what it
read (`Writer`): it asks about a block only for a person who has one (lifted or over, too: the
block rules then decide), and about the address only when the read could not say.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext as _

from deliberation import rawsql
from deliberation.accounts.confirmation import confirmed_sql
from deliberation.errors import ActionRefused
from drafts.models import Draft, Paragraph, parse_paragraph_key


@dataclass(frozen=True)
class Writer:
    """What a read already knows about the person writing (`comment_create`'s `writer`)."""

    blocked: bool  # any block row at all (check_can_write then asks which is in force)
    confirmed: bool  # deliberation.accounts.confirmation.is_confirmed


def paragraph_for_comment(*, user, draft_id: int, key) -> tuple[Paragraph, Writer]:
    """The paragraph `key` of the draft `draft_id` with its draft (every field, as
    `select_related("draft")` loads them), and what the checks ask about `user` (logged in).
    Raises ActionRefused("not_found") when the draft has no such paragraph (also for a key that
    is not a UUID at all)."""
    key = parse_paragraph_key(key)
    if key is None:
        raise ActionRefused("not_found", _("This paragraph does not exist."))
    sql, converters = _statement()
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [user.pk, user.pk, user.pk, draft_id, _KEY.get_db_prep_value(key, connection)]
        )
        row = cursor.fetchone()
    if row is None:
        raise ActionRefused("not_found", _("This paragraph does not exist."))
    values = rawsql.converted(row[:-2], converters)
    paragraph = Paragraph.from_db(
        connection.alias, _PARAGRAPH_FIELDS, values[: len(_PARAGRAPH_FIELDS)]
    )
    paragraph.draft = Draft.from_db(
        connection.alias, _DRAFT_FIELDS, values[len(_PARAGRAPH_FIELDS) :]
    )
    blocked, confirmed = row[-2:]
    return paragraph, Writer(blocked=bool(blocked), confirmed=bool(confirmed))


_PARAGRAPH_FIELDS = tuple(f.attname for f in Paragraph._meta.concrete_fields)
_DRAFT_FIELDS = tuple(f.attname for f in Draft._meta.concrete_fields)
_KEY = Paragraph._meta.get_field("key")
_statements: dict[str, tuple[str, list]] = {}


def _statement() -> tuple[str, list]:
    """The joined read's SQL for this connection's backend (parameters: the person three times,
    the draft, the paragraph's key) and the converters of its paragraph and draft columns."""
    found = _statements.get(connection.vendor)
    if found is not None:
        return found
    q = connection.ops.quote_name
    blocks = get_user_model()._meta.get_field("blocks")  # moderation's UserBlock, by relation
    columns = [
        *(rawsql.column("p", Paragraph, name) for name in _PARAGRAPH_FIELDS),
        *(rawsql.column("d", Draft, name) for name in _DRAFT_FIELDS),
    ]
    sql = (
        f"SELECT {', '.join(sql for sql, _ in columns)}, "  # noqa: S608 (our tables' names)
        f"EXISTS (SELECT 1 FROM {q(blocks.related_model._meta.db_table)} b "
        f"WHERE b.{q(blocks.field.column)} = %s), {confirmed_sql()} "
        f"FROM {q(Paragraph._meta.db_table)} p "
        f"JOIN {q(Draft._meta.db_table)} d ON d.{q('id')} = p.{q('draft_id')} "
        f"WHERE p.{q('draft_id')} = %s AND p.{q(_KEY.column)} = %s"
    )
    found = _statements[connection.vendor] = (sql, [converters for _, converters in columns])
    return found
