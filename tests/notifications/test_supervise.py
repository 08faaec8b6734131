"""`make run`'s supervisor: Daphne and the worker start together and stop together."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import ROOT, database_url_for_tests, free_port, wait_listening

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _children(pid: int) -> dict[int, str]:
    """{pid: command line} of the processes whose parent is `pid` (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.parametrize("stop", ["ctrl-c", "worker dies"])
def test_daphne_and_the_worker_run_together_and_stop_together(stop):
    port = free_port()
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url_for_tests()}
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "deliberation.supervise", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_listening(supervisor, f"127.0.0.1:{port}")
        children = _children(supervisor.pid)
        assert any("deliberation.fastpath" in c for c in children.values())
        assert any("manage.py worker" in c for c in children.values())
        if stop == "ctrl-c":
            supervisor.send_signal(signal.SIGINT)
        else:
            worker = next(pid for pid, c in children.items() if "worker" in c)
            os.kill(worker, signal.SIGKILL)
        supervisor.wait(30)
        deadline = time.monotonic() + 30
        while not all(_gone(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(_gone(pid) for pid in children)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
