"""The websocket of a draft: thin. Authorize, subscribe, accept, hello; then parse, call, answer."""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation import events, fastpath
from deliberation.api import MAX_ID
from deliberation.errors import ActionRefused
from deliberation.groupcommit import group_commit
from deliberation.hub import HubSocketMixin, get_hub
from deliberation.idempotency import receipt_hint, write_once
from deliberation.ratelimit import limit_for
from drafts.anchoring import Quote
from drafts.models import Draft, parse_paragraph_key
from drafts.selectors import draft_visible_to

from . import commenting, selectors, services, voting
from .models import Comment
from .permissions import can_see_unreleased
from .serializers import comment_payload
from .similar import similar_to

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
UNAVAILABLE = gettext_lazy("Something went wrong on our side; nothing was saved. Please try again.")
GONE = gettext_lazy("This account no longer exists. Please reload the page.")
ACCOUNT_GONE_CLOSE = 4401  # close code: the account was deleted while the socket was open
BURST = 20  # frames at once; after that, RATE_LIMITS["socket"] frames a minute
REPLAY_PER_TOKEN = 50  # a resume costs one frame more per this many events it replays


def _language(scope) -> str:
    query = dict(
        part.split("=", 1)
        for part in scope.get("query_string", b"").decode().split("&")
        if "=" in part
    )
    return "en" if query.get("lang") == "en" else "de"


@dataclass(frozen=True)
class CommentAction:
    """A write on one comment that an app built on comments adds to the draft socket (the
    moderation's report, "flag"): a frame `{"action": <name>, "comment": <id>, **fields}`.

    `fields`: name -> default (None: required); every field is a text. `write(user=, comment=,
    **fields)` does the write and raises ActionRefused; the comment is one of the socket's draft,
    read for the logged-in person. `bad_message`: the refusal of a frame without them.
    """

    fields: dict[str, str | None]
    write: Callable[..., object]
    bad_message: str  # a lazy translation


# Writes on a comment registered by other apps (comment_action_register), by action name.
COMMENT_ACTIONS: dict[str, CommentAction] = {}


def comment_action_register(name: str, action: CommentAction) -> None:
    """Let the draft socket take frames with `"action": name` (call it in an AppConfig.ready)."""
    COMMENT_ACTIONS[name] = action


def _is_id(value: Any, least: int = 1) -> bool:
    """A row id (or sequence number, `least=0`) as a frame may carry it: a JSON whole number
    least..MAX_ID. Not a boolean (Python's True is an int), and nothing a database column
    cannot hold (SQLite raises OverflowError)."""
    return isinstance(value, int) and not isinstance(value, bool) and least <= value <= MAX_ID


def _quote(value: Any) -> Quote | None:
    """A comment's `quote`: null, or {"exact", "prefix", "suffix"} (prefix and suffix optional)."""
    if value is None:
        return None
    parts = (
        (value.get("exact"), value.get("prefix", ""), value.get("suffix", ""))
        if isinstance(value, dict)
        else None
    )
    if parts is None or not all(isinstance(part, str) for part in parts):
        raise ActionRefused(
            "bad_message",
            _("“quote” is null or an object with the texts “exact”, “prefix” and “suffix”."),
        )
    return Quote(*parts)


def _parse(text_data: str | None) -> dict | None:
    """The frame as a JSON object, or None for anything else.

    Anything else includes nesting too deep for the parser (RecursionError) and a lone
    surrogate (`\\ud800`), which is no character: no text with one can be stored or sent.
    """
    try:
        message = json.loads(text_data) if text_data is not None else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict):
        return None
    if "\\u" in text_data:  # only an escape can produce a lone surrogate
        try:
            events.encode(message).encode()
        except (UnicodeEncodeError, RecursionError):
            return None
    return message


class DraftConsumer(HubSocketMixin, AsyncWebsocketConsumer):
    # Sockets never read from the channel layer: the process's hub does, once per draft, and
    # hands each socket the encoded text. An alias with no layer gives the socket no channel.
    channel_layer_alias = "none: the hub receives for every socket"
    draft_id: int | None = None
    streams: tuple[str, ...] = ()

    async def connect(self):
        self.user = self.scope["user"]
        self.language = _language(self.scope)
        found = await self._find_draft(self.scope["url_route"]["kwargs"]["slug"])
        if found is None:
            await self.close(code=4404)  # before accept: the handshake is refused
            return
        self.draft_id, self.streams, version = found
        self.ready = False
        self.backlog: list[str] = []
        self.fast = fastpath.sender(self.scope)
        self.tokens, self.refilled = float(BURST), time.monotonic()
        # Join before the snapshot, so that nothing falls between hello and the first event.
        hub = get_hub()
        for stream in self.streams:
            await hub.subscribe(stream, self)
        await self.accept()
        seq, counts = await database_sync_to_async(self._state)()
        hello = {
            "type": "hello",
            "seq": seq,
            "counts": counts,
            "version": version,
            "viewers": await hub.viewers(self.streams[0]),
            "user": {"id": self.user.pk, "name": self.user.get_username()}
            if self.user.is_authenticated
            else None,
        }
        await self.send(text_data=events.encode(hello))
        self.ready = True
        for text in self.backlog:
            await self.send(text_data=text)
        self.backlog = []

    async def dispatch(self, message):
        """A frame goes to its handler at once. channels' own dispatch first runs
        close_old_connections on the database thread for every message, so each frame waited
        there behind the group commit's whole group (issue 14); every database call of a
        handler goes through database_sync_to_async, which closes old connections itself."""
        if message.get("type") == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    def deliver_now(self, frame: fastpath.Frame) -> bool:
        """Called by the hub with an event's frame: the hot path of every fan-out. Kept until
        the hello is out, or written by the server's fast path; False: the hub awaits
        `deliver`."""
        if not self.ready:
            self.backlog.append(frame.text)
            return True
        return self.fast is not None and self.fast.send(frame)

    async def deliver(self, frame: fastpath.Frame) -> None:
        """An event's frame through the ASGI send, past the consumer's own send helpers."""
        await self.base_send({"type": "websocket.send", "text": frame.text})

    def _state(self) -> tuple[int, dict]:
        """The draft's latest seq and its vote counts snapshot (`selectors.vote_snapshot`)."""
        return events.latest_seq(self.streams[0]), selectors.vote_snapshot(draft_id=self.draft_id)

    @database_sync_to_async
    def _find_draft(self, slug: str):
        """The draft's id, its streams and version (the seq is read after joining the hub)."""
        draft = Draft.objects.filter(slug=slug).first()
        if draft is None or not draft_visible_to(draft=draft, user=self.user):
            return None
        streams = [events.stream_name(draft)]
        if can_see_unreleased(user=self.user):
            streams.append(events.stream_name(draft, events.MODERATORS))
        return draft.pk, tuple(streams), draft.version

    # Client -> server ------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        request_id = None
        with translation.override(self.language):
            try:
                if size > MAX_FRAME_BYTES:
                    # Daphne may not send close code 1009, so the refusal is an error frame.
                    raise ActionRefused(
                        "bad_message", _("The message is too large (at most 64 KiB).")
                    )
                # Read before the frame's token is taken: a refusal then names the request it
                # refuses, and the page can tell the person instead of waiting for an answer.
                message = _parse(text_data)
                if message is not None:
                    request_id = message.get("request_id")
                if not self._take_token():
                    raise ActionRefused("rate_limited", _("Too many messages. Please slow down."))
                if message is None:
                    raise ActionRefused("bad_message", _("Messages must be JSON objects."))
                action = message.get("action")
                handler = self.ACTIONS.get(action) if isinstance(action, str) else None
                if handler is None and isinstance(action, str) and action in COMMENT_ACTIONS:
                    handler = DraftConsumer._comment_action
                if handler is None:
                    raise ActionRefused("bad_message", _("Unknown action."))
                answer = await handler(self, message)
                await self._reply({"type": "ack", "request_id": request_id, **answer})
            except ActionRefused as exc:
                await self._refuse(request_id, exc)
            except Exception:
                if await self._account_gone():
                    # Deleted while this socket was open (another device): its sessions ended,
                    # so does the socket; the page reconnects as an anonymous reader.
                    await self._refuse(request_id, ActionRefused("not_authenticated", str(GONE)))
                    await self.close(code=ACCOUNT_GONE_CLOSE)
                    return
                # The database or Redis failed (or a bug): the write was rolled back, so say so
                # and keep the socket; raising would close it with 1011.
                logger.exception("could not handle a frame on draft %s", self.draft_id)
                await self._refuse(request_id, ActionRefused("unavailable", str(UNAVAILABLE)))

    async def _account_gone(self) -> bool:
        """Whether this socket's person had an account that no longer exists (asked only after
        a write failed, so a write costs no extra query)."""
        if not self.user.is_authenticated:
            return False
        model = type(self.user)
        try:
            return not await model.objects.filter(pk=self.user.pk).aexists()
        except Exception:
            return False

    async def _refuse(self, request_id, exc: ActionRefused) -> None:
        await self._reply(
            {"type": "error", "request_id": request_id, "code": exc.code, "message": exc.message}
        )

    async def _reply(self, answer: dict) -> None:
        """The answer to a frame: written at once by the server's fast path when it can (as the
        fan-out's frames are: an ack through the ASGI send cost a buffered write, two epoll
        calls, per vote; issue 14), else through the ASGI send. Frames keep their order."""
        text = events.encode(answer)
        if self.fast is None or not self.fast.send(fastpath.Frame(text)):
            await self.send(text_data=text)

    def _take_token(self, cost: float = 1) -> bool:
        """Take `cost` frames from the socket's token bucket; False (nothing taken) when short."""
        now = time.monotonic()
        refill_per_second = limit_for("socket") / 60
        self.tokens = min(BURST, self.tokens + (now - self.refilled) * refill_per_second)
        self.refilled = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True

    async def _comment(self, message: dict[str, Any]) -> dict:
        key, body, parent = message.get("paragraph"), message.get("body"), message.get("parent")
        if not (
            isinstance(key, str) and isinstance(body, str) and (parent is None or _is_id(parent))
        ):
            raise ActionRefused(
                "bad_message", _("A comment needs “paragraph”, “body” and “parent”.")
            )
        quote = _quote(message.get("quote"))
        return await self._write(message, self._do_comment, key, body, parent, quote)

    def _do_comment(
        self, key: str, body: str, parent_id: int | None, quote: Quote | None = None
    ) -> dict:
        if not self.user.is_authenticated:
            raise ActionRefused("not_authenticated", _("Please log in to take part."))
        # One statement for the paragraph, its draft and what the checks ask about the writer.
        paragraph, writer = commenting.paragraph_for_comment(
            user=self.user, draft_id=self.draft_id, key=key
        )
        parent = None
        if parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id, draft_id=self.draft_id).first()
            if parent is None:
                raise ActionRefused(
                    "not_found", _("The comment you wanted to answer does not exist.")
                )
        comment = services.comment_create(
            user=self.user,
            paragraph=paragraph,
            body=body,
            parent=parent,
            quote=quote,
            writer=writer,
        )
        return {"comment": comment_payload(comment)}

    async def _vote(self, message: dict[str, Any]) -> dict:
        key, choice = message.get("paragraph"), message.get("choice")
        if_choice = message.get("if_choice")
        if not (
            isinstance(key, str)
            and isinstance(choice, str)
            and (if_choice is None or isinstance(if_choice, str))
        ):
            raise ActionRefused(
                "bad_message", _("A vote needs “paragraph” and “choice” (both texts).")
            )
        # Votes come in bursts: written with the others waiting at this moment, in one
        # transaction, each answered on its own (deliberation/groupcommit.py). What it reads is
        # said beforehand: read with the group's other votes, in one go; what it writes (the
        # vote, its receipt) is written at the group's end with the others' (deferred).
        order = (key, self.user.pk or 0) if settings.LIVE_GROUP_COMMIT else None
        hints = voting.vote_hint(user=self.user, draft_id=self.draft_id, key=key, choice=choice)
        return await self._write(
            message, self._do_vote, key, choice, if_choice, grouped=order, hints=hints
        )

    def _do_vote(self, key: str, choice: str, if_choice: str | None = None) -> dict:
        result = voting.vote_cast_at(
            user=self.user, draft_id=self.draft_id, key=key, choice=choice, if_choice=if_choice
        )
        result["paragraph"] = key  # the same dict: in a group, its totals come at the group's end
        return result

    async def _support(self, message: dict[str, Any]) -> dict:
        comment_id, on = message.get("comment"), message.get("on")
        if not _is_id(comment_id) or not isinstance(on, bool):
            raise ActionRefused(
                "bad_message", _("Support needs “comment” (a number) and “on” (true or false).")
            )
        return await self._write(message, self._do_support, comment_id, on)

    def _do_support(self, comment_id: int, on: bool) -> dict:
        comment = self._comment_row(comment_id)
        return {
            "comment": comment_id,
            "supports": services.comment_support(user=self.user, comment=comment, on=on),
        }

    async def _resume(self, message: dict[str, Any]) -> dict:
        since = message.get("since")
        if not _is_id(since, least=0):
            raise ActionRefused("bad_message", _("Resume needs “since”, a sequence number."))
        texts, counts = await database_sync_to_async(self._replay)(since)
        if texts is None:
            await self.send(text_data=events.encode({"type": "resync"}))
            return {"replayed": 0, "counts": counts}
        # The frame itself was counted; a replay of many events counts as more frames.
        if not self._take_token(len(texts) / REPLAY_PER_TOKEN):
            raise ActionRefused("rate_limited", _("Too many messages. Please slow down."))
        for text in texts:
            await self.send(text_data=text)
        return {"replayed": len(texts), "counts": counts}

    def _replay(self, since: int) -> tuple[list[str] | None, dict]:
        """The events after `since` (None: no longer all kept), then the vote counts snapshot:
        votes are not in the event log, the snapshot brings them up to date."""
        texts = events.events_since(self.streams[0], since, events.REPLAY_LIMIT)
        if texts is not None:  # the comments as they are now (protocol 3.5)
            texts = selectors.events_as_now(draft_id=self.draft_id, texts=texts)
        return texts, selectors.vote_snapshot(draft_id=self.draft_id)

    async def _comment_action(self, message: dict[str, Any]) -> dict:
        """A write another app registered (COMMENT_ACTIONS), on one comment of this draft."""
        action = COMMENT_ACTIONS[message["action"]]
        comment_id = message.get("comment")
        values = {name: message.get(name, default) for name, default in action.fields.items()}
        if not _is_id(comment_id) or not all(isinstance(v, str) for v in values.values()):
            raise ActionRefused("bad_message", str(action.bad_message))
        return await self._write(message, self._do_comment_action, action, comment_id, values)

    def _do_comment_action(self, action: CommentAction, comment_id: int, values: dict) -> dict:
        action.write(user=self.user, comment=self._comment_row(comment_id), **values)
        return {"comment": comment_id}

    async def _similar(self, message: dict[str, Any]) -> dict:
        """Published comments alike to a text being typed (comments/similar.py): a read, open to
        anonymous readers too; rate-limited as every frame."""
        key, body = parse_paragraph_key(message.get("paragraph")), message.get("body")
        if key is None or not isinstance(body, str):
            raise ActionRefused(
                "bad_message",
                _("“similar” needs “paragraph” (a paragraph key) and “body” (a text)."),
            )
        reader = self.user.pk if self.user.is_authenticated else None
        found = await database_sync_to_async(similar_to)(
            draft_id=self.draft_id, paragraph_key=key, text=body, reader_id=reader
        )
        return {"similar": [asdict(alike) for alike in found]}

    ACTIONS = {
        "comment": _comment,
        "vote": _vote,
        "support": _support,
        "resume": _resume,
        "similar": _similar,
    }

    # Helpers ---------------------------------------------------------------------------------

    async def _write(
        self,
        message: dict[str, Any],
        function,
        *args,
        grouped: tuple | None = None,
        hints: dict | None = None,
    ) -> dict:
        """Run a write in a worker thread, in the socket's language, once per request id: a
        repeat of the frame's `request_id` by the same person gets the first answer again, the
        same id with another action or other parameters is refused (`invalid`).

        `grouped`: the write touches nothing but the database, so it joins the process's group
        commit at this place in its group (`GroupCommit.run`'s `order`), deferred (it writes
        nothing itself while `groupcommit.deferring()`: comments/voting.py), and its receipt is
        written once, after it (`write_once(transactional=True)`). None: a transaction of its
        own, its receipt claimed before it. `hints`: what the grouped write will read besides
        its receipt (`GroupCommit.run`'s)."""
        language, request_id = self.language, message.get("request_id")
        what = {name: value for name, value in message.items() if name != "request_id"}

        def run():
            with translation.override(language):
                return write_once(
                    user=self.user,
                    request_id=request_id,
                    what=what,
                    write=lambda: function(*args),
                    transactional=grouped is not None,
                )

        if grouped is not None:
            hints = {**(hints or {}), **receipt_hint(user=self.user, request_id=request_id)}
            return await group_commit().run(run, order=grouped, hints=hints, deferred=True)
        return await database_sync_to_async(run)()

    def _comment_row(self, comment_id: int) -> Comment:
        if not self.user.is_authenticated:
            raise ActionRefused("not_authenticated", _("Please log in to take part."))
        comment = (
            Comment.objects.select_related("draft", "paragraph")
            .filter(pk=comment_id, draft_id=self.draft_id)
            .first()
        )
        if comment is None:
            raise ActionRefused("not_found", _("This comment does not exist."))
        return comment
