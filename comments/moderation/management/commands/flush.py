"""Django's `flush`, able to empty the append-only moderation log along with everything else.

The log's triggers (migration 0006) refuse every DELETE unless `comments_moderationaction_unlock`
holds a row. Emptying the whole instance is the one deliberate exception: this command inserts
that row inside the flush's own transaction and removes it again before committing, so the log
is never unlocked for anyone else. (Django's test cases flush through this command too.)
"""

from django.core.management.commands import flush
from django.db import connections, transaction

UNLOCK = "INSERT INTO comments_moderationaction_unlock (id) VALUES (1)"
LOCK = "DELETE FROM comments_moderationaction_unlock"


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        with transaction.atomic(using=database), connections[database].cursor() as cursor:
            cursor.execute(UNLOCK)
            super().handle(**options)
            cursor.execute(LOCK)
