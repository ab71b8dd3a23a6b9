"""kill -9 of a Celery worker in the middle of 1,000 tasks: none is lost and none has its effect twice.

The tasks are the platform's own: the daily reminders job (run as a separate process) records one
`exchange.event_remind_school` per event in the outbox and sends it after commit; a worker (prefork,
2 processes, acks late) notifies the school's signed-up person. The worker is killed (SIGKILL to its
whole process group) well into the run, a second worker starts, and the outbox's resend job runs as
beat would. A killed worker's taken messages come back after the visibility timeout; a message kombu
had popped from Redis but not yet recorded as taken is sent again by the outbox. Each reminder's
notification has its idempotency key (the dedupe key) in the transaction of its effect, so a task run
twice adds nothing.
"""

import signal
import sys
import time

import pytest

from tests.faults.conftest import already_done, wait_until

# `faults`: also runnable alone with `make test-faults`.
pytestmark = [pytest.mark.slow, pytest.mark.faults]

TASKS = 1000


def test_a_worker_killed_mid_run_loses_no_task_and_repeats_none(stack):
    stack.seed("events", "kill", str(TASKS))
    first = stack.worker("first")
    assert stack.seed("remind") == {"queued": TASKS}
    # Kill the worker (its main process and pool, SIGKILL) once it is well into the run.
    wait_until(
        lambda: stack.reminders("kill")[0] >= 150, 120, "the first worker made no progress", every=0.05
    )
    stack.kill(first)
    done_at_kill = stack.reminders("kill")[0]
    assert done_at_kill < TASKS, "the kill came after the run: nothing was tested"

    started = time.monotonic()
    second = stack.worker("second")
    resender = stack.spawn([sys.executable, "-m", "tests.faults.seed", "resend", "240"], "resend-kill.log")
    try:
        wait_until(lambda: stack.reminders("kill")[0] >= TASKS, 240, "tasks were lost")
        recovered = time.monotonic() - started
        assert resender.wait(240) == 0
        # Every copy (a redelivery, an outbox resend) runs and adds nothing; nothing is left anywhere.
        wait_until(lambda: stack.queue_left() == (0, 0), 120, "the queue did not drain", every=0.5)
        time.sleep(1)
        assert stack.reminders("kill") == (TASKS, TASKS)
        assert stack.outbox_pending() == 0
    finally:
        stack.kill(second, signal.SIGTERM)
        stack.kill(resender, signal.SIGTERM)
    print(
        f"\n[faults] worker killed after {done_at_kill}/{TASKS} reminders; all {TASKS} done "
        f"{recovered:.1f} s after the second worker started; {already_done(stack, 'second')} deliveries "
        f"found their effect already there; outbox: {stack.log('resend-kill').strip().splitlines()[-1]}"
    )
