"""The hub's loops stop when their event loop shuts down, even when a library swallowed the
one cancellation the shutdown sends (deliberation/hub.py, _firmly)."""

import asyncio

from deliberation import hub


async def _stubborn(ran: list) -> None:
    """A loop that swallows its first cancellation, as Python 3.11's asyncio.timeout does when
    it expires at that moment (and redis-py then retries)."""
    swallowed = False
    while True:
        ran.append(1)
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            if swallowed:
                raise
            swallowed = True
            asyncio.current_task().uncancel()


async def test_a_loop_that_swallows_one_cancellation_still_stops():
    ran: list = []
    task = asyncio.ensure_future(hub._firmly(_stubborn(ran)))
    await asyncio.sleep(0.05)
    task.cancel()  # once, as asyncio.run's and the test runner's shutdown do
    done, _ = await asyncio.wait({task}, timeout=5)
    assert done == {task} and task.cancelled()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not others, "the loop's own task is gone too"


async def test_without_it_the_same_loop_would_run_on():
    """The fault _firmly exists for: one cancel() and the loop is still running."""
    ran: list = []
    task = asyncio.ensure_future(_stubborn(ran))
    await asyncio.sleep(0.05)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=0.3)
    assert not done
    task.cancel()  # clean up: the second one goes through
    await asyncio.wait({task}, timeout=5)
    assert task.cancelled()


async def test_a_loop_that_ends_or_fails_is_passed_through():
    async def fails():
        raise RuntimeError("layer gone")

    task = asyncio.ensure_future(hub._firmly(fails()))
    await asyncio.wait({task}, timeout=5)
    assert isinstance(task.exception(), RuntimeError)
