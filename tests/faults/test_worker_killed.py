"""kill -9 of a Celery worker in the middle of 1,000 tasks: a new worker finishes them, none is lost
and none has its effect twice (a killed worker's taken messages come back after the visibility
timeout; the reminder's notification has its idempotency key in the same transaction)."""

import signal
import time

import pytest

from tests.faults.conftest import VISIBILITY_TIMEOUT, already_done, producer, wait_until

pytestmark = pytest.mark.slow

TASKS = 1000


def test_a_worker_killed_mid_run_loses_no_task_and_repeats_none(stack):
    ids = stack.seed("events", "kill", str(TASKS))["ids"]
    first = stack.worker("first")
    app, send = producer(stack)
    try:
        for event_id in ids:
            send(event_id)
    finally:
        app.close()
    # Kill the worker (its main process and pool, SIGKILL) once it is well into the run.
    wait_until(
        lambda: stack.reminders("kill")[0] >= 150, 120, "the first worker made no progress", every=0.05
    )
    stack.kill(first)
    done_at_kill = stack.reminders("kill")[0]
    assert done_at_kill < TASKS, "the kill came after the run: nothing was tested"

    started = time.monotonic()
    second = stack.worker("second")
    try:
        wait_until(lambda: stack.reminders("kill")[0] >= TASKS, 240, "tasks were lost")
        recovered = time.monotonic() - started
        # Past another visibility timeout nothing more arrives, and nothing is left in the queue.
        time.sleep(VISIBILITY_TIMEOUT + 3)
        notifications, keys = stack.reminders("kill")
        assert (notifications, keys) == (TASKS, TASKS)
        assert stack.queue_left() == (0, 0)
    finally:
        stack.kill(second, signal.SIGTERM)
    runs = stack.log("second").count("succeeded in")
    print(
        f"\n[faults] worker killed after {done_at_kill}/{TASKS} reminders; the second worker ran {runs} tasks "
        f"({already_done(stack, 'second')} found their effect already there) and finished {recovered:.1f} s "
        "after it started"
    )
