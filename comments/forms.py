from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.idempotency import OnceFormMixin

from .services import MAX_COMMENT_CHARS


class CommentForm(OnceFormMixin, forms.Form):
    """A comment on one paragraph. Several threads can be open on one page, so the fields' ids
    carry the paragraph's key (`comment-<key>-body`): each label then reaches its own field."""

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
