"""Whether a person's e-mail address is confirmed, and what happens once it is.

With ACCOUNT_EMAIL_CONFIRMATION=mandatory (the default) a person may log in and write before
confirming, but what they write is held (visible to themselves only) until they confirm: by the
link in the mail (allauth's `email_confirmed` signal), or through the operator
(`manage.py confirm_email USERNAME`). Either way `account_confirmed` is sent with the user, and
the apps that held something publish it (comments: comments/apps.py), so this platform module
imports no app.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal, receiver

# Sent (inside the confirming transaction) with `user` once an address of theirs is confirmed;
# a receiver returns how many held contributions it published.
account_confirmed = Signal()


def confirmation_required() -> bool:
    """Whether writing waits for a confirmed address (ACCOUNT_EMAIL_CONFIRMATION=mandatory)."""
    return settings.ACCOUNT_EMAIL_CONFIRMATION == "mandatory"


def is_confirmed(user) -> bool:
    """Whether `user` has a confirmed e-mail address, or logs in through an identity provider
    (whose account the city vouches for)."""
    return (
        EmailAddress.objects.filter(user=user, verified=True).exists()
        or SocialAccount.objects.filter(user=user).exists()
    )


def confirmed_sql() -> str:
    """`is_confirmed` as an SQL expression for this connection's backend, for a caller that
    reads it with other things in one statement: it takes the person's id twice (`%s`)."""
    q = connection.ops.quote_name
    return (
        f"(EXISTS (SELECT 1 FROM {q(EmailAddress._meta.db_table)} e "  # noqa: S608 (tables)
        f"WHERE e.{q('user_id')} = %s AND e.{q('verified')}) "
        f"OR EXISTS (SELECT 1 FROM {q(SocialAccount._meta.db_table)} s "
        f"WHERE s.{q('user_id')} = %s))"
    )


def must_wait(user, *, confirmed: bool | None = None) -> bool:
    """Whether what `user` writes now is held until they confirm their address. `confirmed`:
    `is_confirmed(user)` when the caller read it already (None: asked here, if it matters)."""
    if not (confirmation_required() and user.is_authenticated):
        return False
    return not (is_confirmed(user) if confirmed is None else confirmed)


class NoAddress(ValueError):
    """The account has no e-mail address to confirm."""


@transaction.atomic
def email_confirm(*, user) -> tuple[EmailAddress, int]:
    """Mark the account's address (its primary one, else `user.email`) as confirmed, as the link
    in the mail would, and send `account_confirmed`. Returns the address and how many held
    contributions the receivers published. Raises NoAddress when it has none."""
    address = EmailAddress.objects.filter(user=user).order_by("-primary", "-verified", "pk").first()
    if address is None:
        if not user.email:
            raise NoAddress(user.get_username())
        address = EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=True
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
        if not address.primary:
            address.set_as_primary()
    answers = account_confirmed.send(sender=EmailAddress, user=user)
    return address, sum(n for _receiver, n in answers if isinstance(n, int))


@receiver(email_confirmed, dispatch_uid="deliberation_account_confirmed")
def _confirmed_by_link(sender, request, email_address, **kwargs):
    account_confirmed.send(sender=EmailAddress, user=email_address.user)
