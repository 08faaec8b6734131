"""Log-in through the city's identity provider over OpenID Connect (allauth's `openid_connect`
provider, configured from OIDC_* variables in settings.py; docs/deploy.md).

What allauth does not do, done here without changing it:

- A person chooses a pseudonym on first log-in; the provider's real names are neither copied into
  the account nor kept in what allauth stores about the login (`extra_data`): a city's provider
  (Keycloak in front of BundID, a state's Servicekonto) hands them over whether asked or not.
- Logging out here ends the provider's session too (OpenID Connect RP-Initiated Logout 1.0): the
  ID token the provider issued is kept in the session, and the log-out sends the browser to the
  provider's `end_session_endpoint` with it and with the address to come back to.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.http import urlencode

# Where the session keeps what the log-out needs: {"id_token", "end_session_endpoint"}.
SESSION_KEY = "oidc_logout"

# Claims that describe the person beyond the pseudonymous subject and the address: never kept.
IDENTIFYING_CLAIMS = frozenset(
    {
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "phone_number",
        "phone_number_verified",
        "address",
    }
)


def claims_minimised(data: dict) -> dict:
    """`data` as allauth keeps it ({"userinfo": {...}, "id_token": {...}}, or the claims
    themselves) without the claims that name or describe the person (IDENTIFYING_CLAIMS)."""
    return {
        part: {k: v for k, v in claims.items() if k not in IDENTIFYING_CLAIMS}
        if isinstance(claims, dict)
        else claims
        for part, claims in data.items()
        if part not in IDENTIFYING_CLAIMS
    }


class CityOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, keeping the ID token for the log-out and dropping the
    person's names from what is stored."""

    def get_callback_url(self, request: HttpRequest, app) -> str:
        """The callback's address in the default language (no /en/): the provider accepts only
        the redirect URI registered with it, whatever language the person reads in."""
        with translation.override(settings.LANGUAGE_CODE):
            return super().get_callback_url(request, app)

    def parse_token(self, data):
        token = super().parse_token(data)
        end_session = self.openid_config.get("end_session_endpoint")
        if data.get("id_token") and end_session:
            self.request.session[SESSION_KEY] = {
                "id_token": data["id_token"],
                "end_session_endpoint": end_session,
            }
        return token

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        login.account.extra_data = claims_minimised(login.account.extra_data)
        return login


def login(request: HttpRequest, provider_id: str):
    """allauth's `openid_connect_login` view with CityOIDCAdapter."""
    try:
        return OAuth2LoginView.adapter_view(CityOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def callback(request: HttpRequest, provider_id: str):
    """allauth's `openid_connect_callback` view with CityOIDCAdapter."""
    try:
        return OAuth2CallbackView.adapter_view(CityOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def provider_logout_url(request: HttpRequest, back_to: str) -> str | None:
    """The provider's end-session address that ends its session for the person logged in here
    through it and sends them back to `back_to` (an absolute URL registered at the provider as
    a post-logout redirect URI); None when they did not log in through a provider that has one.
    Read it before the session ends."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return None
    query = urlencode({"id_token_hint": kept["id_token"], "post_logout_redirect_uri": back_to})
    endpoint = kept["end_session_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A login through an identity provider makes an account that shows only a pseudonym."""

    def populate_user(self, request: HttpRequest, sociallogin, data):
        """Take over the e-mail address only (never shown; used for notifications): no real
        name into first_name/last_name, and no suggested username, which often is the real
        name or the address. The person chooses the pseudonym on the sign-up form."""
        user = super().populate_user(request, sociallogin, {"email": data.get("email")})
        user.first_name = user.last_name = user.username = ""
        return user
