"""A websocket's person: channels' session stack when a session cookie is sent, else anonymous
at once (deliberation/socket_auth.py)."""

import pytest
from asgiref.sync import sync_to_async

from deliberation.socket_auth import SessionOnlyWhenSent
from tests.comments.sockets import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def scope_seen(headers: list[tuple[bytes, bytes]], **scope) -> dict:
    """The scope the application behind the middleware gets for a websocket with `headers`."""
    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope)

    await SessionOnlyWhenSent(inner)(
        {"type": "websocket", "path": "/ws/", "headers": headers, **scope}, None, None
    )
    return seen


async def test_a_socket_without_a_session_cookie_is_anonymous_without_a_session():
    for headers in ([], [(b"cookie", b"django_language=en; theme=dark")]):
        seen = await scope_seen(headers)
        assert not seen["user"].is_authenticated
        assert "session" not in seen  # channels' session stack was not run


async def test_a_session_cookie_is_resolved_by_channels(citizen):
    cookie = await sync_to_async(session_cookie)(citizen)
    seen = await scope_seen([(b"cookie", f"theme=dark; {cookie}".encode())])
    assert seen["user"].pk == citizen.pk
    assert "session" in seen


async def test_an_unknown_session_is_anonymous(citizen):
    seen = await scope_seen([(b"cookie", b"sessionid=nosuchsession")])
    assert not seen["user"].is_authenticated
    assert "session" in seen  # decided by channels and Django, as before


async def test_a_user_already_in_the_scope_is_kept(citizen):
    seen = await scope_seen([], user=citizen)
    assert seen["user"] == citizen
