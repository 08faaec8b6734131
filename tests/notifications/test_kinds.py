"""What each participant hears of: answers, new versions of their paragraph, the closing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from comments.feedback import services as answers
from comments.feedback.models import Answer
from comments.feedback.notices import answers_published_notify, consultations_closed_notify
from comments.services import comment_create, vote_cast
from deliberation.models import Notification
from deliberation.notifications.delivery import deliveries_send
from drafts.services import draft_close, draft_publish_version
from tests.notifications.helpers import NEW_TEXT

pytestmark = pytest.mark.django_db


def _first_paragraph_comment(paragraph, author, body="Bitte die Umwelt nennen."):
    return comment_create(user=author, paragraph=paragraph, body=body)


def test_the_published_answer_says_disposition_reply_and_the_diff_of_the_version(
    draft, paragraph, citizen, wg, smtp, wants_mail
):
    wants_mail(citizen, answers="instant")
    comment = _first_paragraph_comment(paragraph, citizen)
    draft_publish_version(draft=draft, text=NEW_TEXT, message="Umwelt ergänzt", user=wg)
    answers.answer_save(
        user=wg,
        comment=comment,
        disposition="adopted",
        reply="Wir haben die Umwelt ergänzt.",
        version=2,
        publish=True,
    )
    notification = Notification.objects.get(user=citizen, kind="answer_published")
    assert "übernommen. Übernommen in Fassung 2." in notification.display_text
    assert notification.url.endswith(f"#c-{comment.pk}")
    details = notification.details
    assert details["quote"] == "Wir haben die Umwelt ergänzt."
    assert "<ins>" in details["diff_html"] and "Umwelt" in details["diff_html"]
    assert "{+und die Umwelt+}" in details["diff_text"]
    deliveries_send()
    (mail,) = smtp.messages
    text = mail.get_body(("plain",)).get_content()
    assert "Übernommen in Fassung 2." in text
    assert "Wir haben die Umwelt ergänzt." in text and "{+und die Umwelt+}" in text
    with translation.override("en"):
        assert "Taken up in version 2." in notification.display_text


def test_saving_a_draft_answer_tells_nobody_and_publishing_tells_once(comment_by, wg):
    comment = comment_by()
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="")
    assert not Notification.objects.filter(kind="answer_published").exists()
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="", publish=True)
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="Danke", publish=True)
    assert Notification.objects.filter(kind="answer_published").count() == 1


def test_publishing_all_drafted_answers_leaves_the_telling_to_the_worker(
    comment_by, wg, make_user, django_capture_on_commit_callbacks
):
    comments = [comment_by(make_user(f"p{i}")) for i in range(3)]
    for comment in comments:
        answers.answer_save(user=wg, comment=comment, disposition="noted", reply="Danke")
    assert answers.answers_publish_drafted(user=wg, draft=comments[0].draft) == 3
    assert not Notification.objects.filter(kind="answer_published").exists()
    (moment,) = set(Answer.objects.values_list("published_at", flat=True))
    draft_id = comments[0].draft_id
    # What the worker runs:
    assert answers_published_notify.call(draft_id, moment.isoformat()) == 3
    assert Notification.objects.filter(kind="answer_published").count() == 3
    assert answers.answers_publish_drafted(user=wg, draft=comments[0].draft) == 0


def test_the_publish_all_button_is_for_the_working_group(client, comment_by, wg, citizen):
    comment = comment_by()
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="Danke")
    client.force_login(citizen)
    url = f"/drafts/{comment.draft.slug}/answers/publish/"
    assert client.post(url).status_code in (302, 403)
    assert not Answer.objects.filter(published_at__isnull=False).exists()
    client.force_login(wg)
    page = client.get(f"/drafts/{comment.draft.slug}/answers/").content.decode()
    assert "Entwurf" in page or "drafted" in page
    # The form carries the fingerprint of the drafted answers it counted.
    shown = re.search(r'name="shown" value="([^"]*)"', page).group(1)
    assert client.post(url, {"shown": shown}).status_code == 302
    assert Answer.objects.get().published_at is not None


def test_a_new_version_tells_commenters_and_voters_of_the_changed_paragraph_only(
    draft, paragraph, citizen, other_citizen, make_user, wg
):
    _first_paragraph_comment(paragraph, citizen)
    vote_cast(user=other_citizen, paragraph=paragraph, choice="agree")
    bystander = make_user("carla")
    later = draft.paragraphs.filter(archived=False).exclude(kind="heading").order_by("position")[1]
    comment_create(user=bystander, paragraph=later, body="Anderer Absatz")
    draft_publish_version(draft=draft, text=NEW_TEXT, message="Umwelt ergänzt", user=wg)
    told = Notification.objects.filter(kind="paragraph_changed")
    assert set(told.values_list("user__username", flat=True)) == {"anna", "bernd"}
    notification = told.get(user=citizen)
    assert "{+und die Umwelt+}" in notification.details["diff_text"]
    assert notification.url.endswith(f"#p-{paragraph.key}")


def test_the_closing_is_told_once_to_everyone_who_took_part(
    draft, paragraph, citizen, other_citizen, make_user
):
    _first_paragraph_comment(paragraph, citizen)
    vote_cast(user=other_citizen, paragraph=paragraph, choice="disagree")
    make_user("zuschauer")
    assert consultations_closed_notify() == 0  # still open
    draft_close(draft=draft)
    assert consultations_closed_notify() == 2
    assert consultations_closed_notify() == 0
    notification = Notification.objects.get(user=citizen, kind="consultation_closed")
    assert notification.url == f"/drafts/{draft.slug}/results/"


def test_a_consultation_long_closed_is_not_told_when_a_worker_starts(draft, paragraph, citizen):
    _first_paragraph_comment(paragraph, citizen)
    draft.closes_at = timezone.now() - timedelta(days=30)
    draft.save()
    assert consultations_closed_notify() == 0


@pytest.fixture
def comment_by(paragraph, citizen):
    def make(author=None):
        return comment_create(user=author or citizen, paragraph=paragraph, body="Ein Gedanke.")

    return make


def test_a_block_that_ran_out_is_told_once_unless_another_still_holds(citizen, other_citizen):
    from comments.moderation.jobs import blocks_expired_notify
    from comments.moderation.models import UserBlock

    past = timezone.now() - timedelta(hours=1)
    UserBlock.objects.create(user=citizen, justification="Spam", until=past)
    UserBlock.objects.create(user=other_citizen, justification="Spam", until=past)
    UserBlock.objects.create(user=other_citizen, justification="Wieder", until=None)
    assert blocks_expired_notify() == 1
    assert blocks_expired_notify() == 0
    assert Notification.objects.get(kind="account_unblocked").user == citizen
