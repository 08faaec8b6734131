from django.core.management.base import BaseCommand

from deliberation.events import KEEP_AT_LEAST, KEEP_AT_LEAST_COUNT, events_prune


class Command(BaseCommand):
    help = (
        "Delete old live events that clients can no longer need for `resume`: per stream, "
        "events older than a day, keeping the newest ones. Run it periodically (docs/deploy.md)."
    )

    def handle(self, *args, **options):
        deleted = events_prune()
        hours = int(KEEP_AT_LEAST.total_seconds() // 3600)
        self.stdout.write(
            f"{deleted} events deleted (kept per stream: the last {hours} hours and at least "
            f"the newest {KEEP_AT_LEAST_COUNT})."
        )
