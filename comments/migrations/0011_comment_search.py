"""Full-text search over comments (comments/search.py).

PostgreSQL: nothing here any more (0013 adds stored tsvector columns; this migration first made
expression indexes, which 0013 drops where they exist). SQLite: an FTS5 table
of stemmed words, filled with the comments there are, and a trigger that drops a comment's row
when the comment is deleted. Nothing in the models' state changes.
"""

from django.db import migrations

from comments import search

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {search.FTS_TABLE} USING fts5("
    "de, en, tokenize = 'unicode61 remove_diacritics 0', detail = column)",
    f"CREATE TRIGGER {search.FTS_TABLE}_delete AFTER DELETE ON comments_comment "
    f"BEGIN DELETE FROM {search.FTS_TABLE} WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {search.FTS_TABLE}_delete",
    f"DROP TABLE IF EXISTS {search.FTS_TABLE}",
]


def forwards(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
        rows = Comment.objects.using(schema_editor.connection.alias).values_list("pk", "body")
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {search.FTS_TABLE} (rowid, de, en) VALUES (%s, %s, %s)",
                [search.index_row(pk, body) for pk, body in rows.iterator()],
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("comments", "0010_process_app")]

    operations = [migrations.RunPython(forwards, backwards)]
