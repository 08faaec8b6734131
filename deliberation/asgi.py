"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os
import sys

from django.core.asgi import get_asgi_application

# The server's two busy threads, the event loop and the database thread, share the GIL. The
# database thread gives it up for every SQLite or PostgreSQL call and then waited up to the
# switch interval (5 ms by default) for the busy loop to hand it back, many times per vote: in
# a burst of votes the server idled a third of the time (bench/votes.py: 430 acks/s at 61 % of
# a core; with 0.5 ms 800 acks/s at 100 %; issue 14).
SWITCH_INTERVAL = 0.0005  # seconds
sys.setswitchinterval(SWITCH_INTERVAL)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from deliberation.routing import websocket_urlpatterns  # noqa: E402
from deliberation.socket_auth import SessionOnlyWhenSent  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            SessionOnlyWhenSent(URLRouter(websocket_urlpatterns))
        ),
    }
)
