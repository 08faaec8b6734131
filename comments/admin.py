from django.contrib import admin

from deliberation.admin import ReadOnlyAdmin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "draft",
        "author",
        "status",
        "channel",
        "version",
        "created_at",
        "support_count",
    )
    list_filter = ("status", "channel", "draft")
    search_fields = ("body", "author__username")
