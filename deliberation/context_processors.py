from django.conf import settings


def site(request):
    """Expose the operator's names to every template (footer, Impressum, privacy)."""
    return {
        "platform_name": settings.SITE_NAME,
        "site_operator": settings.SITE_OPERATOR,
        "site_contact_email": settings.SITE_CONTACT_EMAIL,
    }
