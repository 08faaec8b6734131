from django.contrib import admin

from deliberation.admin import ReadOnlyAdmin

from .models import Answer, Comment, Flag, ModerationAction, UserBlock


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


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("comment", "reporter", "reason", "created_at", "resolved_at")
    list_filter = ("reason",)


@admin.register(UserBlock)
class UserBlockAdmin(ReadOnlyAdmin):
    list_display = ("user", "blocked_by", "until", "created_at", "lifted_at")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit log is append-only: no one edits or deletes it, not even here."""

    list_display = (
        "created_at",
        "actor_name",
        "action",
        "comment",
        "target_name",
        "reason",
        "note",
    )
    list_filter = ("action",)
    search_fields = ("actor_name", "target_name", "note")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("comment", "disposition", "version_taken_up", "author", "published_at")
    list_filter = ("disposition",)
    search_fields = ("reply",)
