from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from deliberation.roles import ROLE_GROUPS, role_grant


class Command(BaseCommand):
    help = "Give a user a role: moderator or working_group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=" or ".join(ROLE_GROUPS))

    def handle(self, *args, username, role, **options):
        if role not in ROLE_GROUPS:
            raise CommandError(f"Unknown role “{role}”. Choose one of: {', '.join(ROLE_GROUPS)}.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No user named “{username}”. Users sign up at /accounts/signup/ first."
            )
        role_grant(user=user, role=role)
        self.stdout.write(f"{username} is now {role}.")
