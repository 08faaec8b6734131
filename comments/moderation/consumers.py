"""The moderation queue's websocket (the draft socket is comments/consumers.py)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from comments.consumers import DraftConsumer
from comments.permissions import can_see_unreleased
from deliberation import events, fastpath
from deliberation.hub import HubSocketMixin, get_hub


class ModerationConsumer(HubSocketMixin, AsyncWebsocketConsumer):
    """The moderation queue's socket: moderators only; it only listens (decisions go over HTTP)."""

    channel_layer_alias = DraftConsumer.channel_layer_alias
    streams = (events.MODERATION_STREAM,)

    async def connect(self):
        if not await database_sync_to_async(can_see_unreleased)(user=self.scope["user"]):
            await self.close(code=4403)
            return
        await self.accept()
        # Join before hello: the page reloads the queue on every hello, so each change is either
        # in what that reload reads or arrives as an event afterwards; none falls between.
        await get_hub().subscribe(events.MODERATION_STREAM, self)
        await self.send(text_data=events.encode({"type": "hello"}))

    async def deliver(self, frame: fastpath.Frame) -> None:
        await self.send(text_data=frame.text)

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(
            text_data=events.encode(
                {"type": "error", "code": "bad_message", "message": "read-only"}
            )
        )
