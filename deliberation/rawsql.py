"""Statements written out in SQL for the hottest writes, with the ORM's value conversions.

Why. On the websockets' database thread a vote's statements took less time than building and
compiling them through the ORM (issue 14: the joined read alone was 60 % of a vote's time). The
few statements of that path are therefore written once per database backend from the models'
table and column names, and what they read is converted exactly as the ORM would convert it
(the backend's and the field's converters: SQLite's texts to datetimes and UUIDs, JSON texts
to values).
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

Converters = list[tuple[Any, Any]]  # (converter, expression) pairs, applied in order


def column(alias: str, model: type[Model], name: str) -> tuple[str, Converters]:
    """The quoted column `alias`.`name` of `model` (a field name or attname) for this
    connection's backend, and the converters of its values (`converted` applies them)."""
    field = model._meta.get_field(name)
    col = field.get_col(alias)
    converters = [
        *connection.ops.get_db_converters(col),
        *field.get_db_converters(connection),
    ]
    return (
        f"{alias}.{connection.ops.quote_name(field.column)}",
        [(converter, col) for converter in converters],
    )


def converted(row: Sequence[Any], converters: Sequence[Converters]) -> list[Any]:
    """`row` as the ORM would return it: each value through its column's converters (None for
    a NULL stays None, as Django's converters pass it through)."""
    values = []
    for value, pairs in zip(row, converters, strict=True):
        if value is not None:
            for converter, expression in pairs:
                value = converter(value, expression, connection)
        values.append(value)
    return values
