from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deliberation.filetypes import megabytes
from deliberation.idempotency import OnceFormMixin
from deliberation.localtime import LocalDateTimeField

from .importing import MAX_UPLOAD_BYTES, DraftFileError, text_from_upload
from .models import ModerationMode
from .splitting import MAX_SOURCE_CHARS


def _upload_help() -> str:
    # Filled in when shown, in the page's language (a `%` on a lazy string is done at import).
    return gettext(
        "Markdown (.md), plain text (.txt) or Word (.docx), up to %(mb)s MB. "
        "It replaces the text above."
    ) % {"mb": megabytes(MAX_UPLOAD_BYTES)}


class DraftTextForm(OnceFormMixin, forms.Form):
    """The text of a version: typed or pasted Markdown, or an uploaded .md, .txt or .docx file."""

    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_SOURCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=_(
            "Markdown: “## 2. Principles” for a heading, a blank line between paragraphs, "
            "“- ” for list items."
        ),
    )
    source_format = forms.ChoiceField(
        label=_("Format of the text"),
        choices=[("markdown", _("Markdown")), ("text", _("Plain text"))],
        initial="markdown",
    )
    upload = forms.FileField(
        label=_("…or upload a file"),
        required=False,
        help_text=lazy(_upload_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,.txt,.docx"}),
    )
    message = forms.CharField(
        label=_("What changed in this version?"),
        max_length=500,
        required=False,
        help_text=_("Shown in the version history, e.g. “Feedback from the first round taken up”."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error(
                    "upload",
                    _("The file is larger than %(mb)s MB.") % {"mb": megabytes(MAX_UPLOAD_BYTES)},
                )
                return cleaned
            try:
                text, source_format = text_from_upload(upload.name, upload.read())
            except DraftFileError as exc:
                self.add_error("upload", str(exc))
                return cleaned
            cleaned["text"], cleaned["source_format"] = text, source_format
            # Show the converted text in the textarea, so the next step publishes exactly it.
            self.data = self.data.copy()
            self.data["text"], self.data["source_format"] = text, source_format
        elif not (cleaned.get("text") or "").strip():
            self.add_error("text", _("The text is empty. Paste the draft's text or upload a file."))
        return cleaned


class DraftCreateForm(DraftTextForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=80,
        required=False,
        help_text=_(
            "Lower-case letters, digits and hyphens, e.g. “leitlinien-2026”. "
            "Left empty, it is made from the title."
        ),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A few sentences for readers: what this draft is and what happens with comments."
        ),
    )
    moderation = forms.ChoiceField(
        label=_("Moderation"), choices=ModerationMode.choices, initial=ModerationMode.PRE
    )

    field_order = ["title", "slug", "introduction", "moderation", "text", "source_format", "upload"]


class DraftOpenForm(forms.Form):
    closes_at = LocalDateTimeField(
        label=_("Consultation closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Left empty: in three weeks."),
    )
