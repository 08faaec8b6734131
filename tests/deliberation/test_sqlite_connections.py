"""The sockets' database thread keeps its SQLite connection; an ASGI request closes its own."""

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.core.asgi import get_asgi_application
from django.core.signals import request_finished
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL connections come from a pool"
)


def _open_connection():
    """This thread's raw SQLite connection after a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connection.connection


@pytest.mark.django_db(transaction=True)
async def test_the_socket_thread_keeps_its_connection_between_calls():
    first = await database_sync_to_async(_open_connection)()
    second = await database_sync_to_async(_open_connection)()
    assert second is first  # not closed (and the WAL checkpointed) after every call
    assert first.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
async def test_an_asgi_request_closes_its_connection_when_it_ends():
    seen = []

    def after_ours(**kwargs):  # connected after the project's receiver: runs after it
        seen.append(connection.connection)

    request_finished.connect(after_ours)
    try:
        app = ApplicationCommunicator(
            get_asgi_application(),
            {
                "type": "http",
                "method": "GET",
                "path": "/api/drafts/",
                "query_string": b"",
                "headers": [(b"host", b"localhost")],
            },
        )
        await app.send_input({"type": "http.request", "body": b""})
        start = await app.receive_output(5)
        await app.receive_output(5)  # the body
        await app.wait(5)
    finally:
        request_finished.disconnect(after_ours)
    assert start["status"] == 200
    # The request's thread ends with the request: a connection kept there would stay open
    # until the garbage collector found it.
    assert seen == [None]
