from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from deliberation.management.operator import OperatorCommand
from deliberation.roles import ROLE_GROUPS, role_grant


class Command(OperatorCommand):
    help = "Give a user a role: moderator or working_group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=" or ".join(ROLE_GROUPS))

    def handle(self, *args, username, role, **options):
        if role not in ROLE_GROUPS:
            raise CommandError(
                _("Unknown role “%(role)s”. Choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(ROLE_GROUPS)}
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _("No user named “%(name)s”. Users sign up at %(url)s first.")
                % {"name": username, "url": reverse("signup")}
            )
        role_grant(user=user, role=role)
        self.stdout.write(
            _("%(name)s now has the role %(role)s.") % {"name": username, "role": role}
        )
