"""The database itself refuses to change or delete moderation log entries.

ModerationAction.save()/delete() and its manager refuse already; QuerySet.update()/.delete() on
another manager, raw SQL and the admin would still pass. These triggers refuse every UPDATE and
DELETE on the log, with two narrow, documented exceptions:

- An UPDATE that only drops links to rows that are deleted (actor, target user, draft, comment
  set to NULL: Django's on_delete=SET_NULL) passes. When it drops the link to an account, the
  name kept beside it (actor_name, target_name) may be replaced in the same statement, so that
  a deleted account can be shown as such while the action stays on record.
- A DELETE passes only while `comments_moderationaction_unlock` holds a row: `manage.py flush`
  (comments/management/commands/flush.py) inserts one for its own transaction, because a flush
  empties the whole instance; nothing else does.

PostgreSQL: a plpgsql row trigger. SQLite: two row triggers with WHEN clauses. Both raise an
integrity error. (TRUNCATE on PostgreSQL fires no row trigger; only the database owner can.)
"""

from django.db import migrations

UNLOCK_TABLE = "CREATE TABLE comments_moderationaction_unlock (id integer PRIMARY KEY)"
DROP_UNLOCK_TABLE = "DROP TABLE comments_moderationaction_unlock"

# Everything but the links stays; a link may only become NULL; a name only changes together
# with its account link being dropped. The same expression for both databases (IS NOT DISTINCT
# FROM is PostgreSQL's, IS is SQLite's null-safe equality).
ONLY_LINKS_DROPPED = """
    NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.reason = OLD.reason
    AND NEW.note = OLD.note AND NEW.created_at = OLD.created_at
    AND (NEW.actor_id {same} OLD.actor_id OR NEW.actor_id IS NULL)
    AND (NEW.target_user_id {same} OLD.target_user_id OR NEW.target_user_id IS NULL)
    AND (NEW.draft_id {same} OLD.draft_id OR NEW.draft_id IS NULL)
    AND (NEW.comment_id {same} OLD.comment_id OR NEW.comment_id IS NULL)
    AND (NEW.actor_name = OLD.actor_name
         OR (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL))
    AND (NEW.target_name = OLD.target_name
         OR (OLD.target_user_id IS NOT NULL AND NEW.target_user_id IS NULL))
"""
MESSAGE = "The moderation log is append-only."

POSTGRESQL = [
    UNLOCK_TABLE,
    f"""
    CREATE FUNCTION comments_moderationaction_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND ({ONLY_LINKS_DROPPED.format(same="IS NOT DISTINCT FROM")}) THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM comments_moderationaction_unlock) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER comments_moderationaction_append_only
    BEFORE UPDATE OR DELETE ON comments_moderationaction
    FOR EACH ROW EXECUTE FUNCTION comments_moderationaction_append_only()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER comments_moderationaction_append_only ON comments_moderationaction",
    "DROP FUNCTION comments_moderationaction_append_only()",
    DROP_UNLOCK_TABLE,
]

SQLITE = [
    UNLOCK_TABLE,
    f"""
    CREATE TRIGGER comments_moderationaction_no_update
    BEFORE UPDATE ON comments_moderationaction
    FOR EACH ROW WHEN NOT ({ONLY_LINKS_DROPPED.format(same="IS")})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER comments_moderationaction_no_delete
    BEFORE DELETE ON comments_moderationaction
    FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM comments_moderationaction_unlock)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER comments_moderationaction_no_update",
    "DROP TRIGGER comments_moderationaction_no_delete",
    DROP_UNLOCK_TABLE,
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("comments", "0005_answers")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
            elidable=False,
        )
    ]
