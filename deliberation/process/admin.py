"""The participation process in Django's admin. Uploads pass the same content check as the forms."""

from django import forms
from django.conf import settings
from django.contrib import admin

from deliberation.admin import ReadOnlyAdmin

from . import files
from .forms import ProcessForm
from .models import Document, DocumentFormat, Follow, Milestone, Process, PublicSession
from .services import document_markdown_html


class MilestoneInline(admin.TabularInline):
    """Read-only: steps change on the process page (deliberation.process.services), which keeps
    one step current and checks the dates; a save here would skip both."""

    model = Milestone
    extra = 0
    fields = ["position", "title", "starts_on", "ends_on", "state"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug", "description"]
    # The slug is made from the title on the server (German letters transliterated), where
    # the admin's own script would drop them ("Grünflächen" -> "grunflachen").
    form = ProcessForm
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    """For inspection; see MilestoneInline for why changes go through the process page."""

    list_display = ["title", "process", "starts_on", "ends_on", "state", "position"]
    list_filter = ["state", "process"]


@admin.register(PublicSession)
class PublicSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "starts_at", "ends_at", "place", "listeners_welcome"]
    list_filter = ["process", "listeners_welcome"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["process", "session", "title", "kind", "date", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            file_type = files.check_document(
                file=upload,
                name=upload.name,
                size=upload.size,
                max_bytes=settings.DOCUMENT_MAX_BYTES,
            )
            self.instance.file_format = file_type.format
            self.instance.content_type = file_type.content_type
            self.instance.size = upload.size
            self.instance.html = ""
            if file_type.format == DocumentFormat.MARKDOWN:
                upload.seek(0)
                self.instance.html = document_markdown_html(text=upload.read().decode("utf-8"))
                upload.seek(0)
        return upload


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["title", "process", "kind", "file_format", "date"]
    list_filter = ["kind", "file_format", "process"]
    readonly_fields = ["file_format", "content_type", "size"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "process", "email", "created_at"]
    list_filter = ["email", "process"]
    raw_id_fields = ["user"]
