"""Sign-up, log-in, log-out, the data download and account deletion, as a person meets them."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.data import PASSWORD
from tests.deliberation.account_helpers import signup_data, solved

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_signup_creates_account_logs_in_and_sends_the_confirmation(client, mailoutbox):
    response = client.post(reverse("signup"), signup_data(client), follow=True)
    assert response.status_code == 200
    user = User.objects.get(username="clara")
    assert user.email == "clara@example.org"
    assert response.context["user"] == user
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified) == ("clara@example.org", False)
    assert len(mailoutbox) == 1
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    # In the site's words and formal German, with its name (not allauth's informal "du").
    assert "vermutlich Sie" in mailoutbox[0].body and "„clara“" in mailoutbox[0].body
    assert "aufbewahrt und nur Ihnen gezeigt" in mailoutbox[0].body, "a new account's is held"
    assert mailoutbox[0].subject.startswith("[Beteiligung] ")


def test_signup_page_links_the_privacy_notice_from_the_consent_box(client):
    html = client.get(reverse("signup")).content.decode()
    assert 'href="/datenschutz/"' in html
    assert 'name="consent"' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": ""}, "consent", "Datenschutzhinweis"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "zu üblich"),
        ({"password2": "anders-als-vorher-99"}, "password2", "selbe Passwort"),
        ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
    ],
)
def test_signup_errors_are_shown_next_to_the_field_in_german(client, overrides, field, message):
    response = client.post(reverse("signup"), signup_data(client, **overrides))
    assert response.status_code == 200
    assert not User.objects.filter(username="clara").exists()
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'name="username" value="clara"' in html, "what was typed is kept"


def test_signup_refuses_duplicate_username(client, citizen):
    response = client.post(reverse("signup"), signup_data(client, username=citizen.username))
    assert "bereits" in " ".join(response.context["form"].errors["username"])


def test_signup_in_english(client):
    data = signup_data(client, "/en/accounts/signup/", consent="")
    response = client.post("/en/accounts/signup/", data)
    assert "Please agree to the privacy notice" in response.content.decode()


def test_login_and_logout(client, citizen):
    response = client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    page = client.get(reverse("logout"))
    assert page.status_code == 200, "a GET only asks; log-out is a POST"
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_login_with_a_wrong_password_says_so(client, citizen):
    response = client.post(reverse("login"), {"username": "anna", "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername oder das Passwort ist nicht korrekt" in response.content.decode()


def test_login_returns_to_next(client, citizen):
    response = client.post(
        reverse("login") + "?next=/drafts/x/%3Fthread%3D1",
        {"username": "anna", "password": PASSWORD, "next": "/drafts/x/?thread=1"},
    )
    assert response["Location"] == "/drafts/x/?thread=1"


def test_data_download_contains_the_account(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("profile_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["username"] == "anna"
    assert data["account"]["email"] == "anna@example.org"
    assert data["participation"] == {"comments": [], "votes": [], "supports": []}


def test_account_deletion_needs_the_password(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("profile_delete"), {"password": "falsch"})
    assert response.status_code == 400
    assert User.objects.filter(pk=citizen.pk).exists()


def test_account_deletion_removes_the_account_and_logs_out(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("profile_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert client.get(reverse("profile")).status_code == 302


def test_password_reset_sends_a_mail(client, citizen, mailoutbox):
    url = reverse("account_reset_password")
    client.post(url, {"email": "anna@example.org", "altcha": solved(client, url)})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "Ihr Benutzername: anna" in mailoutbox[0].body


def test_a_new_address_counts_only_once_confirmed(client, citizen, mailoutbox):
    client.force_login(citizen)
    page = client.get(reverse("account_email")).content.decode()
    assert "anna@example.org" in page and "Adresse ändern" in page
    client.post(reverse("account_email"), {"action_add": "", "email": "anna@neu.example"})
    addresses = dict(EmailAddress.objects.filter(user=citizen).values_list("email", "verified"))
    assert addresses == {"anna@example.org": True, "anna@neu.example": False}
    citizen.refresh_from_db()
    assert citizen.email == "anna@example.org", "mails go to the confirmed address meanwhile"
    [mail] = [m for m in mailoutbox if "anna@neu.example" in m.to]
    assert "aufbewahrt" not in mail.body, "a confirmed account's writing is not held"
    path = "/accounts/confirm-email/" + mail.body.split("/accounts/confirm-email/")[1].split()[0]
    client.post(path)
    citizen.refresh_from_db()
    assert citizen.email == "anna@neu.example"
    assert list(EmailAddress.objects.filter(user=citizen).values_list("email", "verified")) == [
        ("anna@neu.example", True)
    ]


def test_an_unconfirmed_person_can_have_the_link_sent_again(client, make_user, mailoutbox):
    person = make_user("neu", confirmed=False)
    client.force_login(person)
    page = client.get(reverse("account_email")).content.decode()
    assert "noch nicht bestätigt" in page
    client.post(reverse("account_email"), {"action_send": "", "email": "neu@example.org"})
    assert [m.to for m in mailoutbox] == [["neu@example.org"]]
    profile = client.get(reverse("profile")).content.decode()
    assert "veröffentlicht, sobald Sie Ihre E-Mail-Adresse bestätigt haben" in profile


def test_a_mail_server_that_does_not_answer_loses_no_sign_up(client, settings, caplog):
    from tests.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    response = client.post(reverse("signup"), signup_data(client), follow=True)
    assert response.status_code == 200
    assert User.objects.filter(username="clara").exists()
    assert response.context["user"].username == "clara"
    assert "konnte gerade nicht gesendet werden" in response.content.decode()
    assert "Could not send the mail" in caplog.text


@pytest.mark.parametrize(
    "address", ["/accounts/password/reset/done/", "/accounts/confirm-email/", "/accounts/login/"]
)
def test_allauth_pages_speak_to_people_formally_as_every_page_does(client, address):
    """allauth's German catalogue says "du"; the site says "Sie" everywhere (our catalogue
    overrides allauth's strings)."""
    html = client.get(address).content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert not re.search(r"\b([Dd]u|[Dd]ir|[Dd]ich|[Dd]ein\w*)\b", re.sub(r"<[^>]+>", " ", main))
