"""A person signs up in Chromium by keyboard alone: the browser solves the ALTCHA check (the
screen reader hears its status), the mail goes through a real SMTP server, what they wrote
meanwhile waits and appears live for other readers once they open the link."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from comments.models import Comment
from tests.data import PASSWORD
from tests.e2e.browsing import thread, wait_live
from tests.servers import daphne, smtp_server


def test_sign_up_by_keyboard_write_confirm_and_readers_see_it(browser, draft, paragraph):
    key = str(paragraph.key)
    with (
        smtp_server() as mail,
        daphne(**mail.settings()) as (address,),
    ):
        server = f"http://{address}"
        person = browser.new_context(locale="de-DE").new_page()
        person.set_default_timeout(10_000)
        person.goto(f"{server}/accounts/signup/?next=/drafts/{draft.slug}/")
        status = person.locator(".altcha__status")
        expect(status).to_have_attribute("role", "status")
        # Keyboard only: focus the first field, then type and Tab through the form.
        person.locator("#id_username").focus()
        for text in ("clara", "clara@example.org", PASSWORD, PASSWORD):
            person.keyboard.type(text)
            person.keyboard.press("Tab")
        expect(person.locator("#id_consent")).to_be_focused()
        person.keyboard.press("Space")
        person.keyboard.press("Tab")  # the privacy notice's link in the consent's label
        expect(person.get_by_role("link", name="Datenschutzhinweis")).to_be_focused()
        person.keyboard.press("Tab")  # the honeypot is skipped: not in the tab order
        expect(person.get_by_role("button", name="Konto anlegen")).to_be_focused()
        expect(status).to_contain_text("Prüfung erledigt")
        person.keyboard.press("Enter")
        expect(person).to_have_url(re.compile(rf"/drafts/{draft.slug}/$"))
        wait_live(person)

        # Before confirming: written, held, marked for the author, unseen by others.
        reader = browser.new_context(locale="de-DE").new_page()
        reader.goto(f"{server}/drafts/{draft.slug}/")
        wait_live(reader)
        thread(person, key)
        box = person.locator(f"#thread-{key} form[data-comment-form]").first
        box.locator("textarea").fill("Mein erster Beitrag")
        box.locator("button[type=submit]").press("Enter")
        mine = person.locator(f"#thread-{key} .comment", has_text="Mein erster Beitrag")
        expect(mine.locator(".badge--held")).to_have_text(
            "wartet auf Bestätigung Ihrer E-Mail-Adresse"
        )
        assert Comment.objects.get(body="Mein erster Beitrag").status == "held"

        [message] = mail.wait_for(1)
        assert message["To"] == "clara@example.org"
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.get_content())
        thread(reader, key)  # open before the confirmation: the comment must arrive live
        theirs = reader.locator(f"#thread-{key} .comment", has_text="Mein erster Beitrag")
        expect(theirs).to_have_count(0)
        person.goto(server + urlsplit(link.group(0)).path)
        confirm = person.get_by_role("button", name="Bestätigen")
        confirm.focus()
        person.keyboard.press("Enter")
        expect(person.locator(".messages")).to_contain_text("bestätigt")
        expect(theirs).to_have_count(1)
        assert Comment.objects.get(body="Mein erster Beitrag").status == "published"


def test_without_a_solved_check_the_sign_up_is_refused_and_says_why(open_page):
    page = open_page(path="/accounts/signup/", javascript=False)
    page.locator("#id_username").fill("bot")
    page.locator("#id_email").fill("bot@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Konto anlegen").press("Enter")
    expect(page.locator(".field--altcha .field-errors")).to_contain_text("noch nicht fertig")
    expect(page.locator(".altcha__noscript")).to_be_visible()
