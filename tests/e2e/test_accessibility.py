"""axe-core on every kind of page, in German and English: no serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model

from deliberation.demo.seed import DEMO_SLUG, seed
from tests.e2e.browsing import logged_in_context

PAGES = [
    ("/", None),
    (f"/drafts/{DEMO_SLUG}/", "buergerin"),
    (f"/drafts/{DEMO_SLUG}/?thread=FIRST_KEY", None),
    (f"/drafts/{DEMO_SLUG}/versions/", None),
    (f"/drafts/{DEMO_SLUG}/versions/1/diff/2/", None),
    ("/processes/leitlinien-buergerbeteiligung/", None),
    ("/moderation/", "moderation"),
    ("/moderation/log/", "moderation"),
    (f"/drafts/{DEMO_SLUG}/feedback/", "arbeitskreis"),
    (f"/drafts/{DEMO_SLUG}/answers/", "arbeitskreis"),
    (f"/drafts/{DEMO_SLUG}/answers/blocks/", "arbeitskreis"),
    (f"/drafts/{DEMO_SLUG}/feedback.docx?internal=1", "arbeitskreis"),  # → its build's page
    (f"/drafts/{DEMO_SLUG}/search/?q=Beteiligung", None),
    (f"/drafts/{DEMO_SLUG}/edit/", "arbeitskreis"),
    ("/accounts/login/", None),
    ("/accounts/signup/", None),
    ("/accounts/profile/", "buergerin"),
    ("/accounts/password/reset/", None),
    ("/accounts/password/change/", "buergerin"),
    ("/accounts/email/", "buergerin"),
    ("/accounts/logout/", "buergerin"),
    ("/accounts/confirm-email/", None),
    ("/spielregeln/", None),
]


@pytest.fixture
def demo(db):
    seed()
    from comments.models import Comment

    return str(Comment.objects.filter(status="published").first().paragraph.key)


@pytest.mark.parametrize("language", ["", "/en"])
def test_no_serious_or_critical_violations(demo, language, server, browser):
    users = {u.username: u for u in get_user_model().objects.all()}
    axe, failures = Axe(), []
    contexts = {}
    for path, username in PAGES:
        if username not in contexts:
            contexts[username] = logged_in_context(
                browser, server, users.get(username), bypass_csp=True
            )
        page = contexts[username].new_page()
        url = server + language + path.replace("FIRST_KEY", demo)
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        violations = axe.run(page).response["violations"]
        for violation in violations:
            line = f"{language + path} [{violation['impact']}] {violation['id']}: {violation['help']} ({len(violation['nodes'])}x) {violation['nodes'][0]['target']}"
            print(line)
            if violation["impact"] in ("serious", "critical"):
                failures.append(line)
        page.close()
    for context in contexts.values():
        context.close()
    assert not failures, "\n".join(failures)
