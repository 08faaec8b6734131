from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from deliberation.management.operator import OperatorCommand
from drafts import services
from drafts.importing import DraftFileError, text_from_upload
from drafts.models import Draft, ModerationMode


class Command(OperatorCommand):
    help = (
        "Import a draft from Markdown, plain text or .docx. With --slug of an existing draft, "
        "publish the file as its next version (paragraph keys are kept). Prints the slug last."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", required=True)
        parser.add_argument("--slug", default="")
        parser.add_argument(
            "--open", action="store_true", help="open the consultation now (three weeks)"
        )
        parser.add_argument(
            "--moderation", choices=ModerationMode.values, default=ModerationMode.PRE
        )
        parser.add_argument("--message", default="", help="what changed, for the version history")
        parser.add_argument("--user", default="", help="username recorded as the author")

    def handle(self, *args, file: Path, title, slug, open, moderation, message, user, **options):
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(_("No user named “%(name)s”.") % {"name": user})
        try:
            text, source_format = text_from_upload(file.name, file.read_bytes())
            with transaction.atomic():
                draft = Draft.objects.filter(slug=slug).first() if slug else None
                if draft is None:
                    draft = services.draft_create(
                        title=title,
                        slug=slug,
                        text=text,
                        source_format=source_format,
                        moderation=moderation,
                        user=author,
                        message=message,
                    )
                else:
                    unchanged = self._publish(draft, text, source_format, author, message, file)
                    if unchanged:
                        self.stdout.write(unchanged)
                if open:
                    services.draft_open(draft=draft)
        except (DraftFileError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from exc
        draft.refresh_from_db()
        self.stdout.write(
            _("Version %(number)s of “%(title)s”, %(count)s paragraphs, status: %(status)s.")
            % {
                "number": draft.version,
                "title": draft.title,
                "count": draft.paragraphs.filter(archived=False).count(),
                "status": draft.get_status_display(),
            }
        )
        self.stdout.write(draft.slug)

    def _publish(self, draft, text, source_format, author, message, file: Path) -> str:
        """Publish the next version; return why not when the text is unchanged, else ""."""
        try:
            with transaction.atomic():
                services.draft_publish_version(
                    draft=draft,
                    text=text,
                    source_format=source_format,
                    user=author,
                    message=message,
                    imported_from=file.name,
                )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "unchanged":
                return exc.messages[0]
            raise
        return ""
