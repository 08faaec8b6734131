"""The working group's answers: who may answer what, the rules for a reply, publishing live."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from comments import services
from comments.feedback import services as answers
from comments.feedback.models import Answer
from comments.moderation import services as moderation
from comments.serializers import comment_payload
from deliberation.models import Event
from drafts.services import draft_publish_version
from tests.refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(draft, paragraph, citizen):
    return services.comment_create(
        user=citizen, paragraph=paragraph, body="Bitte klarer formulieren"
    )


def updates():
    return [
        json.loads(e.text) for e in Event.objects.filter(type="comment.updated").order_by("seq")
    ]


def test_a_draft_answer_is_internal_until_published(comment, wg):
    answer = answers.answer_save(
        user=wg, comment=comment, disposition="adopted", reply="Wird *umgesetzt*."
    )
    assert answer.published_at is None and answer.author == wg
    assert answer.reply_html == "<p>Wird <em>umgesetzt</em>.</p>", "rendered by render_comment"
    assert updates() == [], "nothing goes to readers while the answer is internal"
    assert comment_payload(comment, with_answer=True)["answer"] is None

    answers.answer_save(
        user=wg, comment=comment, disposition="adopted", reply="Wird *umgesetzt*.", publish=True
    )
    answer.refresh_from_db()
    assert answer.published_at is not None
    [event] = updates()
    assert event["comment"] == comment.pk
    data = event["data"]
    assert data["body_html"] == comment.body_html and data["supports"] == 0, "the whole payload"
    assert data["answer"] == {
        "disposition": "adopted",
        "disposition_label": "übernommen",
        "reply_html": "<p>Wird <em>umgesetzt</em>.</p>",
        "version": None,
        "heading": "Antwort des Arbeitskreises",
        "version_label": "",
    }


def test_save_and_publish_at_once_then_change_and_withdraw_live(comment, wg):
    answer = answers.answer_save(
        user=wg, comment=comment, disposition="not_adopted", reply="Nein.", publish=True
    )
    answers.answer_save(
        user=wg, comment=comment, disposition="partly_adopted", reply="Doch, teilweise."
    )
    answer.refresh_from_db()
    assert answer.published_at is not None, "changing a published answer keeps it published"
    assert Answer.objects.count() == 1, "one answer per comment"
    answers.answer_unpublish(user=wg, answer=answer)
    first, second, third = updates()
    assert first["data"]["answer"]["disposition_label"] == "nicht übernommen"
    assert second["data"]["answer"]["disposition_label"] == "teilweise übernommen"
    assert second["data"]["answer"]["reply_html"] == "<p>Doch, teilweise.</p>"
    assert third["data"]["answer"] is None, "readers see it disappear"


def test_saving_the_same_answer_again_changes_nothing(comment, wg):
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="", publish=True)
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="", publish=True)
    assert len(updates()) == 1


def test_only_the_working_group_answers(comment, citizen, moderator, make_user):
    for user in (citizen, moderator):
        error = refused(
            answers.answer_save, user=user, comment=comment, disposition="noted", reply=""
        )
        assert error.code == "forbidden" and "Arbeitskreis" in error.message
    assert (
        refused(
            answers.answer_save,
            user=AnonymousUser(),
            comment=comment,
            disposition="noted",
            reply="",
        ).code
        == "not_authenticated"
    )
    admin = make_user("admin", is_superuser=True)
    assert answers.answer_save(user=admin, comment=comment, disposition="noted", reply="")
    answer = Answer.objects.get()
    publish = {"comment": comment, "disposition": "noted", "reply": "", "publish": True}
    assert refused(answers.answer_save, user=citizen, **publish).code == "forbidden"
    assert refused(answers.answer_unpublish, user=moderator, answer=answer).code == "forbidden"
    assert Answer.objects.get().published_at is None


@pytest.mark.parametrize(
    ("disposition", "reply", "version", "message"),
    [
        ("", "Text", None, "Wählen Sie"),
        ("maybe", "Text", None, "Wählen Sie"),
        ("adopted", "", None, "Antwort"),
        ("partly_adopted", "   ", None, "Antwort"),
        ("not_adopted", "", None, "Antwort"),
        ("to_discuss", "", None, "Antwort"),
        ("adopted", "x" * 5001, None, "zu lang"),
        ("adopted", "Text", 7, "Fassung 7"),
        ("adopted", "Text", "zwei", "Fassung zwei"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_changes(
    comment, wg, disposition, reply, version, message
):
    error = refused(
        answers.answer_save,
        user=wg,
        comment=comment,
        disposition=disposition,
        reply=reply,
        version=version,
        publish=True,
    )
    assert error.code == "invalid" and message in error.message, error.message
    assert not Answer.objects.exists() and updates() == []


def test_noted_may_stand_without_a_reply_and_5000_characters_are_fine(comment, wg):
    assert answers.answer_save(user=wg, comment=comment, disposition="noted", reply="").reply == ""
    answer = answers.answer_save(user=wg, comment=comment, disposition="adopted", reply="x" * 5000)
    assert len(answer.reply) == 5000


@pytest.mark.parametrize("status", ["pending", "rejected", "deleted", "hidden"])
def test_comments_that_are_not_public_cannot_be_answered(
    status, pre_draft, draft, paragraph, citizen, moderator, wg
):
    if status in ("pending", "rejected"):
        target = services.comment_create(
            user=citizen, paragraph=pre_draft.paragraphs.exclude(kind="heading").first(), body="X"
        )
        if status == "rejected":
            moderation.comment_reject(moderator=moderator, comment=target, reason="spam")
    else:
        target = services.comment_create(user=citizen, paragraph=paragraph, body="X")
        if status == "deleted":
            services.comment_delete(user=citizen, comment=target)
        else:
            moderation.comment_hide(moderator=moderator, comment=target, reason="spam")
    error = refused(
        answers.answer_save, user=wg, comment=target, disposition="noted", reply="", publish=True
    )
    assert error.code == "invalid" and "kann nicht beantwortet werden" in error.message
    assert not Answer.objects.exists()


def test_the_version_that_took_it_up_must_exist_and_not_precede_the_comment(
    draft, paragraph, citizen, wg
):
    draft_publish_version(draft=draft, text="Neuer Text.", message="Zweite Fassung", user=wg)
    draft_publish_version(draft=draft, text="Dritter Text.", message="Dritte Fassung", user=wg)
    current = draft.paragraphs.filter(archived=False).first()
    on_three = services.comment_create(user=citizen, paragraph=current, body="Zu Fassung 3")
    error = refused(
        answers.answer_save, user=wg, comment=on_three, disposition="adopted", reply="Ja", version=2
    )
    assert "früher" in error.message
    answer = answers.answer_save(
        user=wg, comment=on_three, disposition="adopted", reply="Ja", version="3", publish=True
    )
    assert answer.version_taken_up == 3
    payload = updates()[-1]["data"]["answer"]
    assert payload["version"] == 3 and payload["version_label"] == "umgesetzt in Fassung 3"


def test_withdrawing_a_draft_answer_is_refused_and_publishing_twice_tells_readers_once(comment, wg):
    answer = answers.answer_save(user=wg, comment=comment, disposition="noted", reply="")
    assert (
        "nicht veröffentlicht" in refused(answers.answer_unpublish, user=wg, answer=answer).message
    )
    for _twice in range(2):
        published = answers.answer_save(
            user=wg, comment=comment, disposition="noted", reply="", publish=True
        )
    assert published.pk == answer.pk and published.published_at is not None
    assert len(updates()) == 1


def test_a_comment_hidden_after_its_answer_was_published_cannot_get_it_published_again(
    comment, wg, moderator
):
    answer = answers.answer_save(user=wg, comment=comment, disposition="noted", reply="")
    moderation.comment_hide(moderator=moderator, comment=comment, reason="spam")
    publish = {"comment": comment, "disposition": "noted", "reply": "", "publish": True}
    assert refused(answers.answer_save, user=wg, **publish).code == "invalid"
    assert Answer.objects.get(pk=answer.pk).published_at is None


def test_the_api_shows_a_published_answer_only_when_asked_for_it_cheaply(comment, wg):
    """The read API's comments carry no "answer" unless it is loaded with select_related."""
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="", publish=True)
    from comments.models import Comment

    plain = Comment.objects.get(pk=comment.pk)
    assert "answer" not in comment_payload(plain)
    joined = Comment.objects.select_related("answer").get(pk=comment.pk)
    assert comment_payload(joined)["answer"]["disposition"] == "noted"
