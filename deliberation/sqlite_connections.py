"""SQLite connections: kept by the sockets' database thread, closed by each HTTP request.

Why. Under Daphne every websocket's database work (channels' `database_sync_to_async`, the
hub's heartbeat, the group commit) runs in one long-lived worker thread per process. Closing its
SQLite connection after every call, as `CONN_MAX_AGE = 0` does, was the most expensive step of a
socket's write: the last connection's close checkpoints the WAL (two fsyncs), and the next
connection's first commit writes the WAL header anew (one more), about four fsyncs per comment
(issue 14). With `CONN_MAX_AGE = None` (settings) that thread keeps its connection, and SQLite
checkpoints on its own every thousand pages.

An HTTP request, though, runs in a thread of its own under ASGI (Django's
`ThreadSensitiveContext`), which ends with the request: a connection kept there would stay open
until the garbage collector found it. `close_request_connection` closes it when the request
ends, as `CONN_MAX_AGE = 0` did. It listens to the ASGI handler only, so the test client
(which keeps its connection for the test's transaction) is unaffected.
"""

from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished
from django.db import connections


def close_request_connection(**kwargs) -> None:
    """Close this thread's open SQLite connections that are outside a transaction (a
    `request_finished` receiver for requests served over ASGI)."""
    for connection in connections.all(initialized_only=True):
        if (
            connection.vendor == "sqlite"
            and connection.connection is not None
            and connection.get_autocommit()
        ):
            connection.close()


def connect() -> None:
    """Close each ASGI request's SQLite connection when it ends (called once, from `ready`)."""
    request_finished.connect(
        close_request_connection, sender=ASGIHandler, dispatch_uid="sqlite_request_close"
    )
