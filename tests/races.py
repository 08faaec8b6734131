"""Helpers for race tests: real threads, released together, each with its own connection."""

import threading

import pytest
from django.db import connection

from deliberation.errors import ActionRefused

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serializes writers: no race to lose"
)


def at_once(*functions) -> list[str]:
    """Run the functions in threads released together; "ok" or the refusal/exception of each."""
    outcomes, barrier = [], threading.Barrier(len(functions))

    def run(function):
        try:
            barrier.wait()
            function()
            outcomes.append("ok")
        except ActionRefused as exc:
            outcomes.append(exc.message)
        except Exception as exc:  # anything else is a failure, shown in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def run_threads(target, count: int = 20) -> None:
    """Run target(0) … target(count - 1) in threads released together; every one must pass."""
    errors, barrier = [], threading.Barrier(count)

    def wrapped(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
