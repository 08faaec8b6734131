from django.utils.translation import gettext as _

from deliberation.events import KEEP_AT_LEAST, KEEP_AT_LEAST_COUNT, events_prune
from deliberation.idempotency import receipts_prune
from deliberation.management.operator import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Delete old live events that clients can no longer need for `resume`: per stream, "
        "events older than a day, keeping the newest ones; and the answers to writes that are "
        "older than ten minutes (no repeat gets them any more). Run it periodically "
        "(docs/deploy.md)."
    )

    def handle(self, *args, **options):
        deleted = events_prune()
        hours = int(KEEP_AT_LEAST.total_seconds() // 3600)
        self.stdout.write(
            _(
                "%(deleted)s events deleted (kept per stream: the last %(hours)s hours and at "
                "least the newest %(count)s)."
            )
            % {"deleted": deleted, "hours": hours, "count": KEEP_AT_LEAST_COUNT}
        )
        self.stdout.write(
            _("%(deleted)s expired write receipts deleted.") % {"deleted": receipts_prune()}
        )
