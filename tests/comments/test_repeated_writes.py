"""A write repeated with the same request id is carried out once and answered with the first result."""

import json
import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from comments.models import Comment, ParagraphVote
from comments.moderation.models import Flag
from deliberation.idempotency import request_key, write_once
from deliberation.models import WriteReceipt
from tests.comments.sockets import connect, next_of, open_socket, receive_type, session_cookie
from tests.races import run_threads
from tests.servers import daphne


def their_comment(paragraph, author) -> Comment:
    """A published comment by `author` (written directly: the tests act on it, not with it)."""
    return Comment.objects.create(
        draft=paragraph.draft,
        paragraph=paragraph,
        author=author,
        body="x",
        body_html="<p>x</p>",
        version=paragraph.draft.version,
    )


def comment_frame(paragraph, body="Nur einmal, bitte.", request_id="c-1"):
    return json.dumps(
        {
            "action": "comment",
            "paragraph": str(paragraph.key),
            "body": body,
            "parent": None,
            "request_id": request_id,
        }
    )


@pytest.mark.django_db(transaction=True)
async def test_two_identical_frames_store_one_comment_and_get_the_same_answer(
    draft, paragraph, citizen
):
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    await socket.send_to(text_data=comment_frame(paragraph))
    await socket.send_to(text_data=comment_frame(paragraph))
    first, second = await receive_type(socket, "ack"), await receive_type(socket, "ack")
    assert first == second and first["request_id"] == "c-1"
    assert await sync_to_async(Comment.objects.filter(draft=draft).count)() == 1
    # Another request id is another write.
    await socket.send_to(text_data=comment_frame(paragraph, request_id="c-2"))
    third = await receive_type(socket, "ack")
    assert third["comment"]["id"] != first["comment"]["id"]
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_every_write_action_is_carried_out_once_per_request_id(
    draft, paragraph, citizen, other_citizen
):
    theirs = await sync_to_async(their_comment)(paragraph, other_citizen)
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    frames = [
        {"action": "vote", "paragraph": str(paragraph.key), "choice": "agree", "request_id": "v"},
        {"action": "support", "comment": theirs.pk, "on": True, "request_id": "s"},
        {"action": "flag", "comment": theirs.pk, "reason": "spam", "note": "", "request_id": "f"},
    ]
    for frame in frames:
        await socket.send_to(text_data=json.dumps(frame))
        first = await receive_type(socket, "ack")
        await socket.send_to(text_data=json.dumps(frame))
        # The report would be refused the second time ("reported already"): the repeat is not.
        assert await receive_type(socket, "ack") == first
    # A vote repeated after a change of mind stays what it answered first, and changes nothing.
    await socket.send_to(text_data=json.dumps({**frames[0], "choice": "none", "request_id": "w"}))
    await receive_type(socket, "ack")
    await socket.send_to(text_data=json.dumps(frames[0]))
    assert (await receive_type(socket, "ack"))["choice"] == "agree"
    assert not await sync_to_async(ParagraphVote.objects.exists)()
    assert await sync_to_async(Flag.objects.count)() == 1
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_request_ids_are_per_person_and_a_refusal_is_not_remembered(
    draft, paragraph, citizen, other_citizen
):
    anna, *_ = await connect(draft.slug, citizen)
    bernd, *_ = await connect(draft.slug, other_citizen)
    await receive_type(anna, "hello"), await receive_type(bernd, "hello")
    await anna.send_to(text_data=comment_frame(paragraph, body="Annas", request_id=1))
    await bernd.send_to(text_data=comment_frame(paragraph, body="Bernds", request_id=1))
    assert (await receive_type(anna, "ack"))["comment"]["author"] == "anna"
    assert (await receive_type(bernd, "ack"))["comment"]["author"] == "bernd"
    await anna.send_to(text_data=comment_frame(paragraph, body="   ", request_id=2))
    assert (await receive_type(anna, "error"))["code"] == "invalid"
    await anna.send_to(text_data=comment_frame(paragraph, body="Jetzt mit Text", request_id=2))
    assert (await receive_type(anna, "ack"))["comment"]["body_html"] == "<p>Jetzt mit Text</p>"
    await anna.disconnect(), await bernd.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_request_id_reused_for_another_write_is_refused_not_swallowed(
    draft, paragraph, citizen
):
    """Issue 12: a comment with "dup-1", then on a new connection a vote with "dup-1"."""
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    await socket.send_to(text_data=comment_frame(paragraph, request_id="dup-1"))
    first = await receive_type(socket, "ack")
    await socket.disconnect()
    again, *_ = await connect(draft.slug, citizen)
    await receive_type(again, "hello")
    vote = {"action": "vote", "paragraph": str(paragraph.key), "choice": "agree"}
    await again.send_to(text_data=json.dumps({**vote, "request_id": "dup-1"}))
    error = await receive_type(again, "error")
    assert (error["code"], error["request_id"]) == ("invalid", "dup-1")
    assert "request id" in error["message"] or "Anfrage" in error["message"]
    assert not await sync_to_async(ParagraphVote.objects.exists)()
    # The same id with other parameters of the same action is another write too.
    await again.send_to(text_data=comment_frame(paragraph, body="Anders", request_id="dup-1"))
    assert (await receive_type(again, "error"))["code"] == "invalid"
    # The first write's repeat is still answered; a new id writes the vote.
    await again.send_to(text_data=comment_frame(paragraph, request_id="dup-1"))
    assert await receive_type(again, "ack") == first
    await again.send_to(text_data=json.dumps({**vote, "request_id": "dup-2"}))
    assert (await receive_type(again, "ack"))["choice"] == "agree"
    assert await sync_to_async(Comment.objects.count)() == 1
    await again.disconnect()


@pytest.mark.django_db
def test_a_form_token_reused_for_other_contents_is_refused(draft, paragraph, citizen, wg, login):
    client = login(citizen)
    vote = f"/drafts/{draft.slug}/p/{paragraph.key}/vote/"
    assert client.post(vote, {"choice": "agree", "request_id": "t"}).status_code == 302
    page = client.post(vote, {"choice": "disagree", "request_id": "t"}, follow=True)
    assert "bereits für eine andere" in page.content.decode()
    assert ParagraphVote.objects.get().choice == "agree"
    # A one-time form token (once_per_form): the same rule.
    from deliberation.process.models import Process

    client.force_login(wg)
    data = {"title": "Erster Prozess", "slug": "erster", "request_id": "p"}
    assert client.post("/processes/new/", data).status_code == 302
    again = client.post("/processes/new/", {**data, "title": "Zweiter", "slug": "zweiter"})
    assert (again.status_code, again["Location"]) == (302, "/processes/new/")
    assert "bereits für eine andere" in client.get(again["Location"]).content.decode()
    assert list(Process.objects.values_list("slug", flat=True)) == ["erster"]


@pytest.mark.django_db
def test_a_receipt_expires_after_ten_minutes(citizen):
    calls = []

    def write():
        calls.append(1)
        return {"n": len(calls)}

    assert write_once(user=citizen, request_id="r", what="w", write=write) == {"n": 1}
    assert write_once(user=citizen, request_id="r", what="w", write=write) == {"n": 1}
    WriteReceipt.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert write_once(user=citizen, request_id="r", what="w", write=write) == {"n": 2}
    assert WriteReceipt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_store_one_comment(draft, paragraph, citizen):
    """Ten parallel copies of one request (two tabs, a re-send racing the original)."""
    from comments import services

    answers = []

    def send(_):
        answers.append(
            write_once(
                user=citizen,
                request_id="parallel",
                what="comment",
                write=lambda: {
                    "comment": services.comment_create(
                        user=citizen, paragraph=paragraph, body="Einmal"
                    ).pk
                },
            )
        )

    run_threads(send, count=10)
    assert Comment.objects.count() == 1
    assert answers == [{"comment": Comment.objects.get().pk}] * 10


def token_of(html: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S).group(0)
    return re.search(r'name="request_id" value="([^"]+)"', form).group(1)


@pytest.mark.django_db
def test_a_double_submitted_comment_form_stores_one_comment(draft, paragraph, citizen, login):
    client = login(citizen)
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    action = f"/drafts/{draft.slug}/p/{paragraph.key}/comment/"
    data = {"body": "Doppelt geklickt", "parent": "", "request_id": token_of(page, action)}
    first, second = client.post(action, data), client.post(action, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1
    # The next rendering of the form has a new token: the next comment is a new write.
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    assert token_of(page, action) != data["request_id"]


@pytest.mark.django_db
def test_every_form_on_the_page_has_its_own_token(draft, paragraph, citizen, other_citizen, login):
    their_comment(paragraph, other_citizen)
    page = login(citizen).get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    tokens = re.findall(r'name="request_id" value="([^"]+)"', page)
    # Votes on each paragraph, the comment form, and support, report and reply per comment.
    assert len(tokens) >= 6 and len(set(tokens)) == len(tokens)


@pytest.mark.django_db
def test_a_double_submitted_report_is_thanked_twice(
    draft, paragraph, citizen, other_citizen, login
):
    theirs = their_comment(paragraph, other_citizen)
    client = login(citizen)
    url = f"/drafts/{draft.slug}/comments/{theirs.pk}/report/"
    data = {"reason": "spam", "note": "", "request_id": "einmal"}
    for _ in range(2):
        page = client.post(url, data, follow=True).content.decode()
        assert "Vielen Dank" in page and "bereits gemeldet" not in page
    assert Flag.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_a_request_resent_on_a_new_connection_to_another_process_is_answered_once(
    draft, paragraph, citizen
):
    """The page re-sends an unanswered request after a reconnect; the server may be another."""
    cookie = await sync_to_async(session_cookie)(citizen)
    with daphne(count=2) as (first_server, second_server):
        socket = await open_socket(first_server, draft.slug, cookie)
        await next_of(socket, "hello")
        await socket.send(comment_frame(paragraph, request_id="nach-reconnect"))
        first = await next_of(socket, "ack")
        await socket.close()
        again = await open_socket(second_server, draft.slug, cookie)
        await next_of(again, "hello")
        await again.send(comment_frame(paragraph, request_id="nach-reconnect"))
        assert await next_of(again, "ack") == first
        await again.close()
    assert await sync_to_async(Comment.objects.count)() == 1


@pytest.mark.django_db
def test_double_submitted_staff_forms_create_once(client, wg, draft, settings, tmp_path):
    """The working group's "new …" forms: a second click must not make a second row."""
    from deliberation.process.models import Process, PublicSession
    from drafts.models import Draft
    from tests.process.helpers import make_process

    settings.MEDIA_ROOT = tmp_path
    client.force_login(wg)
    process = make_process()
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    posts = [
        (
            f"/processes/{process.slug}/events/new/",
            PublicSession,
            {
                "title": "Sitzung",
                "date": day,
                "start_time": "18:00",
                "end_time": "20:00",
            },
        ),
        ("/processes/new/", Process, {"title": "Zweiter Prozess", "slug": "zweiter"}),
        (
            "/drafts/new/",
            Draft,
            {
                "title": "Neu",
                "text": "# Neu\n\nText.",
                "source_format": "markdown",
                "moderation": "pre",
                "publish": "1",
            },
        ),
    ]
    for url, model, data in posts:
        before = model.objects.count()
        page = client.get(url).content.decode()
        data = {**data, "request_id": re.search(r'name="request_id" value="([^"]+)"', page)[1]}
        first, second = client.post(url, data), client.post(url, data)
        assert first.status_code == second.status_code == 302, (url, first.status_code)
        assert first["Location"] == second["Location"]
        assert model.objects.count() == before + 1, url
    # A form sent back with an error is not remembered: corrected, the same token writes.
    page = client.get(f"/processes/{process.slug}/events/new/").content.decode()
    data = {**posts[0][2], "end_time": "17:00"}
    data["request_id"] = re.search(r'name="request_id" value="([^"]+)"', page)[1]
    assert client.post(posts[0][0], data).status_code == 400
    assert client.post(posts[0][0], {**data, "end_time": "21:00"}).status_code == 302
    assert PublicSession.objects.count() == 2


@pytest.mark.django_db
def test_a_double_submitted_block_is_one_block(client, moderator, citizen):
    from comments.moderation.models import UserBlock

    client.force_login(moderator)
    url = f"/moderation/users/{citizen.pk}/block/"
    page = client.get(url).content.decode()
    data = {
        "duration": "permanent",
        "justification": "Wiederholte Beleidigungen",
        "request_id": re.search(r'name="request_id" value="([^"]+)"', page)[1],
    }
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert UserBlock.objects.count() == 1


@pytest.mark.django_db
def test_the_periodic_command_deletes_expired_receipts(citizen, capsys):
    from django.core.management import call_command

    write_once(user=citizen, request_id="alt", what="a", write=dict)
    write_once(user=citizen, request_id="neu", what="n", write=dict)
    WriteReceipt.objects.filter(key=request_key("alt")).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    call_command("prune_events")
    # In the operator shell's language (English or German): one receipt went.
    assert capsys.readouterr().out.splitlines()[-1].startswith("1 ")
    assert list(WriteReceipt.objects.values_list("key", flat=True)) == [request_key("neu")]
