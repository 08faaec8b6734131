"""Screenshots for the README, made by a real browser from the demo data.

Not part of `make test` (it rewrites the tracked docs/screenshots/): `make screenshots`.
"""

import pytest
from django.contrib.auth import get_user_model

from deliberation.demo.seed import DEMO_SLUG, seed
from tests.e2e.browsing import logged_in_context, wait_live
from tests.servers import ROOT

SHOTS = ROOT / "docs" / "screenshots"


@pytest.mark.screenshots
def test_screenshots_of_the_main_pages(transactional_db, server, browser):
    seed()
    from comments import services
    from comments.models import Comment
    from drafts.models import Draft

    users = {u.username: u for u in get_user_model().objects.all()}
    draft = Draft.objects.get(slug=DEMO_SLUG)
    key = (
        Comment.objects.filter(status="published", draft=draft)
        .order_by("-pk")
        .first()
        .paragraph.key
    )
    paragraph = draft.paragraphs.get(key=key)
    services.comment_create(
        user=users["emil"],
        paragraph=paragraph,
        body="Eine Frage zur Umsetzung: Wer prüft, ob die Frist eingehalten wird?",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots = [
        (
            "draft-desktop.png",
            "buergerin",
            f"/drafts/{DEMO_SLUG}/?thread={key}#p-{key}",
            {"width": 1280, "height": 900},
        ),
        (
            "draft-phone.png",
            "buergerin",
            f"/drafts/{DEMO_SLUG}/?thread={key}#p-{key}",
            {"width": 375, "height": 812},
        ),
        ("moderation-queue.png", "moderation", "/moderation/", {"width": 1280, "height": 900}),
        (
            "feedback-summary.png",
            "arbeitskreis",
            f"/drafts/{DEMO_SLUG}/feedback/",
            {"width": 1280, "height": 900},
        ),
    ]
    for name, username, path, viewport in shots:
        context = logged_in_context(browser, server, users[username], viewport=viewport)
        page = context.new_page()
        assert page.goto(server + path).status == 200
        if path.startswith("/drafts/") and "?thread" in path:
            wait_live(page)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / name))
        assert (SHOTS / name).stat().st_size > 10_000
        context.close()
