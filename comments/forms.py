from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.idempotency import OnceFormMixin
from drafts.anchoring import MAX_EXACT_CHARS, Quote

from .services import MAX_COMMENT_CHARS


class CommentForm(OnceFormMixin, forms.Form):
    """A comment on one paragraph. Several threads can be open on one page, so the fields' ids
    carry the paragraph's key (`comment-<key>-body`): each label then reaches its own field."""

    quote = forms.CharField(
        label=_("Passage you refer to (optional)"),
        required=False,
        max_length=MAX_EXACT_CHARS,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-quote-input": ""}),
        help_text=_(
            "Select words in the paragraph, pick one of its sentences here, or type the "
            "passage. Leave it empty to comment on the whole paragraph."
        ),
    )
    # Set by the page's script from a selection: the words around it, to tell repeats apart.
    quote_prefix = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    quote_suffix = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_CHARS}),
        help_text=_(
            "Plain text. A blank line starts a new paragraph, *stars* emphasise, links become clickable."
        ),
        error_messages={"required": _("The comment is empty. Please write something.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, paragraph_key: str, **kwargs):
        kwargs.setdefault("auto_id", f"comment-{paragraph_key}-%s")
        super().__init__(*args, **kwargs)
        # A <datalist> of the paragraph's sentences to pick the passage from.
        self.fields["quote"].widget.attrs["list"] = f"sentences-{paragraph_key}"

    def cleaned_quote(self) -> Quote | None:
        """The quoted passage, or None; call after is_valid()."""
        data = self.cleaned_data
        if not data.get("quote", "").strip():
            return None
        return Quote(data["quote"], data.get("quote_prefix", ""), data.get("quote_suffix", ""))
