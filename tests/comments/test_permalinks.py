"""One address per comment (Comment.get_absolute_url) on every page that links to one.

The moderation queue, its log, its notifications and the own-comment forms linked a comment
by the paragraph it was written on; a paragraph a later version rewrote is archived, so its
thread did not open and the comment was not on the page the link led to.
"""

import pytest

from comments import services
from comments.moderation import services as moderation
from drafts.services import draft_publish_version
from tests.data import DRAFT_TEXT

pytestmark = pytest.mark.django_db

OLD = "Alle Informationen werden rechtzeitig, vollständig und verständlich veröffentlicht."
NEW = "Kinder und Jugendliche erhalten eigene Formate mit einfacher Sprache im Quartier."


@pytest.fixture
def carried(draft, citizen, wg):
    """A comment whose paragraph the next version rewrote: it is shown on the successor."""
    paragraph = draft.paragraphs.get(archived=False, text=OLD)
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Bitte früher.")
    draft_publish_version(draft=draft, text=DRAFT_TEXT.replace(OLD, NEW), message="neu", user=wg)
    paragraph.refresh_from_db()
    comment.refresh_from_db()
    assert paragraph.archived and paragraph.current_id != paragraph.key
    return comment, str(paragraph.current_id)


def test_a_carried_comment_links_to_the_thread_that_shows_it(client, draft, carried):
    comment, successor = carried
    url = comment.get_absolute_url()
    assert url == f"/drafts/{draft.slug}/?thread={successor}#c-{comment.pk}"
    page = client.get(url).content.decode()
    assert f'id="c-{comment.pk}"' in page  # the link lands where the comment is


def test_moderation_pages_use_the_comments_address(
    client, draft, carried, moderator, other_citizen
):
    comment, successor = carried
    moderation.flag_create(user=other_citizen, comment=comment, reason="spam")
    client.force_login(moderator)
    link = f'href="/drafts/{draft.slug}/?thread={successor}#c-{comment.pk}"'
    assert link in client.get("/moderation/").content.decode()
    moderation.comment_hide(moderator=moderator, comment=comment, reason="spam")
    assert link.replace("&", "&amp;") in client.get("/moderation/log/").content.decode()


def test_a_comment_on_a_removed_paragraph_links_to_its_place_without_a_thread(draft, citizen, wg):
    paragraph = draft.paragraphs.get(archived=False, text=OLD)
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Weg damit?")
    draft_publish_version(draft=draft, text=DRAFT_TEXT.replace(OLD, ""), message="weg", user=wg)
    comment.refresh_from_db()
    assert comment.get_absolute_url() == f"/drafts/{draft.slug}/#c-{comment.pk}"


@pytest.mark.parametrize("bad", ["kaputt", "1", "not-a-uuid-at-all"])
def test_a_paragraph_key_that_is_no_uuid_is_unknown_everywhere(client, draft, citizen, bad):
    client.force_login(citizen)
    slug = draft.slug
    assert client.get(f"/drafts/{slug}/p/{bad}/thread/").status_code == 404
    assert client.post(f"/drafts/{slug}/p/{bad}/vote/", {"choice": "agree"}).status_code == 404
    assert client.get(f"/api/drafts/{slug}/comments/?paragraph={bad}").status_code == 404
    assert client.get(f"/drafts/{slug}/?thread={bad}").status_code == 200  # no thread opens
