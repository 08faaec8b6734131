from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation.accounts.confirmation import NoAddress, email_confirm
from deliberation.management.operator import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Mark an account's e-mail address as confirmed (for the hotline and for accounts that "
        "operators create); what the person wrote while waiting is published."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _("No user named “%(name)s”. Check the spelling: upper and lower case count.")
                % {"name": username}
            )
        try:
            address, released = email_confirm(user=user)
        except NoAddress:
            raise CommandError(
                _(
                    "The account “%(name)s” has no e-mail address. Enter one in the admin "
                    "(Users), then run this command again."
                )
                % {"name": username}
            ) from None
        self.stdout.write(
            _("The address %(email)s of %(name)s is confirmed.")
            % {"email": address.email, "name": username}
        )
        if released:
            self.stdout.write(
                ngettext(
                    "%(count)s held contribution is published (or waits for the moderation).",
                    "%(count)s held contributions are published (or wait for the moderation).",
                    released,
                )
                % {"count": released}
            )
