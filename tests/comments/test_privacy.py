"""What readers may see: published comments only, and never the author of a removed comment."""

import pytest
from django.utils import timezone

from comments import services
from comments.moderation import services as moderation
from comments.offline import services as offline
from comments.serializers import comment_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]


@pytest.fixture
def mixed(draft, paragraph, make_user, moderator):
    """One comment of every status on a post-moderated draft, each by its own author."""
    users = {name: make_user(name) for name in ("veroeffentlicht", "geloescht", "versteckt")}
    published = services.comment_create(
        user=users["veroeffentlicht"], paragraph=paragraph, body="Bleibt stehen"
    )
    deleted = services.comment_create(user=users["geloescht"], paragraph=paragraph, body="Weg")
    services.comment_create(
        user=users["veroeffentlicht"],
        paragraph=deleted.paragraph,
        parent=deleted,
        body="Antwort darauf",
    )
    services.comment_delete(user=users["geloescht"], comment=deleted)
    hidden = services.comment_create(
        user=users["versteckt"], paragraph=paragraph, body="Beleidigung"
    )
    moderation.comment_hide(moderator=moderator, comment=hidden, reason="insult")
    return {"published": published, "deleted": deleted, "hidden": hidden, "users": users}


def api(client, draft, query=""):
    response = client.get(f"/api/drafts/{draft.slug}/comments/{query}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ["anonymous", "citizen", "author"])
def test_the_api_gives_readers_published_comments_only(client, draft, mixed, citizen, role):
    if role == "citizen":
        client.force_login(citizen)
    elif role == "author":
        client.force_login(mixed["users"]["geloescht"])
    rows = api(client, draft).json()
    assert {r["status"] for r in rows} == {"published"}
    assert mixed["deleted"].pk not in {r["id"] for r in rows}
    assert mixed["hidden"].pk not in {r["id"] for r in rows}
    assert not {"geloescht", "versteckt"} & {r["author"] for r in rows}


def test_a_citizen_gets_their_own_pending_comment_and_no_one_elses(
    client, pre_draft, citizen, other_citizen
):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    mine = services.comment_create(user=citizen, paragraph=paragraph, body="Meiner")
    services.comment_create(user=other_citizen, paragraph=paragraph, body="Fremd")
    client.force_login(citizen)
    assert [r["id"] for r in api(client, pre_draft).json()] == [mine.pk]


def test_moderators_get_every_comment_but_no_author_of_a_removed_one(
    client, draft, mixed, moderator
):
    client.force_login(moderator)
    rows = {r["id"]: r for r in api(client, draft).json()}
    assert rows[mixed["published"].pk]["author"] == "veroeffentlicht"
    for removed in ("deleted", "hidden"):
        assert rows[mixed[removed].pk]["author"] is None, removed


def test_the_reading_page_keeps_the_placeholder_but_not_the_name(client, draft, mixed):
    page = client.get(f"/drafts/{draft.slug}/?thread={mixed['published'].paragraph.key}")
    html = page.content.decode()
    assert f'id="c-{mixed["deleted"].pk}"' in html, "kept: a reply hangs on it"
    assert f'id="c-{mixed["hidden"].pk}"' in html
    assert "veroeffentlicht" in html
    assert "geloescht" not in html and "versteckt" not in html
    fragment = client.get(
        f"/drafts/{draft.slug}/p/{mixed['published'].paragraph.key}/thread/"
    ).content.decode()
    assert "geloescht" not in fragment and "versteckt" not in fragment


def test_an_offline_contribution_removed_by_moderation_loses_its_pseudonym(
    draft, paragraph, wg, moderator
):
    [contribution] = offline.offline_contributions_create_bulk(
        user=wg,
        draft=paragraph.draft,
        rows=[(str(paragraph.key), "Aus dem Workshop", "Frau K.")],
        channel="workshop",
        contributed_on=timezone.localdate(),
        place="Rathaus",
        session=None,
    )
    assert comment_payload(contribution)["pseudonym"] == "Frau K."
    moderation.comment_hide(moderator=moderator, comment=contribution, reason="insult")
    contribution.refresh_from_db()
    payload = comment_payload(contribution, reveal=True)
    assert payload["author"] is None and payload["pseudonym"] == ""


def test_public_figures_count_no_author_of_an_unpublished_comment(
    pre_draft, citizen, other_citizen, make_user, moderator
):
    from comments.feedback import selectors as feedback_selectors

    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    kept = services.comment_create(user=citizen, paragraph=paragraph, body="Freigegeben")
    moderation.comment_release(moderator=moderator, comment=kept)
    refused = services.comment_create(user=other_citizen, paragraph=paragraph, body="Spam")
    moderation.comment_reject(moderator=moderator, comment=refused, reason="spam")
    services.comment_create(user=make_user("carla"), paragraph=paragraph, body="Wartet")
    index = feedback_selectors.paragraph_index(draft=pre_draft)
    public = feedback_selectors.feedback_figures(draft=pre_draft, index=index, public=True)
    assert (public.authors, public.participants) == (1, 1)
    assert (public.total.rejected, public.total.pending, public.total.authors) == (0, 0, 1)
    internal = feedback_selectors.feedback_figures(draft=pre_draft, index=index)
    assert (internal.authors, internal.total.rejected, internal.total.pending) == (3, 1, 1)


def test_internal_pages_say_so_and_the_table_for_publication_has_published_answers_only(
    client, draft, paragraph, citizen, wg
):
    from comments.feedback import services as answers

    answered = services.comment_create(user=citizen, paragraph=paragraph, body="Beantwortet")
    answers.answer_save(
        user=wg, comment=answered, disposition="adopted", reply="Öffentlich", publish=True
    )
    drafted = services.comment_create(user=citizen, paragraph=paragraph, body="In Arbeit")
    answers.answer_save(user=wg, comment=drafted, disposition="noted", reply="Nur intern")
    client.force_login(wg)
    for url in ("feedback/", "answers/", "answers/table/"):
        html = client.get(f"/drafts/{draft.slug}/{url}").content.decode()
        assert "data-internal" in html and "<strong>Intern</strong>" in html, url
    table = client.get(f"/drafts/{draft.slug}/answers/table/").content.decode()
    assert "Nur intern" in table, "the internal table shows the answers being drafted"
    public = client.get(f"/drafts/{draft.slug}/answers/table/?answers=published").content.decode()
    assert "data-internal" not in public and "data-publication" in public
    assert "Öffentlich" in public and "Nur intern" not in public
    assert "In Arbeit" in public and "Antwort steht noch aus" in public, "its answer is pending"


def test_resume_replays_no_author_or_text_of_a_removed_comment(draft, paragraph, mixed):
    """The event log keeps `comment.created` for a day: a removal scrubs it there too."""
    from deliberation import events

    texts = events.events_since(events.stream_name(draft), 0)
    assert texts is not None and any("Bleibt stehen" in text for text in texts)
    replay = "\n".join(texts)
    for gone in ("geloescht", "versteckt", "Weg", "Beleidigung"):
        assert gone not in replay, gone
    assert '"author":"veroeffentlicht"' in replay
