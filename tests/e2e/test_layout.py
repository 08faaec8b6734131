"""Every kind of page on a 320 px phone: nothing scrolls sideways, and no id is used twice."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.browsing import logged_in_context, wait_live
from tests.e2e.pages import every_page, wide_demo

# What is wider than the viewport, and the document's own scroll width (WCAG 1.4.10 Reflow).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !el.closest('[hidden], .visually-hidden');
  });
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(-3).map((el) => el.outerHTML.slice(0, 100))};
}"""

DUPLICATE_IDS = """() => {
  const seen = {};
  for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.keys(seen).filter((id) => seen[id] > 1);
}"""


# Text boxes of every kind with the site's style (its 2 px border and padding, not the
# browser's 21 px box), and secondary buttons that look secondary (white), on <button> too.
UNSTYLED = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const boxes = document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit])' +
    ':not([type=button]):not([type=range]):not([type=color]), select, textarea');
  const bad = [...boxes].filter((el) => shown(el) && (
    parseFloat(getComputedStyle(el).borderTopWidth) < 2 || el.getBoundingClientRect().height < 30));
  const secondary = [...document.querySelectorAll('.button.button--secondary')].filter((el) =>
    shown(el) && getComputedStyle(el).backgroundColor !== 'rgb(255, 255, 255)');
  return [...bad, ...secondary].slice(0, 3).map((el) => el.outerHTML.slice(0, 100));
}"""


@pytest.fixture
def demo(transactional_db):
    return wide_demo()


def test_every_page_fits_320_px_has_unique_ids_and_styled_controls(demo, server, browser):
    users = {u.username: u for u in get_user_model().objects.all()}
    contexts, failures = {}, []
    for path, username in every_page(demo):
        if username not in contexts:
            contexts[username] = logged_in_context(
                browser, server, users.get(username), viewport={"width": 320, "height": 640}
            )
        page = contexts[username].new_page()
        response = page.goto(server + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        result = page.evaluate(OVERFLOW)
        if result["scroll"] > result["width"]:
            failures.append(f"{path} ({username}): {result}")
        duplicates = page.evaluate(DUPLICATE_IDS)
        if duplicates:
            failures.append(f"{path} ({username}): ids used twice: {duplicates}")
        unstyled = page.evaluate(UNSTYLED)
        if unstyled:
            failures.append(f"{path} ({username}): browser-styled controls: {unstyled}")
        page.close()
    for context in contexts.values():
        context.close()
    assert not failures, "\n".join(failures)


def test_open_threads_keep_ids_unique_and_labels_reach_their_own_field(demo, server, browser):
    """Opening several threads on the page must not repeat the comment form's ids."""
    from deliberation.demo.seed import DEMO_SLUG

    user = get_user_model().objects.get(username="buergerin")
    context = logged_in_context(browser, server, user)
    page = context.new_page()
    page.goto(f"{server}/drafts/{DEMO_SLUG}/")
    wait_live(page)
    for key in (demo.draft_key, demo.table_key):
        page.click(f'[data-paragraph="{key}"] a.thread-toggle')
        expect(page.locator(f"#thread-{key}")).to_be_visible()
    assert page.evaluate(DUPLICATE_IDS) == []
    second = page.locator(f"#thread-{demo.table_key} form.comment-form")
    # Each label of the second form reaches the field of that form (the passage, the comment).
    for field in ("quote", "body"):
        second.locator(f'label[for$="-{field}"]').click()
        expect(second.locator(f"[name={field}]")).to_be_focused()
    context.close()


# Words wider than their box: measured with mid-word breaking switched off, so a word that only
# fits by being cut ("Zustimmungsq|uote") counts; hyphenation by the page's lang is the remedy.
CUT_WORDS = """(selector) => [...document.querySelectorAll(selector)].flatMap((el) => {
  const style = el.style.cssText;
  el.style.overflowWrap = 'normal';
  el.style.hyphens = 'manual';
  const cut = el.scrollWidth > el.clientWidth ? [el.textContent.trim()] : [];
  el.style.cssText = style;
  return cut;
})"""


@pytest.mark.parametrize("width", [320, 375, 640, 1024, 1280])
def test_summary_boxes_never_cut_a_word(demo, server, browser, width):
    from deliberation.demo.seed import DEMO_SLUG
    from tests.e2e.pages import CLOSED_SLUG

    users = {u.username: u for u in get_user_model().objects.all()}
    context = logged_in_context(
        browser, server, users["arbeitskreis"], viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    cut = []
    for path in (f"/drafts/{DEMO_SLUG}/feedback/", f"/drafts/{CLOSED_SLUG}/results/"):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.lang") == "de"
        cut += page.evaluate(CUT_WORDS, ".figures dt, .figures dd")
    context.close()
    assert not cut, cut
