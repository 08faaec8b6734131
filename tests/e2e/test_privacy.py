"""A comment removed while a page is open stops naming its author there, as after a reload."""

from playwright.sync_api import expect

from comments import services
from tests.e2e.browsing import wait_live

POST = """async ([url, fields]) => {
  const body = new FormData();
  body.append("csrfmiddlewaretoken", document.querySelector("[name=csrfmiddlewaretoken]").value);
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return (await fetch(url, {method: "POST", body})).status;
}"""


def test_a_removed_comment_loses_its_authors_name_on_open_pages(
    draft, paragraph, citizen, moderator, open_page
):
    key = str(paragraph.key)
    deleted = services.comment_create(user=citizen, paragraph=paragraph, body="Ziehe ich zurück")
    hidden = services.comment_create(user=citizen, paragraph=paragraph, body="Wird entfernt")
    reader = open_page(None, f"/drafts/{draft.slug}/?thread={key}")
    wait_live(reader)
    for comment in (deleted, hidden):
        expect(reader.locator(f"#c-{comment.pk} [data-author]")).to_have_text("anna")
    # The author withdraws one, a moderator removes the other (as their forms would send it).
    author = open_page(citizen, f"/drafts/{draft.slug}/?thread={key}")
    url = f"/drafts/{draft.slug}/comments/{deleted.pk}/delete/"
    assert author.evaluate(POST, [url, {"confirm": "yes"}]) in (200, 302)
    mod = open_page(moderator, f"/drafts/{draft.slug}/?thread={key}")
    url = f"/moderation/items/{hidden.pk}/decide/"
    assert mod.evaluate(POST, [url, {"action": "hide", "reason": "spam"}]) in (200, 302)
    for comment in (deleted, hidden):
        expect(reader.locator(f"#c-{comment.pk} .comment__removed")).to_be_visible()
        expect(reader.locator(f"#c-{comment.pk} [data-author]")).to_have_text("")
