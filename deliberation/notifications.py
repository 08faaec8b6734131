"""Tell one person something: in the notifications list, and by e-mail when the site sends mail.

A notification is stored as its kind and parameters, not as a sentence, so that each reader
sees it in the language of the page they read it on (a moderator on a German page must not
write an English reader's notification in German). `notification_text` says it.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from deliberation.languages import path_in_default_language
from deliberation.models import Notification

logger = logging.getLogger(__name__)


def _when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    if moment is None:
        return value or ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _account_blocked(params: dict) -> str:
    end = _when(params.get("until")) if params.get("until") else _("further notice")
    return _("Your account is blocked from writing until %(end)s. Justification: %(text)s") % {
        "end": end,
        "text": params.get("justification", ""),
    }


# kind -> how to say it, given the stored parameters (all JSON: strings, numbers, ISO times).
# The platform's kinds are here; apps add theirs with `notification_kinds_register`.
TEXTS = {
    "account_blocked": _account_blocked,
    "account_unblocked": lambda p: _("Your account can write again."),
    "session_new": lambda p: (
        _("New session in “%(process)s”: %(title)s, %(when)s")
        % {"process": p["process"], "title": p["title"], "when": _when(p["when"])}
    ),
    "protocol_new": lambda p: (
        _("New protocol in “%(process)s”: %(title)s")
        % {"process": p["process"], "title": p["title"]}
    ),
}


def notification_kinds_register(texts: dict) -> None:
    """Add an app's kinds: {kind: function(params) -> the sentence in the active language}.
    Called from the app's ready(); raises ValueError for a kind that is taken."""
    taken = TEXTS.keys() & texts.keys()
    if taken:
        raise ValueError(f"notification kinds registered twice: {sorted(taken)}")
    TEXTS.update(texts)


def notification_text(*, kind: str, params: dict, fallback: str = "") -> str:
    """Say a notification of `kind` with `params` in the active language.

    `fallback` (the stored sentence of notifications written before kinds existed) is the
    answer for an empty or unknown kind. Raises KeyError when `params` lack a needed value.
    """
    say = TEXTS.get(kind)
    return say(params) if say else fallback


def stored_url(url: str) -> str:
    """A site path as stored: in the default language, whatever page the writer was on; shown
    in the reader's (Notification.safe_url). Other addresses are kept as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return path_in_default_language(url)
    return url


def notification_send(
    *, user, kind: str, params: dict | None = None, url: str = "", email_subject: str = ""
) -> Notification:
    """Store a notification of `kind` (a key of TEXTS) with JSON `params`; with
    `email_subject` and SMTP configured, also mail it (in the active language) after COMMIT."""
    params = params or {}
    text = notification_text(kind=kind, params=params)  # fails now, not when it is read
    url = stored_url(url)
    notification = Notification.objects.create(user=user, kind=kind, params=params, url=url)
    if email_subject and settings.EMAIL_HOST and user.email:
        link = f"\n\n{settings.SITE_URL}{url}" if url and getattr(settings, "SITE_URL", "") else ""

        def mail():
            try:
                send_mail(email_subject, text + link, None, [user.email])
            except Exception:  # the notification is stored; a mail server hiccup is only logged
                logger.exception("could not e-mail notification %s", notification.pk)

        transaction.on_commit(mail, robust=True)
    return notification
