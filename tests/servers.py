"""Start real Daphne processes against the test database, for end-to-end tests."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_environment() -> dict[str, str]:
    """What a server or worker started by a test must share with the test's process: the test
    database and the folder of the worker's files (settings.EXPORTS_ROOT)."""
    from django.conf import settings

    return {"DATABASE_URL": database_url_for_tests(), "EXPORTS_ROOT": str(settings.EXPORTS_ROOT)}


def database_url_for_tests() -> str:
    """The database the tests are using right now, as a URL another process can open."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@contextlib.contextmanager
def daphne(
    count: int = 1,
    ports: list[int] | None = None,
    log: Path | None = None,
    module: str = "deliberation.fastpath",
    **env_overrides,
):
    """Run `count` Daphne processes (on `ports`, or free ones); yield their addresses; stop them.

    `log`: a file that receives the processes' output (their log), else only errors are kept.
    `module`: what runs them, `python -m MODULE`: Daphne with the fan-out fast path as in
    production, or "daphne" for plain Daphne.
    """
    env = {**os.environ, "DEBUG": "1", **shared_environment(), **env_overrides}
    processes, urls = [], []
    try:
        for index in range(count):
            port = ports[index] if ports else free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        module,
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "deliberation.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log.open("ab") if log else subprocess.DEVNULL,
                    stderr=subprocess.STDOUT if log else subprocess.PIPE,
                )
            )
            urls.append(f"127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            wait_listening(process, url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_listening(process: subprocess.Popen, url: str, timeout: float = 30) -> None:
    """Return once `process` accepts connections on `url` ("host:port"); raise RuntimeError
    with its output when it exits first, or after `timeout` seconds."""
    host, port = url.split(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read().decode()[-2000:] if process.stderr else ""
            raise RuntimeError(f"{process.args[0]} exited: {output}")
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on {url}")


class RedisServer:
    """A redis-server of the test's own, on a free port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_listening(self.process, f"127.0.0.1:{self.port}")

    def stop(self) -> None:
        """Stop it the way a crash or a restart does: all keys, groups included, are gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextlib.contextmanager
def redis_server():
    """Run a private redis-server; yield it (`.url`, `.restart()`); stop it."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a port of its own that keeps every message it accepts.

    `stop()` and `start()` take it away and bring it back on the same port (a mail server that
    is down for a while); `messages` are `email.message.EmailMessage`s, in order of arrival.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler protocol
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict[str, str]:
        """The environment that points the site's mail at this server."""
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "0",
        }

    def wait_for(self, count: int, timeout: float = 60) -> list:
        """Wait until `count` messages arrived (RuntimeError after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(self.messages)} of {count} mails arrived")
            time.sleep(0.05)
        return self.messages


@contextlib.contextmanager
def smtp_server():
    """Run a real SMTP server in this process; yield it (see SmtpSink); stop it."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@contextlib.contextmanager
def worker(log: Path | None = None, interval: float = 0.2, **env_overrides):
    """Run the real worker (`manage.py worker`) against the test database; stop it after."""
    env = {**os.environ, "DEBUG": "1", **shared_environment(), **env_overrides}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", str(interval)],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab") if log else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
