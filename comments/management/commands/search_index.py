"""manage.py search_index: rebuild the full-text index of comments (comments/search.py)."""

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from comments.search import index_rebuild
from deliberation.management.operator import OperatorCommand


class Command(OperatorCommand):
    help = "Rebuild the full-text search index of comments (SQLite; PostgreSQL keeps its own)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        with transaction.atomic(using=database):
            count = index_rebuild(using=database)
        if connections[database].vendor == "postgresql":
            message = _("PostgreSQL keeps the search index itself: %(count)s comments searchable.")
        else:
            message = _("Search index rebuilt: %(count)s comments.")
        self.stdout.write(message % {"count": count})
