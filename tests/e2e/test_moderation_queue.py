"""The live moderation queue in a real browser: what happened while it was offline shows up."""

from playwright.sync_api import expect

from comments import services


def test_queue_reads_again_after_a_reconnect(pre_draft, citizen, moderator, open_page):
    """A comment written while the queue's socket was down appears once it is back."""
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    sockets = []

    def through(route):
        route.connect_to_server()
        sockets.append(route)

    queue = open_page(moderator)
    queue.route_web_socket("**/ws/moderation/", through)
    queue.goto(queue.url.rstrip("/") + "/moderation/")
    expect(queue.locator("#moderation-live")).to_be_visible()
    expect(queue.locator("#bulk-form")).to_be_hidden()
    sockets[-1].close(code=1001)
    expect(queue.locator("#moderation-live")).to_contain_text("Verbindung unterbrochen")
    services.comment_create(
        user=citizen, paragraph=paragraph, body="Geschrieben, als niemand zuhörte"
    )
    item = queue.locator(".queue-item", has_text="Geschrieben, als niemand zuhörte")
    expect(item).to_be_visible(timeout=15_000)
    expect(queue.locator("#moderation-live")).not_to_contain_text("Verbindung unterbrochen")
    expect(queue.locator("#bulk-form")).to_be_visible()
    assert len(sockets) == 2
    item.get_by_role("button", name="Freigeben").click()
    expect(item).to_have_count(0)
    expect(queue.locator("#bulk-form")).to_be_hidden()
