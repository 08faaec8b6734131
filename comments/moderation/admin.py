from django.contrib import admin

from deliberation.admin import ReadOnlyAdmin

from .models import Flag, ModerationAction, UserBlock


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
