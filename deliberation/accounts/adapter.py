"""How allauth treats our accounts: usernames that cannot pose as someone else, mail subjects.

Mails (address confirmation, password reset) are sent at once, within the request, by
allauth's adapter; the notification outbox and its worker do not carry them (yet).
"""

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from deliberation.usernames import impersonates_role, skeleton

from .confirmation import must_wait
from .oidc import provider_logout_url

logger = logging.getLogger(__name__)

MAIL_FAILED = _(
    "The mail to %(email)s could not be sent just now (the mail server did not answer). "
    "Nothing you entered is lost: please ask for the mail again in a few minutes."
)
CONFUSABLE_MESSAGE = _(
    "This name looks like a name that is taken already (upper and lower case, and letters "
    "from other alphabets that look alike, count as the same). Please choose another one."
)
ROLE_MESSAGE = _(
    "This name could be taken for a role of this site (moderation, working group, city "
    "administration, admin). Please choose another one."
)


def username_taken_lookalike(username: str) -> bool:
    """Whether an existing account's name has the same skeleton (deliberation/usernames.py)
    as `username`. Reads every username once (bench/usernames.py: 21,000 accounts)."""
    wanted = skeleton(username)
    names = get_user_model().objects.values_list("username", flat=True)
    return any(skeleton(name) == wanted for name in names.iterator(chunk_size=2000))


class AccountAdapter(DefaultAccountAdapter):
    # In our words (and the formal German of the rest of the site).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("The username or the password is not correct."),
        "too_many_login_attempts": _(
            "Too many wrong passwords in a short time: logging in is refused for a minute, "
            "for this account and from this connection. Wait a minute, then try again, or "
            "reset your password."
        ),
        "username_taken": _("This username is taken already. Please choose another one."),
        "rate_limited": _("Too many attempts in a short time. Please wait a minute."),
    }

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """allauth's checks (validators, exact duplicates), then: no role name, no look-alike
        of an existing name. Raises forms.ValidationError with the reason."""
        username = super().clean_username(username, shallow=shallow)
        if impersonates_role(username):
            raise forms.ValidationError(ROLE_MESSAGE, code="username_role")
        if not shallow and username_taken_lookalike(username):
            raise forms.ValidationError(CONFUSABLE_MESSAGE, code="username_confusable")
        return username

    def get_logout_redirect_url(self, request) -> str:
        """Where the log-out leads (read before the session ends). After a log-in through the
        city's identity provider: on to the provider, which ends its session too and sends the
        person back to the site's root, the one address registered there for the way back
        (OpenID Connect RP-Initiated Logout; deliberation/accounts/oidc.py)."""
        here = super().get_logout_redirect_url(request)
        return provider_logout_url(request, request.build_absolute_uri("/")) or here

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (templates/account/email/), with the site's name and, for a person
        whose writing waits for the confirmation, `holds_writing`; sent at once.

        A mail server that does not answer fails no sign-up, change or reset: what was entered
        is saved, the person is told to ask for the mail again (the e-mail page resends the
        confirmation; the reset form sends a new link), and the log says what was not sent.
        """
        try:
            user = context.get("user")
            holds = user is not None and must_wait(user)  # a new account, not a change of address
            context = {**context, "site_name": settings.SITE_NAME, "holds_writing": holds}
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not send the mail %s to %s", template_prefix, email)
            request = allauth_context.request
            if request is not None:
                messages.error(request, MAIL_FAILED % {"email": email})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"
