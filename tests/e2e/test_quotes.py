"""Comments on a passage in a real browser: keyboard only, and on a phone with touch."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import wait_live

PASSAGE = "Engagement ihrer Bürgerinnen"


def tab_until(page, selector: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"{selector} was not reachable by Tab")


def marked(page, key):
    return page.locator(f'[data-paragraph="{key}"] .paragraph__text mark.quote-mark')


def test_keyboard_only_a_typed_passage_is_quoted_and_highlighted(
    draft, paragraph, citizen, open_page
):
    key = str(paragraph.key)
    page = open_page(citizen, f"/drafts/{draft.slug}/")
    wait_live(page)
    tab_until(page, f'[data-paragraph="{key}"] a.thread-toggle')
    page.keyboard.press("Enter")
    expect(page.locator(f"#thread-{key}")).to_be_visible()
    tab_until(page, "[data-quote-input]", limit=10)
    page.keyboard.type(PASSAGE)
    # While the field has focus, the typed passage is shown in the paragraph.
    expect(marked(page, key)).to_have_text(PASSAGE)
    tab_until(page, "textarea[name=body]", limit=5)
    page.keyboard.type("Genau diese Stelle")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    comment = page.locator(f"#thread-{key} .comment", has_text="Genau diese Stelle")
    expect(comment.locator(".comment__quote")).to_have_text(PASSAGE)
    tab_until(page, ".comment__quote-link", limit=30)
    expect(marked(page, key)).to_have_text(PASSAGE)
    page.keyboard.press("Shift+Tab")
    expect(marked(page, key)).to_have_count(0)


SELECT = """([key, passage]) => {
  const box = document.querySelector(`[data-paragraph="${key}"] .paragraph__text p`);
  const node = box.firstChild;
  const start = node.nodeValue.indexOf(passage);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + passage.length);
  document.getSelection().removeAllRanges();
  document.getSelection().addRange(range);
}"""


def test_phone_with_touch_a_selected_passage_is_quoted_and_highlighted(
    draft, paragraph, citizen, open_page
):
    key = str(paragraph.key)
    page = open_page(
        citizen,
        f"/drafts/{draft.slug}/",
        viewport={"width": 375, "height": 800},
        has_touch=True,
        is_mobile=True,
    )
    wait_live(page)
    # What a long press and the selection handles leave behind: a selection in the paragraph.
    page.evaluate(SELECT, [key, PASSAGE])
    page.tap(f'[data-paragraph="{key}"] a.thread-toggle')
    form = page.locator(f"#thread-{key} form[data-comment-form]")
    expect(form.locator("[data-quote-input]")).to_have_value(PASSAGE)
    form.locator("textarea[name=body]").tap()
    page.keyboard.type("Vom Handy")
    form.locator("button[type=submit]").tap()
    comment = page.locator(f"#thread-{key} .comment", has_text="Vom Handy")
    expect(comment.locator(".comment__quote")).to_have_text(PASSAGE)
    comment.locator(".comment__quote-link").tap()
    expect(marked(page, key)).to_have_text(PASSAGE)
    result = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert result[0] <= result[1]
