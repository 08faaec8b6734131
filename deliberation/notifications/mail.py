"""Write one outbox row as a mail: plain text and HTML, in the recipient's language.

Every mail names the site and its operator's contact, links each item to its exact place and
carries a one-click unsubscribe (RFC 8058: `List-Unsubscribe` with an https address and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`) that works without logging in.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation.languages import default_path_in_language
from deliberation.siteurl import site_url

from .kinds import kind_topic
from .models import Delivery, MailProfile

UNSUBSCRIBE_SALT = "deliberation.notifications.unsubscribe"


def absolute(path: str, language: str) -> str:
    """A stored site path (default language) as a full address of the page in `language`."""
    if path.startswith("/") and not path.startswith("//"):
        return site_url() + default_path_in_language(path, language)
    return path if path.lower().startswith(("https://", "http://")) else ""


def unsubscribe_token(*, user_id: int, topic: str) -> str:
    """A signed token that stops mail of `topic` ("*": all) to the user, without a login."""
    return signing.dumps([user_id, topic], salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, topic) of a token; raises signing.BadSignature for a forged or broken one."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not (isinstance(value, list) and len(value) == 2):
        raise signing.BadSignature("unexpected unsubscribe token")
    user_id, topic = value
    if not isinstance(user_id, int) or not isinstance(topic, str):
        raise signing.BadSignature("unexpected unsubscribe token")
    return user_id, topic


def recipient_language(user) -> str:
    try:
        language = user.mail_profile.language
    except MailProfile.DoesNotExist:
        return settings.LANGUAGE_CODE
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else settings.LANGUAGE_CODE


def _groups(items: list[dict]) -> list[dict]:
    """Items grouped by draft and paragraph, in the order they happened."""
    drafts: dict[str, dict] = {}
    for item in items:
        params = item["notification"].params
        draft = drafts.setdefault(
            params.get("draft_title", ""),
            {"title": params.get("draft_title", ""), "paragraphs": {}},
        )
        excerpt = params.get("paragraph_excerpt", "")
        label = _("Paragraph “%(excerpt)s”") % {"excerpt": excerpt} if excerpt else ""
        draft["paragraphs"].setdefault(label, {"label": label, "items": []})["items"].append(item)
    return [
        {"title": draft["title"], "paragraphs": list(draft["paragraphs"].values())}
        for draft in drafts.values()
    ]


def _subject(delivery: Delivery, items: list[dict]) -> str:
    count = len(items)
    if delivery.period == "daily":
        said = ngettext(
            "your daily summary: %(count)s notice", "your daily summary: %(count)s notices", count
        ) % {"count": count}
    elif delivery.period == "weekly":
        said = ngettext(
            "your weekly summary: %(count)s notice",
            "your weekly summary: %(count)s notices",
            count,
        ) % {"count": count}
    else:
        said = items[0]["text"]
    subject = " ".join(f"{settings.SITE_NAME}: {said}".split())
    return subject if len(subject) <= 150 else subject[:149] + "…"


def delivery_message(delivery: Delivery, *, connection=None) -> EmailMultiAlternatives | None:
    """The mail for `delivery` (None when it has nothing left to say or no address)."""
    # All of them (prefetched by the claim), in the order they happened.
    notifications = sorted(delivery.notifications.all(), key=lambda n: (n.created_at, n.pk))
    user = delivery.user
    if not notifications or not user.email or not user.is_active:
        return None
    language = recipient_language(user)
    with translation.override(language):
        items = [
            {
                "notification": n,
                "text": n.display_text,
                "details": n.details,
                "url": absolute(n.url, language),
            }
            for n in notifications
        ]
        topic = "*" if delivery.period else kind_topic(notifications[0].kind).name
        token = unsubscribe_token(user_id=user.pk, topic=topic)
        unsubscribe_url = site_url() + reverse("notifications_unsubscribe", args=[token])
        context = {
            "site_name": settings.SITE_NAME,
            "site_operator": settings.SITE_OPERATOR,
            "site_contact_email": settings.SITE_CONTACT_EMAIL,
            "language": language,
            "period": delivery.period,
            "groups": _groups(items),
            "items": items,
            "count": len(items),
            "user": user,
            "unsubscribe_url": unsubscribe_url,
            "unsubscribe_all": topic == "*",
            "settings_url": site_url() + reverse("notification_settings"),
        }
        subject = _subject(delivery, items)
        text = render_to_string("notifications/mail/message.txt", context)
        html = render_to_string("notifications/mail/message.html", context)
    domain = site_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
            # The same on every attempt, so that a mail sent twice after a crash is one to readers.
            "Message-ID": f"<delivery-{delivery.pk}.{delivery.key.replace(':', '-')}@{domain}>",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
