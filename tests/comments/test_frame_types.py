"""Every field of every websocket action with a JSON value of the wrong type is `bad_message`.

Issue 12: `{"action": ["comment"]}` was answered `unavailable` with a server traceback
(unhashable list), ids past what a column holds raised OverflowError, and `true` passed as the
id 1. The table: per action a frame that is well-formed, then each field replaced by values of
the wrong JSON type (or left out); the answer must be the error `bad_message`, never
`unavailable` (a server fault) and never a write.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from comments.models import Comment, ParagraphVote
from comments.moderation.models import Flag
from deliberation.asgi import application
from tests.comments.sockets import ORIGIN, connect, receive_type

HUGE = [2**63, 2**64, 10**30]
NOT_TEXT = [[], ["x"], {}, {"a": 1}, 1, 1.5, True, None, *HUGE]
NOT_ID = ["1", [], [1], {}, {"a": 1}, 1.5, 1.0, True, False, None, 0, -1, *HUGE]
NOT_BOOL = [1, 0, "true", [], {}, None]
NOT_QUOTE = ["x", [], 1, True, {"exact": []}, {"exact": "a", "prefix": 1}, {"prefix": "a"}]
MISSING = object()

BASES = {
    "comment": {"paragraph": "p", "body": "Text", "parent": None, "quote": None},
    "vote": {"paragraph": "p", "choice": "agree"},
    "support": {"comment": 1, "on": True},
    "flag": {"comment": 1, "reason": "spam", "note": ""},
    "resume": {"since": 0},
    "similar": {"paragraph": "p", "body": "Text"},
}
WRONG = {
    ("comment", "paragraph"): [*NOT_TEXT, MISSING],
    ("comment", "body"): [*NOT_TEXT, MISSING],
    ("comment", "parent"): [value for value in NOT_ID if value is not None],
    ("comment", "quote"): NOT_QUOTE,
    ("vote", "paragraph"): [*NOT_TEXT, MISSING],
    ("vote", "choice"): [*NOT_TEXT, MISSING],
    ("support", "comment"): [*NOT_ID, MISSING],
    ("support", "on"): [*NOT_BOOL, MISSING],
    ("flag", "comment"): [*NOT_ID, MISSING],
    ("flag", "reason"): [*NOT_TEXT, MISSING],
    ("flag", "note"): NOT_TEXT,
    ("resume", "since"): [value for value in NOT_ID if value != 0] + [MISSING],
    ("similar", "paragraph"): [*NOT_TEXT, MISSING],
    ("similar", "body"): [*NOT_TEXT, MISSING],
}
CASES = [
    pytest.param({"action": value}, id=f"action={json.dumps(value)}")
    for value in [["comment"], {"a": 1}, 1, 1.5, True, None, *HUGE, "nothing"]
] + [
    pytest.param(
        {
            "action": action,
            **{name: base for name, base in BASES[action].items() if name != field},
            **({} if value is MISSING else {field: value}),
        },
        id=f"{action}.{field}={'missing' if value is MISSING else json.dumps(value)}",
    )
    for (action, field), values in WRONG.items()
    for value in values
]


def test_the_table_covers_every_action_and_field():
    from comments.consumers import COMMENT_ACTIONS, DraftConsumer

    assert set(BASES) == set(DraftConsumer.ACTIONS) | set(COMMENT_ACTIONS)
    assert {(action, field) for action in BASES for field in BASES[action]} == set(WRONG)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("frame", CASES)
async def test_a_field_of_the_wrong_type_is_a_bad_message(draft, paragraph, citizen, frame):
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    frame = {**frame, "request_id": "typed"}
    if frame.get("paragraph") == "p":
        frame["paragraph"] = str(paragraph.key)
    await socket.send_to(text_data=json.dumps(frame))
    error = await receive_type(socket, "error")
    assert (error["code"], error["request_id"]) == ("bad_message", "typed"), error
    await socket.disconnect()
    assert not await sync_to_async(Comment.objects.exists)()
    assert not await sync_to_async(ParagraphVote.objects.exists)()
    assert not await sync_to_async(Flag.objects.exists)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", [["comment"], {"a": 1}, 1, None, "comment"])
async def test_the_moderation_socket_answers_any_frame_with_bad_message(moderator, action):
    socket = WebsocketCommunicator(application, "/ws/moderation/", headers=[ORIGIN])
    socket.scope["user"] = moderator
    assert (await socket.connect(timeout=5))[0]
    await receive_type(socket, "hello")
    await socket.send_to(text_data=json.dumps({"action": action, "since": 2**64}))
    assert (await receive_type(socket, "error"))["code"] == "bad_message"
    await socket.disconnect()
