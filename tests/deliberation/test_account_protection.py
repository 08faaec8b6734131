"""What keeps bots and impostors out: wrong-password limits (person, address, admin), the
proof of work and the honeypot on sign-up and reset, usernames that pose as someone else."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from deliberation.usernames import impersonates_role, skeleton
from tests.data import PASSWORD
from tests.deliberation.account_helpers import signup_data, solved

pytestmark = pytest.mark.django_db
User = get_user_model()
REFUSED = "Zu viele falsche Passwörter"


def wrong_login(client, username, ip="10.0.0.1", url=None):
    return client.post(
        url or reverse("login"), {"username": username, "password": "falsch"}, REMOTE_ADDR=ip
    )


def test_the_sixth_wrong_password_within_a_minute_is_refused_even_the_right_one(client, citizen):
    for _ in range(5):
        assert REFUSED not in wrong_login(client, "anna").content.decode()
    assert REFUSED in wrong_login(client, "anna").content.decode()
    right = client.post(
        reverse("login"), {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert right.status_code == 200 and REFUSED in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_limit_counts_per_person_from_any_address(client, citizen):
    for number in range(5):
        wrong_login(client, "anna", ip=f"10.0.1.{number}")
    assert REFUSED in wrong_login(client, "anna", ip="10.0.1.99").content.decode()


def test_the_limit_counts_per_address_over_any_names(client, citizen, other_citizen):
    for name in ("anna", "bernd", "carla", "dora", "emil"):
        wrong_login(client, name, ip="10.0.2.1")
    refused = client.post(
        reverse("login"), {"username": "bernd", "password": PASSWORD}, REMOTE_ADDR="10.0.2.1"
    )
    assert REFUSED in refused.content.decode()
    other = client.post(
        reverse("login"), {"username": "bernd", "password": PASSWORD}, REMOTE_ADDR="10.0.2.2"
    )
    assert other.status_code == 302, "another address is not hit by that address's limit"


def test_the_admin_logs_in_through_the_limited_login(client, make_user):
    make_user("chefin", is_staff=True, is_superuser=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for _ in range(5):
        wrong_login(client, "chefin", url=response["Location"])
    assert REFUSED in wrong_login(client, "chefin", url=response["Location"]).content.decode()
    # Django's own admin form is not reachable around the limit.
    direct = client.post(
        "/admin/login/", {"username": "chefin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert direct.status_code == 302 and "_auth_user_id" not in client.session


def test_the_admin_opens_after_logging_in(client, make_user):
    make_user("chefin", is_staff=True, is_superuser=True)
    client.post(reverse("login"), {"username": "chefin", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200


def signup(client, **overrides):
    return client.post(reverse("signup"), signup_data(client, **overrides))


def test_signup_without_a_solved_challenge_is_refused(client):
    response = signup(client, altcha="")
    assert not User.objects.filter(username="clara").exists()
    assert "noch nicht fertig" in " ".join(response.context["form"].errors["altcha"])


def test_signup_with_a_forged_solution_is_refused(client):
    import base64
    import json

    forged = base64.b64encode(
        json.dumps(
            {
                "algorithm": "SHA-256",
                "challenge": "0" * 64,
                "number": 1,
                "salt": "x&",
                "signature": "0",
            }
        ).encode()
    ).decode()
    for value in (forged, "kein-base64", base64.b64encode(b"[1]").decode()):
        response = signup(client, altcha=value)
        assert response.status_code == 200
        assert "nicht gelungen" in " ".join(response.context["form"].errors["altcha"])
    assert not User.objects.exists()


def test_a_solution_counts_once(client):
    solution = solved(client, reverse("signup"))
    signup(client, altcha=solution, consent="")  # refused for the consent, solution spent
    response = signup(client, altcha=solution)
    assert "bereits verwendet" in " ".join(response.context["form"].errors["altcha"])
    assert not User.objects.filter(username="clara").exists()


def test_signup_with_the_honeypot_filled_is_refused(client):
    response = signup(client, homepage="https://spam.example")
    assert not User.objects.filter(username="clara").exists()
    assert "leer bleiben muss" in response.content.decode()


def test_the_signup_form_explains_the_bot_check_and_the_name_rule(client):
    html = client.get(reverse("signup")).content.decode()
    assert 'role="status"' in html and "js/altcha.js" in html
    assert "gleich aussehende Buchstaben" in html and "Moderation, Arbeitskreis" in html
    html = client.get("/en/accounts/signup/").content.decode()
    assert "letters from other alphabets that look alike" in html


def test_password_reset_needs_the_challenge_and_refuses_the_honeypot(client, citizen, mailoutbox):
    url = reverse("account_reset_password")
    response = client.post(url, {"email": "anna@example.org", "altcha": ""})
    assert response.status_code == 200 and "altcha" in response.context["form"].errors
    response = client.post(
        url,
        {"email": "anna@example.org", "altcha": solved(client, url), "homepage": "x"},
    )
    assert "homepage" in response.context["form"].errors
    assert mailoutbox == []


def test_reset_mails_to_one_address_are_limited(client, citizen, mailoutbox):
    url = reverse("account_reset_password")
    for _ in range(5):
        client.post(url, {"email": "anna@example.org", "altcha": solved(client, url)})
    assert len(mailoutbox) == 3, "three per address and hour"


@pytest.mark.parametrize(
    "name",
    [
        "аrbeitskreis",  # Cyrillic а
        "moderatіon",  # Cyrillic і
        "Moderation",
        "MODERATOR",
        "m0derat0r",
        "Admin",
        "admin_2",
        "Stadt",
        "stadtverwaltung",
        "Arbeitskreis-Mobilitaet",
    ],
)
def test_names_that_pose_as_a_role_are_refused(client, name):
    assert impersonates_role(name)
    response = signup(client, username=name)
    errors = " ".join(response.context["form"].errors["username"])
    assert "Rolle dieser Seite" in errors
    assert not User.objects.filter(username=name).exists()


@pytest.mark.parametrize("name", ["Anna", "ANNA", "аnna", "Ａｎｎａ", "anna"])
def test_names_confusable_with_an_existing_one_are_refused(client, citizen, name):
    response = signup(client, username=name)
    errors = " ".join(response.context["form"].errors["username"])
    assert "bereits vergeben" in errors or "sieht aus wie" in errors
    assert User.objects.filter(username__iexact="anna").count() == 1


@pytest.mark.parametrize("name", ["Stadtkind", "Badminton", "moderne_anna", "Akira", "paul1"])
def test_ordinary_names_stay_possible(name):
    assert not impersonates_role(name)


def test_skeleton_treats_look_alikes_as_one():
    assert skeleton("аrbeitskreis") == skeleton("Arbeitskreis")
    assert skeleton("moderatіon") == skeleton("Moderation")
    assert skeleton("pau1") == skeleton("paul")
    assert skeleton("ΑΝΝΑ") == skeleton("anna")  # Greek capitals
    assert skeleton("anna") != skeleton("anne")


def test_confirm_email_for_an_unknown_user_says_so(shell):
    shell("de")
    with pytest.raises(CommandError, match="Kein Konto mit dem Namen „niemand“"):
        call_command("confirm_email", "niemand")
    shell("en")
    with pytest.raises(CommandError, match="No user named “niemand”"):
        call_command("confirm_email", "niemand")


def test_confirm_email_without_an_address_says_what_to_do(shell):
    shell("en")
    User.objects.create_user("ohne", email="")
    with pytest.raises(CommandError, match="has no e-mail address"):
        call_command("confirm_email", "ohne")
