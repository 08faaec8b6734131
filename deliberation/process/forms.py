"""Forms for the working group's pages and the follow button. They parse; services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from deliberation.filetypes import megabytes
from deliberation.idempotency import OnceFormMixin
from deliberation.localtime import DayField, local_moment
from deliberation.slugs import unique_slug

from . import files, services
from .models import DocumentKind, Milestone, Process, PublicSession

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


def apply_errors(form: forms.Form, exc: ValidationError, mapping: dict | None = None) -> None:
    """Show a service's ValidationError next to the matching field (or above the form)."""
    mapping = mapping or {}
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            target = mapping.get(name, name)
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class ProcessForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Process
        fields = [
            "title",
            "slug",
            "description",
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_address",
        ]
        widgets = {"contact_address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slug": _(
                "Letters, digits and hyphens; it becomes part of the address. Leave it empty "
                "to make it from the title."
            ),
            "description": _("Plain text. An empty line starts a new paragraph."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if not slug:
            others = Process.objects.exclude(pk=self.instance.pk)
            slug = unique_slug(
                self.cleaned_data.get("title") or "",
                taken=lambda s: s in services.RESERVED_SLUGS or others.filter(slug=s).exists(),
                fallback="verfahren",
            )
        if slug in services.RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved. Please choose another."))
        return slug


class MilestoneForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "description", "starts_on", "ends_on", "state", "position"]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"position": _("Steps are shown in this order (smallest first).")}
        field_classes = {"starts_on": DayField, "ends_on": DayField}

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class SessionForm(OnceFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = DayField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    place_accessibility = forms.CharField(
        label=_("Accessibility of the place"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: step-free access, induction loop, sign language on request."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    listeners_welcome = forms.BooleanField(
        label=_("Listeners welcome"), required=False, initial=True
    )
    online_url = forms.URLField(
        label=_("Online link (for hybrid sessions)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    took_place = forms.BooleanField(
        label=_("already took place"),
        required=False,
        help_text=_("Tick this to enter a session from the past, for example to add its protocol."),
    )

    FIELD_FOR = {"starts_at": "date", "ends_at": "end_time"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_notes: list[str] = []  # for the person: which of a doubled time was taken

    @classmethod
    def initial_for(cls, session: PublicSession) -> dict:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "title": session.title,
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "place": session.place,
            "place_accessibility": session.place_accessibility,
            "description": session.description,
            "listeners_welcome": session.listeners_welcome,
            "online_url": session.online_url,
            "took_place": session.ends_at < timezone.now(),
        }

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        # The night the clocks change: a skipped time is refused, a doubled one made explicit.
        for name, clock, target in (
            ("start_time", start, "starts_at"),
            ("end_time", end, "ends_at"),
        ):
            try:
                data[target], note = local_moment(day, clock)
            except ValidationError as exc:
                self.add_error(name, exc)
                return data
            if note:
                self.time_notes.append(note)
        try:
            services.session_validate_times(
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                took_place=data.get("took_place", False),
            )
        except ValidationError as exc:
            apply_errors(self, exc, self.FIELD_FOR)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "starts_at",
                "ends_at",
                "place",
                "place_accessibility",
                "description",
                "listeners_welcome",
                "online_url",
                "took_place",
            )
        }


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PublicSession) -> str:
        return f"{obj.title} ({formats.date_format(timezone.localtime(obj.starts_at))})"


class DocumentForm(OnceFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    date = DayField(label=_("Date"), widget=DATE_WIDGET)
    session = SessionChoiceField(
        label=_("Belongs to the session"),
        queryset=PublicSession.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.md,.docx"}),
    )

    def __init__(self, *args, process: Process, require_file: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = process.sessions.order_by("-starts_at")
        self.fields["file"].required = require_file
        help_text = _("PDF, Markdown (.md) or Word (.docx), at most %(max)s MB.") % {
            "max": megabytes(settings.DOCUMENT_MAX_BYTES)
        }
        if not require_file:
            keep = _("Leave empty to keep the current file.")
            help_text = f"{help_text} {keep}"
        self.fields["file"].help_text = help_text

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            files.check_document(
                file=upload,
                name=upload.name,
                size=upload.size,
                max_bytes=settings.DOCUMENT_MAX_BYTES,
            )
        return upload


class FollowForm(forms.Form):
    email = forms.BooleanField(label=_("Also notify me by e-mail"), required=False)
