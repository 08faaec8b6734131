"""The moderation log may forget the name of a deleted account in its notes too.

0006 lets an UPDATE drop the link to a deleted account and replace the name kept beside it
(shown as "deleted account"). A moderator's note about the person may name them as well
("insults by anna"); this widens the exception by exactly that: in the same statement that
drops the link to the subject's account (target_user), the note may change, and only into the
old note with every occurrence of the old name replaced by the new one
(`replace(note, target_name, new target_name)`). Everything else stays refused.
"""

from importlib import import_module

from django.db import migrations

APPEND_ONLY = import_module("comments.migrations.0006_moderation_log_append_only")
# 0006's condition (for going back), and the same with the note's one exception.
OLD_CONDITION = APPEND_ONLY.ONLY_LINKS_DROPPED
ONLY_LINKS_DROPPED = OLD_CONDITION.replace("AND NEW.note = OLD.note ", "") + """
    AND (NEW.note = OLD.note
         OR (OLD.target_user_id IS NOT NULL AND NEW.target_user_id IS NULL
             AND NEW.note = replace(OLD.note, OLD.target_name, NEW.target_name)))
"""
assert ONLY_LINKS_DROPPED.count("NEW.note") == 2
MESSAGE = APPEND_ONLY.MESSAGE


def _postgresql(condition: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION comments_moderationaction_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND ({condition.format(same="IS NOT DISTINCT FROM")}) THEN
                RETURN NEW;
            END IF;
            IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM comments_moderationaction_unlock) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """
    ]


def _sqlite(condition: str) -> list[str]:
    return [
        "DROP TRIGGER comments_moderationaction_no_update",
        f"""
        CREATE TRIGGER comments_moderationaction_no_update
        BEFORE UPDATE ON comments_moderationaction
        FOR EACH ROW WHEN NOT ({condition.format(same="IS")})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
    ]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run(
                {
                    "postgresql": _postgresql(ONLY_LINKS_DROPPED),
                    "sqlite": _sqlite(ONLY_LINKS_DROPPED),
                }
            ),
            _run({"postgresql": _postgresql(OLD_CONDITION), "sqlite": _sqlite(OLD_CONDITION)}),
            elidable=False,
        )
    ]
