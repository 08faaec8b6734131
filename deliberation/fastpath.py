"""The fan-out fast path: one prepared websocket frame per event, written at once per socket.

Why. Profiling a fan-out of one comment to 1,000 readers on one Daphne (bench/fanout.py) found
the time spent per socket, not per event: the frame was built again for every socket and passed
down the whole ASGI send chain (channels' wrappers, Daphne's `handle_reply`, autobahn's
`sendMessage` with its debug logging), and Twisted buffered every write for the next loop turn
(two `epoll_ctl` calls per frame). Here the frame is built once per event with autobahn's
public prepared-message API (`WebSocketServerFactory.prepareMessage`), and each socket gets it
written to its TCP socket at once (`transport.getHandle().send`) when that transport has
nothing buffered; otherwise, and for any rest the kernel did not take, it goes through
autobahn's `sendPreparedMessage` (Twisted's buffered `write`), so the order of frames on a
socket is kept. Neither half alone is enough (see bench/README.md).

How it is reached. Daphne's public extension point: `Server`, which the CLI takes from
`CommandLineInterface.server_class`, is subclassed so that each websocket's scope carries
`scope["extensions"]["deliberation.fastpath"]` (ASGI's place for server extensions) with a
`Sender` bound to that connection. `main` is Daphne's command line with that server (run
`python -m deliberation.fastpath`, same arguments as `daphne`). Nothing of a library is replaced.

When it steps aside. The versions below are the ones it was tested with; with any other
version of Daphne, autobahn or Twisted, no sender is offered and every frame takes the plain
ASGI send. Per frame it also steps aside (the caller then uses the ASGI send) when the
connection is not open, compression or another extension was negotiated, autobahn has its own
send queue, or the transport is not a plain TCP/Unix socket (TLS). Plain `daphne` offers no
sender at all, so the application works unchanged there.
"""

import logging
from importlib.metadata import version

from autobahn.websocket.protocol import WebSocketProtocol
from daphne.cli import CommandLineInterface
from daphne.server import Server
from twisted.internet import reactor, tcp

logger = logging.getLogger(__name__)

EXTENSION = "deliberation.fastpath"
TESTED_WITH = {"daphne": "4.2.3", "autobahn": "26.10.2", "twisted": "26.10.0"}
STATE_OPEN = WebSocketProtocol.STATE_OPEN


def unavailable_reason(installed: dict[str, str] | None = None) -> str | None:
    """Why the fast path is off (a sentence), or None when it is on.

    `installed`: package name -> version (the installed ones when None). Any version other
    than those in TESTED_WITH turns it off: it reads transport and protocol state whose
    meaning was checked for those versions only.
    """
    if installed is None:
        installed = {name: version(name) for name in TESTED_WITH}
    differing = [
        f"{name} {installed.get(name)} (tested: {tested})"
        for name, tested in TESTED_WITH.items()
        if installed.get(name) != tested
    ]
    return f"untested versions: {', '.join(differing)}" if differing else None


class Frame:
    """One event's text as it goes to many sockets; its prepared websocket frame is built once.

    `text`: the encoded event (str). `prepared(factory)` returns autobahn's PreparedMessage for
    that factory (one per Daphne process), built on first use.
    """

    __slots__ = ("_factory", "_prepared", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._factory = None
        self._prepared = None

    def prepared(self, factory):
        if self._factory is not factory:
            self._prepared = factory.prepareMessage(self.text.encode("utf-8"), isBinary=False)
            self._factory = factory
        return self._prepared


class Sender:
    """The fast path of one websocket connection (held in its scope's extensions)."""

    __slots__ = ("_handle", "protocol", "server")

    def __init__(self, server: "FastPathServer", protocol) -> None:
        self.server = server
        self.protocol = protocol
        self._handle = None  # the TCP socket, once known; False: never this way (see _handle_of)

    def send(self, frame: Frame) -> bool:
        """Write `frame` to this connection; False when the caller must use the ASGI send.

        Never raises: anything unexpected is logged and answered with False, before a byte of
        the frame was written. This runs once per socket and event, so what cannot change for a
        connection once it is open is looked at on its first frame only (`_handle_of`).
        """
        protocol, server = self.protocol, self.server
        try:
            if "disconnected" in server.connections.get(protocol, _GONE):
                server.frames_stepped_aside += 1
                return False
            transport = protocol.transport
            if (
                protocol.state != STATE_OPEN
                or protocol.send_queue
                or transport.disconnecting
                or not transport.connected
            ):
                server.frames_stepped_aside += 1
                return False
            handle = self._handle
            if handle is None:
                handle = self._handle = _handle_of(protocol, transport)
            if handle is False:
                server.frames_stepped_aside += 1
                return False
            prepared = frame.prepared(protocol.factory)
            buffered = transport.dataBuffer or transport._tempDataLen
        except Exception:
            logger.exception("fast path: unexpected state; using the ASGI send")
            return False
        if buffered:
            protocol.sendPreparedMessage(prepared)  # behind what waits: Twisted's write
            server.frames_behind += 1
            return True
        data = prepared.payloadHybi
        try:
            sent = handle.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            # The connection is failing: Twisted's own write will notice and close it.
            server.frames_stepped_aside += 1
            return False
        if sent < len(data):
            transport.write(data[sent:])
        server.frames_at_once += 1
        return True


_GONE = {"disconnected": True}  # what a connection Daphne no longer knows counts as


def _handle_of(protocol, transport):
    """The TCP socket to write `protocol`'s frames to, or False when its frames must take the
    ASGI send for good: an extension (compression) was negotiated, or the transport is not a
    plain TCP/Unix socket (TLS). Both are settled once the connection is open."""
    if protocol.websocket_extensions_in_use or not isinstance(transport, tcp.Server):
        return False
    return transport.getHandle()


def sender(scope) -> Sender | None:
    """The fast path a websocket's ASGI `scope` offers, or None (plain Daphne, tests, off)."""
    return (scope.get("extensions") or {}).get(EXTENSION)


class FastPathServer(Server):
    """Daphne's server, offering each websocket application a `Sender` in its scope."""

    fast_path_off: str | None = "not running"
    # Frames of the fan-out, counted by the senders (said when the server stops): written to
    # the socket at once, queued behind what was buffered, or left to the ASGI send.
    frames_at_once = frames_behind = frames_stepped_aside = 0

    def run(self):
        self.fast_path_off = unavailable_reason()
        if self.fast_path_off:
            logger.warning("live fast path off: %s", self.fast_path_off)
        else:
            logger.info("live fast path on")
        # Daphne builds its websocket factory in run() and then starts the reactor, which runs
        # this before it serves anything.
        reactor.callWhenRunning(self._close_with_a_code)
        try:
            super().run()
        finally:
            logger.info(
                "live fast path: %d frames written at once, %d behind buffered data, "
                "%d left to the ASGI send",
                self.frames_at_once,
                self.frames_behind,
                self.frames_stepped_aside,
            )

    def _close_with_a_code(self) -> None:
        """autobahn fails a connection by dropping TCP unless told otherwise (`failByDrop`): a
        message over Daphne's 1 MiB limit reached clients as 1006. With the closing handshake
        they get the reason's code (1009 for a message too big), as docs/protocol.md says."""
        self.ws_factory.setProtocolOptions(failByDrop=False)

    def create_application(self, protocol, scope):
        if scope.get("type") == "websocket" and not self.fast_path_off:
            scope["extensions"] = {
                **(scope.get("extensions") or {}),
                EXTENSION: Sender(self, protocol),
            }
        return super().create_application(protocol, scope)


class CommandLine(CommandLineInterface):
    server_class = FastPathServer


def main() -> None:
    """Daphne's command line (same arguments as `daphne`) serving with the fast path."""
    CommandLine.entrypoint()


if __name__ == "__main__":
    # Run as `python -m deliberation.fastpath`: take the classes from the package module, so
    # that the hub and the server share one `Frame` and one `Sender`.
    from deliberation.fastpath import main as package_main

    package_main()
