from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from deliberation.sanitizing import clean_plain

from .models import Draft, DraftVersion, Paragraph


class ParagraphInline(admin.TabularInline):
    """Read-only: text changes go through a new version, so keys and history stay right."""

    model = Paragraph
    fields = ("position", "kind", "section", "text", "key", "archived")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Title, introduction, dates and process; the text and its versions are not edited here.

    A plain ModelAdmin on purpose: django-reversion's VersionAdmin adds history, revision and
    recover views that write a revision's paragraphs straight back, with no new version, no
    `draft.updated` event and no archiving. An earlier text comes back through the versions
    page (drafts.services.draft_revert, linked below), the moderation mode through the draft
    page's switch (which logs the change).
    """

    list_display = ("title", "slug", "status", "version", "moderation", "opens_at", "closes_at")
    search_fields = ("title", "slug")
    fields = (
        "title",
        "slug",
        "introduction",
        "opens_at",
        "closes_at",
        "is_final",
        "moderation",
        "process",
        "version",
        "versions_page",
    )
    readonly_fields = ("version", "moderation", "versions_page")
    inlines = [ParagraphInline]

    @admin.display(description=_("versions"))
    def versions_page(self, obj: Draft) -> str:
        if obj.pk is None:
            return ""
        url = reverse("draft_versions", kwargs={"slug": obj.slug})
        return format_html('<a href="{}">{}</a>', url, _("History and restoring an earlier text"))

    def save_model(self, request, obj, form, change):
        obj.title = clean_plain(obj.title)
        obj.introduction = clean_plain(obj.introduction)
        super().save_model(request, obj, form, change)


@admin.register(DraftVersion)
class DraftVersionAdmin(admin.ModelAdmin):
    list_display = ("draft", "number", "description", "author", "created_at", "summary")
    list_filter = ("draft",)
    readonly_fields = (
        "revision",
        "draft",
        "number",
        "message",
        "author",
        "created_at",
        "source",
        "source_format",
        "changes",
        "summary",
    )

    def has_add_permission(self, request):
        return False
