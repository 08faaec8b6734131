"""`make run`'s two processes: Daphne and the worker, started together and stopped together.

    python -m deliberation.supervise HOST PORT

Ctrl+C (or SIGTERM) stops both; when either stops by itself, the other is stopped too and the
exit code is that of the first one to stop.
"""

import signal
import subprocess
import sys
import time


def main(host: str, port: str) -> int:
    python = sys.executable
    commands = [
        [
            python,
            "-m",
            "deliberation.fastpath",
            "-b",
            host,
            "-p",
            port,
            "deliberation.asgi:application",
        ],
        [python, "manage.py", "worker"],
    ]
    # Each child in its own process group: Ctrl+C reaches them through us, once, in order.
    children = [subprocess.Popen(c, start_new_session=True) for c in commands]  # noqa: S603
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        ended = [child for child in children if child.poll() is not None]
        if ended:
            code = ended[0].returncode
            break
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
