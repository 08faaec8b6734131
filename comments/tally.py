"""The paragraphs' counters (ParagraphTally), changed in the database inside the writing
transaction, never in Python.

`tally_add` is on the path of every new comment (issue 14): its `UPDATE … RETURNING` is written
out in SQL (deliberation/rawsql.py) and returns the row in the same statement, where the ORM's
update with F() and a second read cost more in building than in running.
"""

from django.db import connection

from deliberation import rawsql

from .models import ParagraphTally

_FIELDS = tuple(f.attname for f in ParagraphTally._meta.concrete_fields)
_COUNTERS = frozenset(_FIELDS) - {"paragraph_id"}


def tally_add(paragraph_id: int, **deltas: int) -> ParagraphTally:
    """Apply counter deltas (field name -> +/- count) to the paragraph's ParagraphTally,
    creating the row on the paragraph's first vote or comment; takes the row lock, so call it
    inside the writing transaction. Returns the row as it is now in that transaction.
    ValueError for a name that is no counter."""
    unknown = set(deltas) - _COUNTERS
    if unknown or not deltas:
        raise ValueError(f"no counters of ParagraphTally: {sorted(unknown) or 'none given'}")
    names = tuple(sorted(deltas))
    sql, converters = _statement(names)
    params = [*(deltas[name] for name in names), paragraph_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the paragraph's first vote or comment
            ParagraphTally.objects.bulk_create(
                [ParagraphTally(paragraph_id=paragraph_id)], ignore_conflicts=True
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    values = rawsql.converted(row, converters)
    return ParagraphTally.from_db(connection.alias, _FIELDS, values)


_statements: dict[tuple[str, tuple[str, ...]], tuple[str, list]] = {}


def _statement(names: tuple[str, ...]) -> tuple[str, list]:
    """The UPDATE … RETURNING that adds to the counters `names` (parameters: their deltas in
    this order, then the paragraph's id) for this connection's backend, and the converters of
    the row it returns (`_FIELDS`)."""
    found = _statements.get((connection.vendor, names))
    if found is None:
        q = connection.ops.quote_name
        columns = [rawsql.column("t", ParagraphTally, name) for name in _FIELDS]
        found = _statements[(connection.vendor, names)] = (
            f"UPDATE {q(ParagraphTally._meta.db_table)} "  # noqa: S608 (our table and columns)
            f"SET {', '.join(f'{q(name)} = {q(name)} + %s' for name in names)} "
            f"WHERE {q('paragraph_id')} = %s "
            f"RETURNING {', '.join(q(name) for name in _FIELDS)}",
            [converters for _sql, converters in columns],
        )
    return found
