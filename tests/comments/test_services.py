"""Comments, replies, votes and supports: rules, precise refusals, exact counts, events after COMMIT."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from comments import services
from comments.models import Comment, CommentStatus, CommentSupport, ParagraphTally, ParagraphVote
from comments.selectors import paragraph_threads, visible_comments
from deliberation.errors import ActionRefused
from deliberation.models import Event
from drafts.services import draft_close, draft_publish_version
from tests.data import DRAFT_TEXT

pytestmark = pytest.mark.django_db


def refused(code, function, **kwargs):
    with pytest.raises(ActionRefused) as info:
        function(**kwargs)
    assert info.value.code == code, info.value.message
    return info.value.message


def fresh_counts(paragraph):
    votes = ParagraphVote.objects.filter(paragraph=paragraph)
    return {
        "agree": votes.filter(choice="agree").count(),
        "disagree": votes.filter(choice="disagree").count(),
        "neutral": votes.filter(choice="neutral").count(),
        "comments": Comment.objects.filter(paragraph=paragraph, status="published").count(),
    }


def tally(paragraph):
    row = ParagraphTally.objects.filter(paragraph=paragraph).first()
    return (
        {
            "agree": row.agree,
            "disagree": row.disagree,
            "neutral": row.neutral,
            "comments": row.comments,
        }
        if row
        else None
    )


def test_comment_records_the_version_and_renders_safe_html(paragraph, citizen, draft):
    comment = services.comment_create(
        user=citizen, paragraph=paragraph, body="Gut so!\n\nSiehe https://example.org *wichtig*"
    )
    assert comment.version == draft.version == 1
    assert comment.status == CommentStatus.PUBLISHED
    assert '<a href="https://example.org" rel="nofollow ugc noopener">' in comment.body_html
    assert "<em>wichtig</em>" in comment.body_html
    assert comment.body_html.count("<p>") == 2
    assert (
        tally(paragraph)
        == fresh_counts(paragraph)
        == {"agree": 0, "disagree": 0, "neutral": 0, "comments": 1}
    )


def test_control_characters_are_removed_and_text_trimmed(paragraph, citizen):
    comment = services.comment_create(
        user=citizen, paragraph=paragraph, body="  Hallo\x00\x07 Welt\u202e  \n "
    )
    assert comment.body == "Hallo Welt"


@pytest.mark.parametrize(
    ("body", "message"), [("", "leer|empty"), ("   \n\t ", "leer|empty"), ("x" * 5001, "5001")]
)
def test_bad_comment_text_is_refused(paragraph, citizen, body, message):
    import re

    text = refused("invalid", services.comment_create, user=citizen, paragraph=paragraph, body=body)
    assert re.search(message, text)
    assert not Comment.objects.exists() and tally(paragraph) is None


def test_exactly_5000_characters_are_fine(paragraph, citizen):
    assert (
        len(services.comment_create(user=citizen, paragraph=paragraph, body="x" * 5000).body)
        == 5000
    )


def test_anonymous_cannot_write(paragraph):
    from django.contrib.auth.models import AnonymousUser

    refused(
        "not_authenticated",
        services.comment_create,
        user=AnonymousUser(),
        paragraph=paragraph,
        body="Hallo",
    )
    refused(
        "not_authenticated",
        services.vote_cast,
        user=AnonymousUser(),
        paragraph=paragraph,
        choice="agree",
    )


def test_closed_draft_refuses_writes_but_not_reads(paragraph, citizen, draft, client):
    services.comment_create(user=citizen, paragraph=paragraph, body="Vorher")
    draft_close(draft=draft)
    paragraph.draft.refresh_from_db()
    message = refused(
        "closed", services.comment_create, user=citizen, paragraph=paragraph, body="Hallo"
    )
    assert "beendet" in message
    refused("closed", services.vote_cast, user=citizen, paragraph=paragraph, choice="agree")
    assert (
        "Vorher"
        in client.get(draft.get_absolute_url() + f"?thread={paragraph.key}").content.decode()
    )


def test_reply_threads_and_depth(paragraph, citizen, other_citizen):
    root = services.comment_create(user=citizen, paragraph=paragraph, body="Wurzel")
    one = services.comment_create(
        user=other_citizen, paragraph=root.paragraph, parent=root, body="Antwort"
    )
    two = services.comment_create(
        user=citizen, paragraph=one.paragraph, parent=one, body="Antwort auf Antwort"
    )
    three = services.comment_create(
        user=other_citizen, paragraph=two.paragraph, parent=two, body="noch tiefer"
    )
    assert [c.depth for c in (root, one, two, three)] == [0, 1, 2, 2]
    assert {one.root_id, two.root_id, three.root_id} == {root.pk}
    assert three.parent_id == two.pk, "the reply keeps whom it answers"
    _, threads = paragraph_threads(user=citizen, paragraph=paragraph)
    assert [t.comment.pk for t in threads] == [root.pk]
    assert [r.pk for r in threads[0].replies] == [one.pk, two.pk, three.pk]


def test_reply_must_stay_on_the_same_paragraph(draft, citizen):
    first, second = draft.paragraphs.exclude(kind="heading").order_by("position")[:2]
    root = services.comment_create(user=citizen, paragraph=first, body="Hier")
    refused(
        "invalid", services.comment_create, user=citizen, paragraph=second, body="Dort", parent=root
    )


def test_reply_to_a_comment_of_another_draft_is_refused(make_draft, paragraph, citizen):
    other = make_draft(slug="anderer")
    foreign = services.comment_create(
        user=citizen, paragraph=other.paragraphs.exclude(kind="heading").first(), body="x"
    )
    refused(
        "invalid",
        services.comment_create,
        user=citizen,
        paragraph=paragraph,
        body="y",
        parent=foreign,
    )


def test_edit_within_15_minutes_keeps_the_earlier_text(paragraph, citizen):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Erste Fassung")
    services.comment_edit(user=citizen, comment=comment, body="Zweite Fassung")
    comment.refresh_from_db()
    assert comment.body == "Zweite Fassung" and comment.edited_at
    assert list(comment.edits.values_list("body", flat=True)) == ["Erste Fassung"]


def test_edit_after_15_minutes_or_by_others_is_refused(paragraph, citizen, other_citizen):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Text")
    refused("forbidden", services.comment_edit, user=other_citizen, comment=comment, body="Fremd")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    message = refused(
        "forbidden", services.comment_edit, user=citizen, comment=comment, body="Zu spät"
    )
    assert "15" in message
    comment.refresh_from_db()
    assert comment.body == "Text"


def test_delete_is_soft_and_keeps_replies(paragraph, citizen, other_citizen):
    root = services.comment_create(user=citizen, paragraph=paragraph, body="Wurzel")
    reply = services.comment_create(
        user=other_citizen, paragraph=root.paragraph, parent=root, body="Antwort"
    )
    refused("forbidden", services.comment_delete, user=other_citizen, comment=root)
    services.comment_delete(user=citizen, comment=root)
    root.refresh_from_db()
    assert root.status == CommentStatus.DELETED and root.body == ""
    assert Comment.objects.get(pk=reply.pk).status == CommentStatus.PUBLISHED
    assert tally(paragraph)["comments"] == 1 == fresh_counts(paragraph)["comments"]
    _, threads = paragraph_threads(user=other_citizen, paragraph=paragraph)
    assert threads[0].comment.pk == root.pk and threads[0].replies == [reply]


def test_votes_change_and_withdraw_with_exact_counts(paragraph, citizen, other_citizen):
    assert (
        services.vote_cast(user=citizen, paragraph=paragraph, choice="agree")["counts"]["agree"]
        == 1
    )
    services.vote_cast(user=other_citizen, paragraph=paragraph, choice="agree")
    result = services.vote_cast(user=citizen, paragraph=paragraph, choice="disagree")
    assert result["counts"] == {"agree": 1, "disagree": 1, "neutral": 0}
    services.vote_cast(user=other_citizen, paragraph=paragraph, choice="none")
    assert (
        tally(paragraph)
        == fresh_counts(paragraph)
        == {"agree": 0, "disagree": 1, "neutral": 0, "comments": 0}
    )


def test_voting_twice_is_idempotent_not_an_error(paragraph, citizen):
    services.vote_cast(user=citizen, paragraph=paragraph, choice="neutral")
    events_before = Event.objects.count()
    result = services.vote_cast(user=citizen, paragraph=paragraph, choice="neutral")
    assert result["counts"]["neutral"] == 1
    assert ParagraphVote.objects.count() == 1
    assert Event.objects.count() == events_before, "nothing changed, nothing broadcast"


def test_invalid_vote_choice(paragraph, citizen):
    refused("invalid", services.vote_cast, user=citizen, paragraph=paragraph, choice="maybe")


def test_support_rules(paragraph, citizen, other_citizen):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Text")
    refused("invalid", services.comment_support, user=citizen, comment=comment, on=True)
    assert services.comment_support(user=other_citizen, comment=comment, on=True) == 1
    assert services.comment_support(user=other_citizen, comment=comment, on=True) == 1, "idempotent"
    assert services.comment_support(user=other_citizen, comment=comment, on=False) == 0
    assert CommentSupport.objects.count() == 0


def test_pre_moderated_comment_is_seen_only_by_its_author_and_moderators(
    pre_draft, citizen, other_citizen, moderator
):
    from django.contrib.auth.models import AnonymousUser

    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Bitte prüfen")
    assert comment.status == CommentStatus.PENDING
    assert tally(paragraph) is None, "pending comments are not counted"
    assert comment in visible_comments(user=citizen)
    assert comment in visible_comments(user=moderator)
    assert comment not in visible_comments(user=other_citizen)
    assert comment not in visible_comments(user=AnonymousUser())
    assert not Event.objects.filter(type="comment.created").exists(), "never in the public log"


def test_comment_on_an_archived_paragraph_is_refused(draft, paragraph, citizen, wg):
    draft_publish_version(
        draft=draft,
        text=DRAFT_TEXT.replace(
            paragraph.source, "Ganz anderer Text, der mit dem alten nichts gemein hat."
        ),
        message="m",
        user=wg,
    )
    paragraph.refresh_from_db()
    assert paragraph.archived
    refused("invalid", services.comment_create, user=citizen, paragraph=paragraph, body="Zu spät")


def test_comments_survive_a_new_version_with_their_version_marker(
    draft, paragraph, citizen, wg, client
):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Zur ersten Fassung")
    draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="m", user=wg
    )
    comment.refresh_from_db()
    assert comment.paragraph_id == paragraph.pk and comment.version == 1
    html = client.get(draft.get_absolute_url() + f"?thread={paragraph.key}").content.decode()
    assert f"/versions/1/diff/2/?paragraph={paragraph.key}" in html


def test_broadcast_happens_only_after_commit(
    paragraph, citizen, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("deliberation.events.send_now", lambda stream, text: sent.append(text))
    events_before = Event.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.comment_create(user=citizen, paragraph=paragraph, body="wird zurückgerollt")
        raise RuntimeError("boom")
    assert sent == [] and not Comment.objects.exists() and Event.objects.count() == events_before
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=citizen, paragraph=paragraph, body="bleibt")
    assert len(sent) == 1 and '"type":"comment.created"' in sent[0]


def test_rate_limit_answers_with_a_message(paragraph, citizen, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": 2}
    services.comment_create(user=citizen, paragraph=paragraph, body="eins")
    services.comment_create(user=citizen, paragraph=paragraph, body="zwei")
    message = refused(
        "rate_limited", services.comment_create, user=citizen, paragraph=paragraph, body="drei"
    )
    assert "2" in message
    assert Comment.objects.count() == 2


def test_account_deletion_empties_comments_and_corrects_counts(paragraph, citizen, other_citizen):
    from deliberation.accounts.services import account_delete

    comment = services.comment_create(user=citizen, paragraph=paragraph, body="geht")
    theirs = services.comment_create(user=other_citizen, paragraph=paragraph, body="fremd")
    services.vote_cast(user=citizen, paragraph=paragraph, choice="agree")
    services.comment_support(user=citizen, comment=theirs, on=True)
    account_delete(user=citizen)
    comment.refresh_from_db()
    theirs.refresh_from_db()
    assert (comment.author, comment.body, comment.status) == (None, "", "deleted")
    assert theirs.support_count == 0
    assert (
        tally(paragraph)
        == fresh_counts(paragraph)
        == {"agree": 0, "disagree": 0, "neutral": 0, "comments": 1}
    )


def test_data_download_includes_comments_and_votes(paragraph, citizen):
    from deliberation.accounts.services import personal_data_export

    services.comment_create(user=citizen, paragraph=paragraph, body="meins")
    services.vote_cast(user=citizen, paragraph=paragraph, choice="agree")
    data = personal_data_export(user=citizen)["participation"]
    assert data["comments"][0]["text"] == "meins"
    assert data["votes"][0]["choice"] == "agree"
