"""manage.py similar_rebuild: group all comments into alike ones anew (comments/similar.py)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from comments.similar import similar_rebuild
from deliberation.management.operator import OperatorCommand
from drafts.models import Draft


class Command(OperatorCommand):
    help = "Group all comments (or one draft's, --draft SLUG) into alike ones anew."

    def add_arguments(self, parser):
        parser.add_argument("--draft", default="", help="the slug of one draft")

    def handle(self, *args, draft, **options):
        found = None
        if draft:
            found = Draft.objects.filter(slug=draft).first()
            if found is None:
                raise CommandError(_("No draft “%(slug)s”.") % {"slug": draft})
        comments, groups = similar_rebuild(draft=found)
        self.stdout.write(
            _("%(comments)s comments compared; %(groups)s groups of alike comments.")
            % {"comments": comments, "groups": groups}
        )
