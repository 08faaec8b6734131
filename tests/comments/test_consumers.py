"""The draft websocket through the real ASGI application (WebsocketCommunicator)."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from comments import services
from comments.models import ParagraphVote
from tests.comments.sockets import connect, receive, receive_type

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_allowed_origin_gets_hello(draft):
    communicator, connected, _ = await connect(draft.slug)
    assert connected
    hello = await receive(communicator)
    assert hello["type"] == "hello"
    assert hello["version"] == 1 and hello["user"] is None
    assert hello["viewers"] >= 1 and isinstance(hello["seq"], int)
    await communicator.disconnect()


@pytest.mark.parametrize("origin", [(b"origin", b"http://evil.example"), None])
async def test_foreign_or_missing_origin_is_refused(draft, origin):
    _, connected, _ = await connect(draft.slug, origin=origin)
    assert not connected


async def test_unknown_draft_is_refused(draft):
    _, connected, _ = await connect("gibt-es-nicht")
    assert not connected


async def test_comment_reaches_author_other_user_and_anonymous_reader_with_one_seq(
    draft, paragraph, citizen, other_citizen
):
    author, *_ = await connect(draft.slug, citizen)
    other, *_ = await connect(draft.slug, other_citizen)
    anonymous, *_ = await connect(draft.slug, AnonymousUser())
    hellos = [await receive(c) for c in (author, other, anonymous)]
    assert hellos[0]["user"] == {"id": citizen.pk, "name": "anna"}
    await author.send_to(
        text_data=json.dumps(
            {
                "action": "comment",
                "paragraph": str(paragraph.key),
                "body": "Live!",
                "parent": None,
                "request_id": "r1",
            }
        )
    )
    ack = await receive_type(author, "ack")
    assert ack["request_id"] == "r1" and ack["comment"]["status"] == "published"
    created = [await receive_type(c, "comment.created") for c in (author, other, anonymous)]
    assert len({m["seq"] for m in created}) == 1
    assert created[1]["comment"]["body_html"] == "<p>Live!</p>"
    assert created[1]["seq"] == hellos[1]["seq"] + 1
    for c in (author, other, anonymous):
        await c.disconnect()


async def test_vote_broadcasts_absolute_counts(draft, paragraph, citizen):
    voter, *_ = await connect(draft.slug, citizen)
    reader, *_ = await connect(draft.slug, AnonymousUser())
    await receive(voter), await receive(reader)
    await voter.send_to(
        text_data=json.dumps({"action": "vote", "paragraph": str(paragraph.key), "choice": "agree"})
    )
    changed = await receive_type(reader, "votes.changed")
    assert changed["paragraph"] == str(paragraph.key)
    assert changed["counts"] == {"agree": 1, "disagree": 0, "neutral": 0}
    await voter.disconnect(), await reader.disconnect()


async def test_anonymous_writes_are_refused(draft, paragraph):
    anonymous, *_ = await connect(draft.slug, AnonymousUser())
    await receive(anonymous)
    await anonymous.send_to(
        text_data=json.dumps(
            {"action": "vote", "paragraph": str(paragraph.key), "choice": "agree", "request_id": 7}
        )
    )
    error = await receive_type(anonymous, "error")
    assert error["code"] == "not_authenticated" and error["request_id"] == 7
    await anonymous.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("kein json", "bad_message"),
        ("[1, 2]", "bad_message"),
        ('{"action": "tanzen"}', "bad_message"),
        ('{"action": "comment", "paragraph": "x", "body": 5, "parent": null}', "bad_message"),
        (
            '{"action": "comment", "paragraph": "00000000-0000-0000-0000-000000000000", "body": "x", "parent": null}',
            "not_found",
        ),
        (
            '{"action": "comment", "paragraph": "kein-uuid", "body": "x", "parent": null}',
            "not_found",
        ),
        ('{"action": "vote", "paragraph": "PARA", "choice": "vielleicht"}', "invalid"),
        ('{"action": "comment", "paragraph": "PARA", "body": "   ", "parent": null}', "invalid"),
        ('{"action": "support", "comment": 999999, "on": true}', "not_found"),
        ('{"action": "resume", "since": "gestern"}', "bad_message"),
    ],
)
async def test_errors_have_the_contract_codes_and_the_socket_stays_usable(
    draft, paragraph, citizen, frame, code
):
    communicator, *_ = await connect(draft.slug, citizen)
    await receive(communicator)
    await communicator.send_to(text_data=frame.replace("PARA", str(paragraph.key)))
    error = await receive_type(communicator, "error")
    assert error["code"] == code and error["message"]
    await communicator.send_to(
        text_data=json.dumps(
            {
                "action": "vote",
                "paragraph": str(paragraph.key),
                "choice": "neutral",
                "request_id": "ok",
            }
        )
    )
    assert (await receive_type(communicator, "ack"))["request_id"] == "ok"
    await communicator.disconnect()


async def test_closed_draft_answers_closed(draft, paragraph, citizen):
    from drafts.services import draft_close

    await sync_to_async(draft_close)(draft=draft)
    communicator, *_ = await connect(draft.slug, citizen)
    await receive(communicator)
    await communicator.send_to(
        text_data=json.dumps({"action": "vote", "paragraph": str(paragraph.key), "choice": "agree"})
    )
    assert (await receive_type(communicator, "error"))["code"] == "closed"
    await communicator.disconnect()


async def test_errors_in_english_with_lang_en(draft, paragraph):
    communicator, *_ = await connect(draft.slug, AnonymousUser(), query="?lang=en")
    await receive(communicator)
    await communicator.send_to(
        text_data=json.dumps({"action": "vote", "paragraph": str(paragraph.key), "choice": "agree"})
    )
    assert (await receive_type(communicator, "error"))["message"] == "Please log in to take part."
    await communicator.disconnect()


async def test_oversized_frame_is_refused_and_the_socket_stays_usable(draft, paragraph, citizen):
    communicator, *_ = await connect(draft.slug, citizen)
    await receive(communicator)
    await communicator.send_to(text_data="x" * (64 * 1024 + 1))
    error = await receive_type(communicator, "error")
    assert error["code"] == "bad_message" and "64 KiB" in error["message"]
    await communicator.send_to(
        text_data=json.dumps({"action": "vote", "paragraph": str(paragraph.key), "choice": "agree"})
    )
    assert (await receive_type(communicator, "ack"))["counts"]["agree"] == 1
    await communicator.disconnect()


async def test_flag_over_the_socket(draft, paragraph, citizen, other_citizen):
    comment = await sync_to_async(services.comment_create)(
        user=citizen, paragraph=paragraph, body="gemeldet"
    )
    communicator, *_ = await connect(draft.slug, other_citizen)
    await receive(communicator)
    await communicator.send_to(
        text_data=json.dumps(
            {"action": "flag", "comment": comment.pk, "reason": "spam", "note": "Werbung"}
        )
    )
    assert (await receive_type(communicator, "ack"))["comment"] == comment.pk
    await communicator.send_to(
        text_data=json.dumps({"action": "flag", "comment": comment.pk, "reason": "spam"})
    )
    assert (await receive_type(communicator, "error"))["code"] == "invalid"
    await communicator.disconnect()


async def test_rate_limit_per_connection(draft, paragraph, citizen):
    communicator, *_ = await connect(draft.slug, citizen)
    await receive(communicator)
    for _ in range(30):
        await communicator.send_to(text_data=json.dumps({"action": "resume", "since": 10**9}))
    codes = []
    for _ in range(60):
        message = await receive(communicator)
        if message["type"] == "error":
            codes.append(message["code"])
        if len(codes) >= 1:
            break
    assert "rate_limited" in codes
    await communicator.disconnect()


async def test_a_frame_over_the_connections_limit_is_refused_by_its_request_id(
    draft, paragraph, citizen
):
    """The page waits for the answer to each request by its id: a refusal without it left a
    comment's button disabled for good and the request to be sent again after a reconnect."""
    communicator, *_ = await connect(draft.slug, citizen)
    await receive(communicator)
    key = str(paragraph.key)
    for n in range(25):
        frame = {"action": "vote", "paragraph": key, "choice": "agree", "request_id": f"v{n}"}
        await communicator.send_to(text_data=json.dumps(frame))
    answers = {}
    while len(answers) < 25:
        message = await receive(communicator)
        if message["type"] in ("ack", "error"):
            answers[message["request_id"]] = message.get("code", "ack")
    assert set(answers) == {f"v{n}" for n in range(25)}
    assert "rate_limited" in answers.values()
    await communicator.disconnect()


async def test_resume_replays_missed_events_in_order(draft, paragraph, citizen, other_citizen):
    reader, *_ = await connect(draft.slug, AnonymousUser())
    hello = await receive(reader)
    await reader.disconnect()
    for body in ("eins", "zwei", "drei"):
        await sync_to_async(services.comment_create)(user=citizen, paragraph=paragraph, body=body)
    reader, *_ = await connect(draft.slug, AnonymousUser())
    await receive(reader)
    await reader.send_to(
        text_data=json.dumps({"action": "resume", "since": hello["seq"], "request_id": "r"})
    )
    replayed = [await receive_type(reader, "comment.created") for _ in range(3)]
    assert [m["comment"]["body_html"] for m in replayed] == [
        "<p>eins</p>",
        "<p>zwei</p>",
        "<p>drei</p>",
    ]
    assert [m["seq"] for m in replayed] == [hello["seq"] + 1, hello["seq"] + 2, hello["seq"] + 3]
    ack = await receive_type(reader, "ack")
    assert ack["replayed"] == 3
    await reader.disconnect()


async def test_resume_answers_resync_when_events_are_gone(draft, paragraph, citizen):
    from deliberation.models import Event

    await sync_to_async(services.comment_create)(user=citizen, paragraph=paragraph, body="weg")
    await sync_to_async(lambda: Event.objects.all().delete())()
    reader, *_ = await connect(draft.slug, AnonymousUser())
    await receive(reader)
    await reader.send_to(text_data=json.dumps({"action": "resume", "since": 0}))
    assert (await receive(reader))["type"] == "resync"
    await reader.disconnect()


async def test_pending_comments_reach_moderators_only(pre_draft, citizen, moderator):
    paragraph = await sync_to_async(lambda: pre_draft.paragraphs.exclude(kind="heading").first())()
    public, *_ = await connect(pre_draft.slug, AnonymousUser())
    mod, *_ = await connect(pre_draft.slug, moderator)
    author, *_ = await connect(pre_draft.slug, citizen)
    for c in (public, mod, author):
        await receive(c)
    await author.send_to(
        text_data=json.dumps(
            {"action": "comment", "paragraph": str(paragraph.key), "body": "geheim", "parent": None}
        )
    )
    ack = await receive_type(author, "ack")
    assert ack["comment"]["status"] == "pending"
    pending = await receive_type(mod, "comment.pending")
    assert pending["comment"]["body_html"] == "<p>geheim</p>" and "seq" not in pending
    assert await public.receive_nothing(timeout=0.5)
    for c in (public, mod, author):
        await c.disconnect()


async def test_support_broadcasts_new_total(draft, paragraph, citizen, other_citizen):
    comment = await sync_to_async(services.comment_create)(
        user=citizen, paragraph=paragraph, body="gut"
    )
    supporter, *_ = await connect(draft.slug, other_citizen)
    await receive(supporter)
    await supporter.send_to(
        text_data=json.dumps({"action": "support", "comment": comment.pk, "on": True})
    )
    changed = await receive_type(supporter, "supports.changed")
    assert changed == {
        "type": "supports.changed",
        "seq": changed["seq"],
        "comment": comment.pk,
        "supports": 1,
    }
    await supporter.disconnect()


async def test_a_socket_of_an_account_deleted_elsewhere_is_closed_on_its_next_write(
    draft, paragraph, citizen
):
    """Deleting an account ends every session: an open socket of it (another device) answers
    its next write with not_authenticated and closes, instead of 'unavailable' for ever."""
    from deliberation.accounts.services import account_delete

    socket, *_ = await connect(draft.slug, citizen)
    await receive(socket)
    await sync_to_async(account_delete)(user=citizen)
    await socket.send_to(
        text_data=json.dumps(
            {
                "action": "vote",
                "paragraph": str(paragraph.key),
                "choice": "agree",
                "request_id": "v",
            }
        )
    )
    error = await receive_type(socket, "error")
    assert error["code"] == "not_authenticated" and error["request_id"] == "v"
    closed = await socket.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4401}


async def test_a_vote_with_if_choice_changes_only_the_vote_it_names(draft, paragraph, citizen):
    communicator, *_ = await connect(draft.slug, citizen)
    await receive(communicator)
    key = str(paragraph.key)

    async def vote(request_id, **fields):
        frame = {"action": "vote", "paragraph": key, "request_id": request_id, **fields}
        await communicator.send_to(text_data=json.dumps(frame))
        while True:
            message = await receive(communicator)
            if message.get("request_id") == request_id:
                return message

    await vote("a", choice="disagree")
    kept = await vote("b", choice="none", if_choice="agree")  # a stale page's withdrawal
    assert (kept["type"], kept["choice"], kept["counts"]["disagree"]) == ("ack", "disagree", 1)
    gone = await vote("c", choice="none", if_choice="disagree")
    assert (gone["choice"], gone["counts"]["disagree"]) == ("none", 0)
    wrong = await vote("d", choice="agree", if_choice="maybe")
    assert (wrong["type"], wrong["code"]) == ("error", "invalid")
    assert not await sync_to_async(ParagraphVote.objects.filter(user=citizen).exists)()
    await communicator.disconnect()
