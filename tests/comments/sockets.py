"""Websocket helpers of the comments tests: the ASGI communicator (in process) and a real
websocket client against real Daphne processes (tests/servers.py)."""

import asyncio
import json

import websockets
from channels.testing import WebsocketCommunicator
from django.test import Client

from deliberation.asgi import application

ORIGIN = (b"origin", b"http://localhost")


async def connect(slug, user=None, origin=ORIGIN, query=""):
    from django.contrib.auth import get_user_model  # noqa: F401

    path = f"/ws/drafts/{slug}/{query}"
    headers = [origin] if origin else []
    communicator = WebsocketCommunicator(application, path, headers=headers)
    if user is not None:
        communicator.scope["user"] = user  # AuthMiddleware keeps a user that is already set
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def receive(communicator, timeout=3):
    return json.loads(await communicator.receive_from(timeout=timeout))


async def receive_type(communicator, kind, timeout=3):
    """The next message of type `kind`; messages of other types are kept for later calls."""
    held = communicator.__dict__.setdefault("held", [])
    for message in held:
        if message["type"] == kind:
            held.remove(message)
            return message
    while True:
        message = await receive(communicator, timeout)
        if message["type"] == kind:
            return message
        held.append(message)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def open_socket(server, slug, cookie=None, origin=None):
    headers = {"Cookie": cookie} if cookie else {}
    return await websockets.connect(
        f"ws://{server}/ws/drafts/{slug}/",
        origin=origin or f"http://{server}",
        additional_headers=headers,
        open_timeout=10,
    )


async def next_of(socket, kind, timeout=5):
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message
