"""Live updates speak the reader's language, whatever language their writer worked in."""

from playwright.sync_api import expect

from tests.e2e.browsing import wait_live


def test_an_answer_published_on_a_german_page_appears_in_english_for_an_english_reader(
    draft, paragraph, citizen, wg, open_page
):
    from comments import services

    key = str(paragraph.key)
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="More benches")
    reader = open_page(None, f"/en/drafts/{draft.slug}/?thread={key}")
    wait_live(reader)
    editor = open_page(wg, f"/drafts/{draft.slug}/answers/")  # German
    form = editor.locator(f'form[action*="/answers/{comment.pk}/"]')
    form.locator("select[name=disposition]").select_option("adopted")
    form.locator("select[name=version]").select_option("1")
    form.locator("textarea[name=reply]").fill("Taken up.")
    form.get_by_role("button", name="Speichern und veröffentlichen").click()
    answer = reader.locator(f"#c-{comment.pk} [data-answer]")
    expect(answer.locator("h4")).to_have_text("Answer of the working group")
    expect(answer.locator(".badge")).to_have_text("adopted")
    expect(answer.locator("a")).to_have_text("taken up in version 1")
