"""What allauth stores about a person (e-mail addresses, confirmations, identity-provider
accounts and their tokens), registered with deliberation.accounts.services."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken

from .services import personal_data_register

GONE_WITH_ACCOUNT = "deleted with the account (on_delete=CASCADE)"


def signin_data(user) -> dict:
    """The download's `sign_in`: e-mail addresses (confirmed or not) and identity providers."""
    return {
        "email_addresses": [
            {"email": a.email, "confirmed": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "login_providers": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "connected": s.date_joined.isoformat(),
                "last_login": s.last_login.isoformat() if s.last_login else None,
                "extra_data": s.extra_data,
            }
            for s in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def register() -> None:
    """Register allauth's fields (called from DeliberationConfig.ready)."""
    personal_data_register(
        name="sign_in",
        exporter=signin_data,
        fields={
            EmailAddress: {f: "exported; " + GONE_WITH_ACCOUNT for f in ("user", "email")},
            EmailConfirmation: {"key": "a one-time link's key, not exported; " + GONE_WITH_ACCOUNT},
            SocialAccount: {
                f: "exported; " + GONE_WITH_ACCOUNT
                for f in ("user", "provider", "uid", "extra_data")
            },
            SocialToken: {
                f: "a login secret, not exported; " + GONE_WITH_ACCOUNT
                for f in ("token", "token_secret")
            },
            SocialApp: {"settings": "the site's provider configuration, about no person"},
        },
    )
