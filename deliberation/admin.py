"""The platform's models in Django's admin (the process app's are in deliberation/process/admin.py)."""

from django.contrib import admin

from deliberation.models import Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for inspection; every change goes through the services (counts, events, log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "display_text", "created_at", "read_at"]
    raw_id_fields = ["user"]
    search_fields = ["kind", "text", "user__username"]
