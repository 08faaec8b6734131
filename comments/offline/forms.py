"""The entry page's forms: what the contributions of one entry share, and one row each."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.models import Channel
from comments.services import MAX_COMMENT_CHARS
from deliberation.idempotency import OnceFormMixin
from deliberation.localtime import DayField
from deliberation.process.models import PublicSession
from drafts import selectors as draft_selectors
from drafts.models import Draft, DraftStatus

from .services import MAX_PLACE, MAX_PSEUDONYM, OFFLINE_CHANNELS


class SharedForm(OnceFormMixin, forms.Form):
    """What all contributions of one entry share: how, when and where they were collected."""

    channel = forms.ChoiceField(label=gettext_lazy("How was it collected?"))
    contributed_on = DayField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The day of the workshop, or when the letter or call came in."),
    )
    session = forms.ModelChoiceField(
        label=gettext_lazy("Public session"),
        queryset=PublicSession.objects.none(),
        required=False,
        empty_label=gettext_lazy("– none –"),
    )
    place = forms.CharField(
        label=gettext_lazy("Place or event"),
        max_length=MAX_PLACE,
        required=False,
        help_text=gettext_lazy("Free text, e.g. “Information stand at the weekly market”."),
    )

    late_entry = forms.BooleanField(
        label=gettext_lazy("Late entry"),
        required=False,
        help_text=gettext_lazy(
            "The consultation is closed. Tick this to add contributions that were collected in "
            "time but are entered only now; they are marked as late entries everywhere."
        ),
    )

    def __init__(self, *args, draft: Draft, **kwargs):
        super().__init__(*args, **kwargs)
        if draft.status not in (DraftStatus.CLOSED, DraftStatus.FINAL):
            del self.fields["late_entry"]  # only a closed draft's record needs the mark
        self.fields["channel"].choices = [("", _("choose…"))] + [
            (value, label) for value, label in Channel.choices if value in OFFLINE_CHANNELS
        ]
        sessions = PublicSession.objects.filter(process_id=draft.process_id).order_by("starts_at")
        if draft.process_id is None or not sessions.exists():
            del self.fields["session"]  # nothing to choose from
        else:
            self.fields["session"].queryset = sessions
            self.fields["session"].label_from_instance = lambda s: (
                f"{s.title} ({date_format(timezone.localtime(s.starts_at), 'SHORT_DATE_FORMAT')})"
            )


class RowForm(forms.Form):
    """One contribution: the paragraph, its text and (optionally) the author's pseudonym.

    Every field is optional here: an empty row is skipped, and the service checks the others.
    """

    paragraph = forms.ChoiceField(label=gettext_lazy("Paragraph"), required=False)
    body = forms.CharField(
        label=gettext_lazy("Contribution"),
        required=False,
        strip=False,
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_COMMENT_CHARS}),
    )
    pseudonym = forms.CharField(
        label=gettext_lazy("Name or pseudonym (optional)"),
        required=False,
        max_length=MAX_PSEUDONYM,
    )

    def __init__(self, *args, choices, number: int, **kwargs):
        super().__init__(*args, prefix=f"row-{number}", **kwargs)
        self.number = number
        self.fields["paragraph"].choices = choices


def paragraph_choices(draft: Draft) -> list[tuple[str, str]]:
    """The row form's paragraph choices: every current paragraph but headings, by number and
    first words (value: the paragraph's key), after an empty "choose…"."""
    choices = [("", _("choose…"))]
    for p in draft_selectors.paragraphs_current(draft=draft):
        if not p.is_heading:
            words = Truncator(" ".join(p.text.split())).words(8)
            choices.append(
                (p.key, _("Paragraph %(n)s: %(words)s") % {"n": p.number, "words": words})
            )
    return choices
