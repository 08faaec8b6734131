"""The base of the operator's commands: they speak one language, the operator's shell's."""

from django.core.management.base import BaseCommand
from django.utils import translation

from deliberation.languages import shell_language


class OperatorCommand(BaseCommand):
    """A management command whose messages, its own and the services' alike, are in the
    language of the operator's shell (LANG=en_US.UTF-8: English; otherwise the site's default,
    German). Texts it stores are language-neutral and shown in each reader's language."""

    def execute(self, *args, **options):
        with translation.override(shell_language()):
            return super().execute(*args, **options)
