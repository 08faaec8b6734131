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


def test_database_url() -> str:
    """The database the tests are using right now, as a URL another process can open."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@contextlib.contextmanager
def daphne(count: int = 1, ports: list[int] | None = None, **env_overrides):
    """Run `count` Daphne processes (on `ports`, or free ones); yield their addresses; stop them."""
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": test_database_url(), **env_overrides}
    processes, urls = [], []
    try:
        for index in range(count):
            port = ports[index] if ports else free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "deliberation.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            urls.append(f"127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            _wait_for(process, url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(process: subprocess.Popen, url: str, timeout: float = 30) -> None:
    host, port = url.split(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited: {process.stderr.read().decode()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on {url}")
