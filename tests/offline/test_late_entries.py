"""Offline contributions on a closed draft: only with the explicit "late entry" mark, shown everywhere."""

import json

import pytest

from comments.models import Comment
from comments.offline.services import ContributionRefused
from drafts.services import draft_close
from tests.offline.helpers import form_data, new_url, text_paragraphs

pytestmark = pytest.mark.django_db


def test_a_closed_drafts_record_takes_offline_entries_only_marked_late(
    draft, paragraph, contribute
):
    draft_close(draft=draft)
    with pytest.raises(ContributionRefused) as info:
        contribute(paragraph=paragraph, body="Beim Workshop gesagt")
    assert "late_entry" in info.value.fields
    assert not Comment.objects.exists()
    comment = contribute(paragraph=paragraph, body="Beim Workshop gesagt", late_entry=True)
    assert comment.late_entry


def test_on_an_open_draft_nothing_is_late(draft, paragraph, contribute):
    assert not contribute(paragraph=paragraph, body="Gesagt", late_entry=True).late_entry


def test_the_entry_page_asks_for_the_mark_and_everything_shows_it(client, draft, wg, citizen):
    first = text_paragraphs(draft)[0]
    client.force_login(wg)
    assert 'name="late_entry"' not in client.get(new_url(draft)).content.decode()
    draft_close(draft=draft)
    assert 'name="late_entry"' in client.get(new_url(draft)).content.decode()
    data = form_data(draft, [(first, "Nachgereicht vom Workshop", "Tisch 4")])
    refused = client.post(new_url(draft), data)
    assert refused.status_code == 400 and "Nachtrag" in refused.content.decode()
    assert client.post(new_url(draft), {**data, "late_entry": "on"}).status_code == 302
    comment = Comment.objects.get()
    assert comment.late_entry
    # The thread, the room view, the answers page and the exports.
    page = client.get(f"/drafts/{draft.slug}/?thread={first.key}").content.decode()
    assert "nachträglich erfasst" in page
    room = client.get(f"/drafts/{draft.slug}/room/").content.decode()
    assert "nachträglich erfasst" in room
    assert "nachträglich erfasst" in client.get(f"/drafts/{draft.slug}/answers/").content.decode()
    csv_text = b"".join(client.get(f"/drafts/{draft.slug}/feedback.csv").streaming_content)
    header = csv_text.decode("utf-8-sig").splitlines()[0]
    assert "late_entry" in header or "Nachtrag" in header  # keys now, labels in German later
    json_text = b"".join(client.get(f"/drafts/{draft.slug}/feedback.json").streaming_content)
    assert [row["late_entry"] for row in json.loads(json_text)] == [True]
    api = client.get(f"/api/drafts/{draft.slug}/comments/").json()
    assert api[0]["late_entry"] is True
