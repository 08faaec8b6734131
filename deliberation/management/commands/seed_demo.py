from deliberation.demo.seed import seed
from deliberation.management.operator import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Create demo users (one per role) and an open demo draft with feedback. Safe to run twice."
    )

    def handle(self, *args, **options):
        seed(stdout=self.stdout)
