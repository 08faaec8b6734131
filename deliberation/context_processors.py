from django.conf import settings
from django.utils.functional import SimpleLazyObject

from deliberation.notifications.selectors import notifications_unread_count


def site(request):
    """Expose the operator's names to every template (footer, Impressum, privacy)."""
    return {
        "platform_name": settings.SITE_NAME,
        "site_operator": settings.SITE_OPERATOR,
        "site_contact_email": settings.SITE_CONTACT_EMAIL,
        # Writing waits for a confirmed e-mail address (deliberation/accounts/confirmation.py).
        "confirmation_required": settings.ACCOUNT_EMAIL_CONFIRMATION == "mandatory",
    }


def notifications(request):
    """The signed-in user's unread count for the header: one indexed COUNT, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    return {"unread_notifications": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
