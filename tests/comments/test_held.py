"""What a person writes before confirming the e-mail address waits, visible to them only, and
is published by the confirmation (issue 16): website, API, websocket and the operator's command."""

import json
import re
from urllib.parse import urlsplit

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from comments import services
from comments.models import Comment, ParagraphTally
from deliberation.events import stream_name
from deliberation.models import Event, Notification
from tests.comments.sockets import connect, receive, receive_type
from tests.deliberation.account_helpers import signup_data
from tests.servers import smtp_server

pytestmark = pytest.mark.django_db
NOTICE_DE = "wartet auf Bestätigung Ihrer E-Mail-Adresse"


@pytest.fixture
def newcomer(make_user):
    """Signed up, address not confirmed yet."""
    return make_user("neu", confirmed=False)


def public_events(draft, kind):
    return Event.objects.filter(stream=stream_name(draft), type=kind).order_by("seq")


def comments_in_api(client, draft):
    return client.get(f"/api/drafts/{draft.slug}/comments/").json()


def test_a_comment_before_confirmation_is_held_for_its_author_only(
    client, draft, paragraph, newcomer, citizen, moderator
):
    comment = services.comment_create(user=newcomer, paragraph=paragraph, body="Noch nicht")
    assert comment.status == "held"
    assert not public_events(draft, "comment.created").exists()
    assert not ParagraphTally.objects.filter(paragraph=paragraph, comments__gt=0).exists()
    thread = f"{draft.get_absolute_url()}?thread={paragraph.key}"
    for reader in (None, citizen, moderator):
        client.logout()
        if reader:
            client.force_login(reader)
        assert comments_in_api(client, draft) == []
        assert "Noch nicht" not in client.get(thread).content.decode()
    assert "Noch nicht" not in client.get(reverse("moderation_queue")).content.decode()
    client.force_login(newcomer)
    [mine] = comments_in_api(client, draft)
    assert mine["status"] == "held"
    page = client.get(thread).content.decode()
    assert "Noch nicht" in page and NOTICE_DE in page
    english = client.get(f"/en{thread}").content.decode()
    assert "waiting for confirmation of your e-mail address" in english


def test_the_form_tells_the_author_why_it_waits(client, draft, paragraph, newcomer):
    client.force_login(newcomer)
    response = client.post(
        reverse("comment_post", args=[draft.slug, paragraph.key]),
        {"body": "Über das Formular"},
        follow=True,
    )
    assert "sobald Sie Ihre E-Mail-Adresse bestätigt haben" in response.content.decode()
    assert Comment.objects.get().status == "held"


def test_confirming_publishes_held_comments_and_replies_in_order(
    client, draft, paragraph, newcomer, citizen, shell
):
    first = services.comment_create(user=citizen, paragraph=paragraph, body="Schon da")
    held = services.comment_create(user=newcomer, paragraph=paragraph, body="Eins")
    reply = services.comment_create(user=newcomer, paragraph=paragraph, body="Zwei", parent=first)
    assert not Notification.objects.filter(user=citizen).exists()
    shell("de")
    call_command("confirm_email", "neu")
    held.refresh_from_db(), reply.refresh_from_db()
    assert (held.status, reply.status) == ("published", "published")
    created = [
        json.loads(text)["comment"]["id"]
        for text in public_events(draft, "comment.created").values_list("text", flat=True)
    ]
    assert created == [first.pk, held.pk, reply.pk]
    assert ParagraphTally.objects.get(paragraph=paragraph).comments == 3
    told = Notification.objects.filter(user=citizen, kind="comment_reply")
    assert [n.params["reply"] for n in told] == [reply.pk], "told once it is public, not before"
    assert len(comments_in_api(client, draft)) == 3


def test_confirm_email_says_what_it_published(draft, paragraph, newcomer, shell, capsys):
    services.comment_create(user=newcomer, paragraph=paragraph, body="Eins")
    shell("en")
    call_command("confirm_email", "neu")
    out = capsys.readouterr().out
    assert "neu@example.org of neu is confirmed" in out
    assert "1 held contribution is published" in out


def test_on_a_pre_moderated_draft_confirming_sends_them_to_the_moderation(
    client, pre_draft, newcomer, moderator
):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    comment = services.comment_create(user=newcomer, paragraph=paragraph, body="Bitte prüfen")
    client.force_login(moderator)
    assert "Bitte prüfen" not in client.get(reverse("moderation_queue")).content.decode()
    call_command("confirm_email", "neu")
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert "Bitte prüfen" in client.get(reverse("moderation_queue")).content.decode()
    assert not public_events(pre_draft, "comment.created").exists()


def test_with_optional_confirmation_nothing_waits(settings, paragraph, newcomer):
    settings.ACCOUNT_EMAIL_CONFIRMATION = "optional"
    comment = services.comment_create(user=newcomer, paragraph=paragraph, body="Sofort")
    assert comment.status == "published"


def test_a_held_comment_can_be_edited_and_withdrawn_by_its_author(paragraph, newcomer):
    comment = services.comment_create(user=newcomer, paragraph=paragraph, body="Tippfehler")
    comment = services.comment_edit(user=newcomer, comment=comment, body="Korrigiert")
    assert (comment.status, comment.body) == ("held", "Korrigiert")
    services.comment_delete(user=newcomer, comment=comment)
    call_command("confirm_email", "neu")
    comment.refresh_from_db()
    assert comment.status == "deleted", "withdrawn stays withdrawn"


@pytest.mark.django_db(transaction=True)
async def test_over_the_socket_a_held_comment_is_acked_to_its_author_and_published_later(
    draft, paragraph, newcomer
):
    author, *_ = await connect(draft.slug, newcomer)
    reader, *_ = await connect(draft.slug, AnonymousUser())
    await receive(author), await receive(reader)
    await author.send_to(
        text_data=json.dumps(
            {
                "action": "comment",
                "paragraph": str(paragraph.key),
                "body": "Per Websocket",
                "parent": None,
                "request_id": "h1",
            }
        )
    )
    ack = await receive_type(author, "ack")
    assert ack["comment"]["status"] == "held"
    assert await reader.receive_nothing(timeout=0.5), "nobody else hears of it"
    await sync_to_async(call_command)("confirm_email", "neu")
    created = await receive_type(reader, "comment.created")
    assert created["comment"]["id"] == ack["comment"]["id"]
    assert created["comment"]["body_html"] == "<p>Per Websocket</p>"
    for c in (author, reader):
        await c.disconnect()


def test_sign_up_mail_link_confirms_and_the_held_comment_is_published(
    client, settings, draft, paragraph
):
    """The whole way, with the mail through a real SMTP server."""
    with smtp_server() as mail:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        client.post(reverse("signup"), signup_data(client, username="neu", email="neu@example.org"))
        client.post(reverse("comment_post", args=[draft.slug, paragraph.key]), {"body": "Hallo"})
        comment = Comment.objects.get()
        assert (comment.author.username, comment.status) == ("neu", "held")
        [message] = mail.messages
    assert message["To"] == "neu@example.org"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.get_content()).group(0)
    path = urlsplit(link).path
    question = client.get(path)
    assert question.status_code == 200 and "neu@example.org" in question.content.decode()
    comment.refresh_from_db()
    assert comment.status == "held", "opening the link only asks (a mail scanner confirms nothing)"
    client.post(path)
    comment.refresh_from_db()
    assert comment.status == "published"
    [event] = public_events(draft, "comment.created")
    assert json.loads(event.text)["comment"]["id"] == comment.pk
    client.logout()
    assert [c["id"] for c in comments_in_api(client, draft)] == [comment.pk]
