"""The comment box offers published comments alike to what one types, to support instead."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from comments import services
from comments.models import CommentStatus, CommentSupport

ALIKE = "Der Radweg an der Hauptstraße ist zu schmal und gefährlich für Kinder."


def test_typing_offers_an_alike_comment_and_it_is_supported_by_keyboard(
    draft, paragraph, citizen, other_citizen, open_page
):
    key = str(paragraph.key)
    alike = services.comment_create(user=other_citizen, paragraph=paragraph, body=ALIKE)
    pending = services.comment_create(
        user=other_citizen, paragraph=paragraph, body=ALIKE.replace("Kinder", "Kinder!")
    )
    pending.status = CommentStatus.PENDING
    pending.save(update_fields=["status"])
    page = open_page(citizen, f"/drafts/{draft.slug}/?thread={key}#p-{key}", bypass_csp=True)
    page.wait_for_selector("#live-status:not([hidden])")
    box = page.locator(f"#thread-{key} form[data-comment-form] textarea").first
    box.press_sequentially("Die Radwege an der Hauptstraße sind viel zu schmal", delay=20)
    offered = page.locator(f"#thread-{key} [data-alike-list] li")
    expect(offered).to_have_count(1)  # the published one; the pending copy never
    expect(offered.first).to_contain_text("zu schmal und gefährlich für Kinder")
    expect(offered.first).to_have_attribute("data-alike-comment", str(alike.pk))
    status = page.locator(f"#thread-{key} [data-alike-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("Veröffentlichte Kommentare, die Ihrem ähneln: 1")
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    button = offered.first.get_by_role("button", name="Unterstützen")
    button.focus()
    page.keyboard.press("Enter")
    expect(offered.first.get_by_role("button")).to_have_attribute("aria-pressed", "true")
    expect(offered.first).to_contain_text("Unterstützungen: 1")
    expect(status).to_have_text("Sie unterstützen diesen Kommentar.")
    assert CommentSupport.objects.filter(comment=alike, user=citizen).exists()


def test_a_comment_one_supports_already_is_offered_pressed(
    draft, paragraph, citizen, other_citizen, open_page
):
    key = str(paragraph.key)
    alike = services.comment_create(user=other_citizen, paragraph=paragraph, body=ALIKE)
    services.comment_support(user=citizen, comment=alike, on=True)
    page = open_page(citizen, f"/drafts/{draft.slug}/?thread={key}#p-{key}", bypass_csp=True)
    page.wait_for_selector("#live-status:not([hidden])")
    box = page.locator(f"#thread-{key} form[data-comment-form] textarea").first
    box.press_sequentially("Die Radwege an der Hauptstraße sind viel zu schmal", delay=20)
    offered = page.locator(f"#thread-{key} [data-alike-list] li")
    expect(offered).to_have_count(1)
    button = offered.first.get_by_role("button")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).not_to_have_text("Unterstützen")
