from django.contrib import admin
from reversion.admin import VersionAdmin

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
class DraftAdmin(VersionAdmin):
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
    )
    readonly_fields = ("version",)
    inlines = [ParagraphInline]

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
