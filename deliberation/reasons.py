"""The catalogue of moderation reasons, used for rejections, hidings and reports.

An operator may replace it with MODERATION_REASONS in settings: a list of
(code, German label, English label); "other" always requires a note.
"""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DEFAULT_REASONS = [
    ("insult", _("Insult or discrimination")),
    ("threat", _("Threat or violence")),
    ("advertising", _("Advertising or election campaigning")),
    ("off_topic", _("Off topic")),
    ("personal_data", _("Personal data (one's own or others')")),
    ("copyright", _("Copyright infringement")),
    ("spam", _("Spam or duplicate")),
    ("other", _("Other reason (explained in the note)")),
]
NOTE_REQUIRED = {"other"}


def reasons() -> list[tuple[str, str]]:
    """(code, label) pairs in the active language."""
    configured = getattr(settings, "MODERATION_REASONS", None)
    if not configured:
        return [(code, str(label)) for code, label in DEFAULT_REASONS]
    english = (get_language() or "de").startswith("en")
    return [(code, en if english else de) for code, de, en in configured]


def reason_label(code: str) -> str:
    return dict(reasons()).get(code, code)
