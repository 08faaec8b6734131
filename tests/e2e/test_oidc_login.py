"""Log-in through the city's identity provider, against a real one: a second Django project
(tests/oidc_provider, django-oidc-provider with an RS256 key) on its own port, the platform in
Daphne configured by the OIDC_* variables, the whole way in Chromium.

Login button → the provider's log-in → consent → back → pseudonym → logged in → a comment; the
real name the provider hands over appears nowhere; logging out ends the provider's session too.
"""

import contextlib
import os
import subprocess
import sys

import pytest
from allauth.socialaccount.models import SocialAccount
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.browsing import thread, wait_live, write
from tests.servers import ROOT, daphne, free_port, wait_listening

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RESIDENT, RESIDENT_PASSWORD = "erika", "Servicekonto-2026!"
CLIENT_ID, CLIENT_SECRET = "beteiligung", "ein-geheimnis-nur-fuer-den-test"
PROVIDER_NAME = "Servicekonto Musterstadt"


@contextlib.contextmanager
def identity_provider(tmp_path, platform: str):
    """Prepare and run the test provider on localhost (the platform runs on 127.0.0.1: another
    host, so the two never share cookies); yield its issuer address; stop it."""
    port = free_port()
    env = {**os.environ, "OIDC_TEST_PROVIDER_DB": str(tmp_path / "provider.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = [sys.executable, "-m", "tests.oidc_provider"]
    prepare = [*run, "prepare", platform, CLIENT_ID, CLIENT_SECRET, RESIDENT, RESIDENT_PASSWORD]
    subprocess.run(prepare, cwd=ROOT, env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [*run, "serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_listening(process, f"localhost:{port}")
        yield f"http://localhost:{port}/openid"
    finally:
        process.terminate()
        process.wait(10)


@contextlib.contextmanager
def platform_with_provider(tmp_path):
    """The test provider and the platform configured for it; yield (platform URL, issuer)."""
    port = free_port()
    platform = f"http://127.0.0.1:{port}"
    with (
        identity_provider(tmp_path, platform) as issuer,
        daphne(
            ports=[port],
            OIDC_PROVIDER_NAME=PROVIDER_NAME,
            OIDC_SERVER_URL=issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
        ),
    ):
        yield platform, issuer


def log_in_at_the_provider(page) -> None:
    """On the provider's log-in page: the resident's password, then consent."""
    expect(page.get_by_role("heading", name="Servicekonto der Stadt: Anmeldung")).to_be_visible()
    page.fill("#id_username", RESIDENT)
    page.fill("#id_password", RESIDENT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Request for Permission")).to_be_visible()
    page.get_by_role("button", name="Authorize").click()


def test_a_resident_logs_in_through_the_city_chooses_a_pseudonym_and_comments(
    draft, paragraph, browser, tmp_path
):
    with platform_with_provider(tmp_path) as (platform, issuer):
        context = browser.new_context(locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{platform}/accounts/login/?next=/drafts/{draft.slug}/")
        page.get_by_role("button", name=f"Mit {PROVIDER_NAME} anmelden").click()

        # At the provider: its own log-in, then its consent page.
        expect(
            page.get_by_role("heading", name="Servicekonto der Stadt: Anmeldung")
        ).to_be_visible()
        assert page.url.startswith(issuer.removesuffix("/openid"))
        page.fill("#id_username", RESIDENT)
        page.fill("#id_password", RESIDENT_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_role("heading", name="Request for Permission")).to_be_visible()
        page.get_by_role("button", name="Authorize").click()

        # Back here: the pseudonym, with nothing of the real name suggested.
        expect(page.get_by_role("heading", name="Wählen Sie Ihr Pseudonym")).to_be_visible()
        assert page.url.startswith(platform)
        pseudonym = page.get_by_label("Pseudonym")
        expect(pseudonym).to_have_value("")
        for real in ("Erika", "Mustermann", RESIDENT):
            expect(page.locator("main")).not_to_contain_text(real)
        # The same rules as on sign-up: no name that poses as a role.
        pseudonym.fill("moderation")
        page.get_by_label("Ich habe den").check()
        page.get_by_role("button", name="Konto anlegen").click()
        expect(page.locator(".field-errors")).to_contain_text("Rolle")
        page.get_by_label("Pseudonym").fill("Radlerin_7")
        page.get_by_role("button", name="Konto anlegen").click()

        # Logged in, on the draft it started from; write a comment.
        expect(page.locator(".site-user__name")).to_have_text("Radlerin_7")
        assert f"/drafts/{draft.slug}/" in page.url
        wait_live(page)
        key = str(paragraph.key)
        thread(page, key)
        write(page, key, "Über die Stadt angemeldet und gleich mitgeredet")
        mine = page.locator(f"#thread-{key} .comment", has_text="gleich mitgeredet")
        expect(mine).to_contain_text("Radlerin_7")
        comment = Comment.objects.get(body="Über die Stadt angemeldet und gleich mitgeredet")
        assert (comment.author.username, comment.status) == ("Radlerin_7", "published")

        # The real name is nowhere: not on the page, not in the account, not in allauth's data.
        user = get_user_model().objects.get(username="Radlerin_7")
        assert (user.first_name, user.last_name, user.has_usable_password()) == ("", "", False)
        login = SocialAccount.objects.get(user=user)
        assert login.provider == "city"
        assert "Mustermann" not in str(login.extra_data) and "Erika" not in str(login.extra_data)
        expect(page.locator("body")).not_to_contain_text("Mustermann")

        # Logging out ends both sessions: by way of the provider's end-session endpoint back
        # here logged out, and the provider asks for the password again.
        visited = []
        page.on("request", lambda request: visited.append(request.url))
        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url(f"{platform}/")
        expect(page.get_by_role("link", name="Anmelden").first).to_be_visible()
        assert any(url.startswith(f"{issuer}/end-session") for url in visited), visited
        page.goto(f"{platform}/accounts/login/")
        page.get_by_role("button", name=f"Mit {PROVIDER_NAME} anmelden").click()
        expect(
            page.get_by_role("heading", name="Servicekonto der Stadt: Anmeldung")
        ).to_be_visible()
        context.close()


def test_the_city_log_in_and_the_pseudonym_form_pass_axe(draft, browser, tmp_path):
    """No serious or critical axe-core violations on the log-in page with the city's button and
    on the pseudonym form (axe needs its script injected: the page's CSP is bypassed here; the
    test above runs with it)."""
    axe, failures = Axe(), []

    def check(page, what):
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                failures.append(f"{what}: {violation['id']}: {violation['help']}")

    with platform_with_provider(tmp_path) as (platform, _issuer):
        context = browser.new_context(locale="de-DE", bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{platform}/accounts/login/")
        check(page, "log-in")
        page.get_by_role("button", name=f"Mit {PROVIDER_NAME} anmelden").click()
        log_in_at_the_provider(page)
        expect(page.get_by_role("heading", name="Wählen Sie Ihr Pseudonym")).to_be_visible()
        check(page, "pseudonym")
        page.get_by_role("button", name="Konto anlegen").click()  # empty: errors shown
        expect(page.locator(".field-errors").first).to_be_visible()
        check(page, "pseudonym with errors")
        context.close()
    assert not failures, "\n".join(failures)
