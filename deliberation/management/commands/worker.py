"""`manage.py worker`: send the mail outbox and run the periodic jobs, until stopped."""

import logging
import time

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from deliberation.management.operator import OperatorCommand
from deliberation.notifications.schedule import jobs_enqueue_due

logger = logging.getLogger("deliberation.worker")


class Command(OperatorCommand):
    help = (
        "Run the background worker beside the web server: it sends notification e-mails from "
        "the outbox (retrying when the mail server is away), makes the daily and weekly digests "
        "and the answer table in Word, and prunes old live events and files. Several may run at once. Stop it with Ctrl+C or SIGTERM: "
        "a task in progress is finished first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait when there is nothing to do (default: 1)",
        )
        parser.add_argument(
            "--once", action="store_true", help="do what is due now, then exit (for cron)"
        )

    def handle(self, *args, interval: float, once: bool, **options):
        worker_id = get_random_string(32)
        # django-tasks-db's worker in batch mode runs every ready task and returns; between its
        # rounds the due periodic jobs are enqueued. Its signal handling stops it cleanly.
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        logger.info("worker %s started (every %ss)", worker_id, interval)
        while worker.running:
            close_old_connections()
            jobs_enqueue_due()
            worker.run()
            if once or not worker.running:
                break
            time.sleep(interval)
        logger.info("worker %s stopped", worker_id)
