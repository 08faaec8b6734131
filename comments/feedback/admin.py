from django.contrib import admin

from deliberation.admin import ReadOnlyAdmin

from .models import Answer


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("comment", "disposition", "version_taken_up", "author", "published_at")
    list_filter = ("disposition",)
    search_fields = ("reply",)
