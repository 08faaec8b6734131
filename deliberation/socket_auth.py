"""Who a websocket belongs to: channels' session stack for a socket that sends a session cookie;
one that sends none is an anonymous reader at once.

Why. Most sockets are anonymous readers. channels' AuthMiddlewareStack (cookies, session, user)
keeps, for each socket's whole life, a copy of the scope per layer, a coroutine frame per layer,
a lazy session with its wrapper and a lazy user: about 4 KB of the 32 KB an idle socket cost
(tracemalloc over 1,000 idle sockets, bench/fanout.py), only to find that a socket without a
session cookie belongs to nobody. Such a socket now gets `AnonymousUser` directly; everything
else (a session cookie, valid or not, or a user a test put into the scope) takes channels'
stack as before, so who is logged in is decided in one place, by channels and Django.
"""

from channels.auth import AuthMiddlewareStack
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import parse_cookie


class SessionOnlyWhenSent:
    """ASGI middleware: `AuthMiddlewareStack(inner)` for a scope with a session cookie (or a
    user already set), else `inner` with `scope["user"]` an AnonymousUser."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.with_session = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        if "user" in scope or sends_session(scope):
            return await self.with_session(scope, receive, send)
        return await self.inner({**scope, "user": AnonymousUser()}, receive, send)


def sends_session(scope) -> bool:
    """Whether the scope's Cookie header (the first, which channels reads) names a session."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            return settings.SESSION_COOKIE_NAME in parse_cookie(value.decode("latin1"))
    return False
