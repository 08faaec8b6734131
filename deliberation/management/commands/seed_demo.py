from django.core.management.base import BaseCommand

from deliberation.demo.seed import seed


class Command(BaseCommand):
    help = (
        "Create demo users (one per role) and an open demo draft with feedback. Safe to run twice."
    )

    def handle(self, *args, **options):
        seed(stdout=self.stdout)
