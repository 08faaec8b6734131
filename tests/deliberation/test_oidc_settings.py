"""The city's identity provider from OIDC_* variables: all four or none, the login button only
when configured, the provider's names never kept, and accounts without a password can still be
deleted. The whole log-in against a real provider: tests/e2e/test_oidc_login.py."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from deliberation.accounts.oidc import SESSION_KEY, claims_minimised, provider_logout_url
from tests.deliberation.settings_process import run

OIDC = {
    "OIDC_PROVIDER_NAME": "Servicekonto Musterstadt",
    "OIDC_SERVER_URL": "https://login.musterstadt.example/realms/buerger",
    "OIDC_CLIENT_ID": "beteiligung",
    "OIDC_CLIENT_SECRET": "geheim",
}
SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SOCIALACCOUNT_PROVIDERS, getattr(s, 'CSP_FORM_ACTION_ORIGINS', [])]))"
)


def test_the_four_variables_configure_the_provider(tmp_path):
    result = run(SHOW, DEBUG="1", VAR_DIR=str(tmp_path), **OIDC)
    assert result.returncode == 0, result.stderr
    providers, origins = json.loads(result.stdout)
    [app] = providers["openid_connect"]["APPS"]
    assert (app["provider_id"], app["name"], app["client_id"], app["secret"]) == (
        "city",
        "Servicekonto Musterstadt",
        "beteiligung",
        "geheim",
    )
    assert app["settings"]["server_url"] == OIDC["OIDC_SERVER_URL"]
    assert providers["openid_connect"]["SCOPE"] == ["openid", "email"]  # no names asked for
    assert origins == ["https://login.musterstadt.example"]


def test_without_the_variables_there_is_no_provider(tmp_path):
    result = run(SHOW, DEBUG="1", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{}, []]


def test_a_partial_configuration_refuses_to_start_naming_what_is_missing(tmp_path):
    partial = {**OIDC, "OIDC_CLIENT_SECRET": ""}
    result = run(SHOW, DEBUG="1", VAR_DIR=str(tmp_path), **partial)
    assert result.returncode != 0
    assert "OIDC_CLIENT_SECRET must be set too" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def city_provider(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "city",
                    "name": "Servicekonto Musterstadt",
                    "client_id": "beteiligung",
                    "secret": "geheim",
                    "settings": {"server_url": "https://login.musterstadt.example/realms/b"},
                }
            ]
        }
    }


@pytest.mark.django_db
def test_the_login_page_offers_the_city_only_when_configured(client, settings, city_provider):
    page = client.get(reverse("login")).content.decode()
    assert "Mit Servicekonto Musterstadt anmelden" in page
    assert '<form method="post" action="/accounts/oidc/city/login/?process=login">' in page
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Servicekonto" not in client.get(reverse("login")).content.decode()


def test_the_names_a_provider_sends_unasked_are_not_kept():
    sent = {
        "userinfo": {"sub": "4711", "email": "e@example.org", "email_verified": True},
        "id_token": {
            "sub": "4711",
            "iss": "https://login.musterstadt.example",
            "given_name": "Erika",
            "family_name": "Mustermann",
            "name": "Erika Mustermann",
            "preferred_username": "erika.mustermann",
            "birthdate": "1964-08-12",
            "address": {"locality": "Musterstadt"},
        },
    }
    kept = claims_minimised(sent)
    assert kept["userinfo"] == sent["userinfo"]
    assert kept["id_token"] == {"sub": "4711", "iss": "https://login.musterstadt.example"}
    assert claims_minimised({"sub": "1", "name": "Erika"}) == {"sub": "1"}  # before 65.11


def test_the_logout_goes_to_the_provider_only_after_a_login_through_it(rf):
    request = rf.get("/")
    request.session = {}
    assert provider_logout_url(request, "https://beteiligung.example/") is None
    request.session[SESSION_KEY] = {
        "id_token": "eyJ.token.sig",
        "end_session_endpoint": "https://login.example/logout?ui=de",
    }
    assert provider_logout_url(request, "https://beteiligung.example/") == (
        "https://login.example/logout?ui=de&id_token_hint=eyJ.token.sig"
        "&post_logout_redirect_uri=https%3A%2F%2Fbeteiligung.example%2F"
    )


@pytest.mark.django_db
def test_an_account_without_password_is_deleted_with_its_username(client, make_user):
    person = make_user("Radlerin_7")
    person.set_unusable_password()
    person.save()
    SocialAccount.objects.create(user=person, provider="city", uid="4711", extra_data={})
    client.force_login(person)
    page = client.get(reverse("profile")).content.decode()
    assert "Ihr Benutzername, zur Bestätigung" in page
    refused = client.post(reverse("profile_delete"), {"password": "jemand"})
    assert refused.status_code == 400
    assert "Das ist nicht Ihr Benutzername." in refused.content.decode()
    assert client.post(reverse("profile_delete"), {"password": "Radlerin_7"}).status_code == 302
    assert not SocialAccount.objects.exists()
