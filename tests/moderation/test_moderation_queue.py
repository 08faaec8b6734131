"""The moderators' queue holds pending comments and comments with open reports, nothing else."""

import re

import pytest

from comments import services
from comments.moderation import services as moderation
from comments.moderation.selectors import moderation_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporters(make_user):
    return [make_user(f"melder{i}") for i in range(4)]


def queue_ids(html: str, queue: str) -> list[int]:
    """The item ids of one queue section ("pending" or "reported") of the page, in order."""
    section = html.split(f'data-queue="{queue}"', 1)[1].split("</section>", 1)[0]
    return [int(pk) for pk in re.findall(r'data-item="(\d+)"', section)]


def test_queue_holds_pending_and_open_reports_and_nothing_else(
    client, draft, paragraph, pre_draft, citizen, moderator, reporters
):
    pre_paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    pending = services.comment_create(user=citizen, paragraph=pre_paragraph, body="wartet")
    plain = services.comment_create(user=citizen, paragraph=paragraph, body="niemand meldet")
    reported = services.comment_create(user=citizen, paragraph=paragraph, body="gemeldet")
    dismissed = services.comment_create(user=citizen, paragraph=paragraph, body="zu Unrecht")
    withdrawn = services.comment_create(user=citizen, paragraph=paragraph, body="zurückgezogen")
    hidden = services.comment_create(user=citizen, paragraph=paragraph, body="entfernt")
    for comment in (reported, dismissed, withdrawn, hidden):
        moderation.flag_create(user=reporters[0], comment=comment, reason="spam")
    moderation.reports_dismiss(moderator=moderator, comment=dismissed)
    moderation.comment_hide(moderator=moderator, comment=hidden, reason="spam")
    services.comment_delete(user=citizen, comment=withdrawn)
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert queue_ids(html, "pending") == [pending.pk]
    assert queue_ids(html, "reported") == [reported.pk]
    assert html.count(f'id="m-{pending.pk}"') == 1, "a pending comment appears once"
    assert "zurückgezogen" not in html and "niemand meldet" not in html
    # The live fragment follows the same rule: nothing outside the queue is inserted.
    for comment in (plain, dismissed, withdrawn, hidden):
        assert client.get(f"/moderation/items/{comment.pk}/").status_code == 404
    for comment in (pending, reported):
        assert client.get(f"/moderation/items/{comment.pk}/").status_code == 200


def test_filtering_by_reason_keeps_the_counts(draft, paragraph, citizen, reporters):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="grob und Werbung")
    for reporter, reason in zip(reporters, ["insult", "insult", "spam"], strict=False):
        moderation.flag_create(user=reporter, comment=comment, reason=reason)
    other = services.comment_create(user=citizen, paragraph=paragraph, body="nur Werbung")
    moderation.flag_create(user=reporters[3], comment=other, reason="spam")
    assert [(c.pk, c.reports) for c in moderation_queue()["reported"]] == [
        (comment.pk, 3),
        (other.pk, 1),
    ]
    assert [(c.pk, c.reports) for c in moderation_queue(reason="insult")["reported"]] == [
        (comment.pk, 3)
    ]
    assert [(c.pk, c.reports) for c in moderation_queue(reason="spam")["reported"]] == [
        (comment.pk, 3),
        (other.pk, 1),
    ]


def test_draft_filter_shows_one_drafts_queue(
    client, make_draft, citizen, moderator, reporters, settings
):
    settings.AUTO_HIDE_REPORTS = 99
    drafts = [make_draft(slug=slug, moderation="pre") for slug in ("erster", "zweiter")]
    mine = {}
    for draft in drafts:
        paragraph = draft.paragraphs.exclude(kind="heading").first()
        waiting = services.comment_create(user=citizen, paragraph=paragraph, body="wartet")
        shown = services.comment_create(user=citizen, paragraph=paragraph, body="öffentlich")
        moderation.comment_release(moderator=moderator, comment=shown)
        shown.refresh_from_db()
        moderation.flag_create(user=reporters[0], comment=shown, reason="spam")
        mine[draft.slug] = (waiting.pk, shown.pk)
    client.force_login(moderator)
    for slug, (waiting, shown) in mine.items():
        html = client.get(f"/moderation/?draft={slug}").content.decode()
        assert queue_ids(html, "pending") == [waiting]
        assert queue_ids(html, "reported") == [shown]
    html = client.get("/moderation/").content.decode()
    assert sorted(queue_ids(html, "pending")) == sorted(w for w, _ in mine.values())


def test_bulk_release_shows_only_when_something_waits(client, pre_draft, citizen, moderator):
    client.force_login(moderator)
    empty = client.get("/moderation/").content.decode()
    assert re.search(r'<form[^>]*id="bulk-form"[^>]*\bhidden\b', empty)
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    services.comment_create(user=citizen, paragraph=paragraph, body="wartet")
    waiting = client.get("/moderation/").content.decode()
    form = re.search(r'<form[^>]*id="bulk-form"[^>]*>', waiting).group(0)
    assert "hidden" not in form and "Alle ausgewählten freigeben" in waiting
