"""The notification pages and "Meine Beiträge" in a real browser, German and English: axe-core
finds no serious or critical violation, with real notifications (a reply, an answer with its
word diff) on them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation

from comments.feedback import services as answers
from comments.services import comment_create
from deliberation.notifications.mail import unsubscribe_token
from drafts.services import draft_publish_version
from tests.data import DRAFT_TEXT
from tests.e2e.browsing import logged_in_context

pytestmark = pytest.mark.e2e


@pytest.fixture
def told(make_draft, citizen, other_citizen, wg):
    draft = make_draft(slug="leitlinien")
    paragraph = draft.paragraphs.exclude(kind="heading").order_by("position").first()
    comment = comment_create(user=citizen, paragraph=paragraph, body="Bitte die Umwelt nennen.")
    comment_create(user=other_citizen, paragraph=paragraph, body="Und Bäume!", parent=comment)
    new = DRAFT_TEXT.replace("für ihr Viertel", "für ihr Viertel und die Umwelt")
    draft_publish_version(draft=draft, text=new, message="Umwelt ergänzt", user=wg)
    answers.answer_save(
        user=wg, comment=comment, disposition="adopted", reply="Ergänzt.", version=2, publish=True
    )
    return citizen


@pytest.mark.parametrize("language", ["de", "en"])
def test_notification_pages_have_no_serious_violations(told, language, server, browser):
    with translation.override(language):
        paths = [
            reverse("notifications"),
            reverse("notification_settings"),
            reverse("my_contributions"),
            reverse(
                "notifications_unsubscribe", args=[unsubscribe_token(user_id=told.pk, topic="*")]
            ),
        ]
    context = logged_in_context(browser, server, told, bypass_csp=True)
    axe, failures = Axe(), []
    for path in paths:
        page = context.new_page()
        response = page.goto(server + path)
        assert response.status == 200, path
        html = page.content()
        if path == paths[0]:
            assert "<ins>" in html  # the answer's word diff is on the list
        violations = axe.run(page).response["violations"]
        failures += [
            f"{path} [{v['impact']}] {v['id']}: {v['help']} {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        page.close()
    context.close()
    assert not failures, "\n".join(failures)
