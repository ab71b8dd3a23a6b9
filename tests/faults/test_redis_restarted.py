"""Redis killed and restarted (same port and data folder) in the middle of a run while tasks are still
being sent: the producer retries, the worker reconnects, and every task's effect is there once.
Redis is durable (appendonly, appendfsync always), as deploy/compose.yaml runs it."""

import signal
import threading
import time

import pytest

from tests.faults.conftest import VISIBILITY_TIMEOUT, already_done, producer, wait_until

pytestmark = pytest.mark.slow

TASKS = 1000


def test_a_redis_restart_mid_run_loses_nothing(stack):
    ids = stack.seed("events", "redis", str(TASKS))["ids"]
    worker = stack.worker("redis-run")
    app, send = producer(stack)
    sent, failures = [], []

    def sending():
        for event_id in ids:
            try:
                send(event_id)
            except Exception as exc:  # noqa: BLE001 - a task the producer could not send is lost
                failures.append(type(exc).__name__)
            sent.append(event_id)
            time.sleep(0.004)  # spread the sends over the restart

    thread = threading.Thread(target=sending)
    thread.start()
    try:
        wait_until(lambda: len(sent) >= TASKS // 3, 60, "sending did not start")
        stack.redis.process.kill()  # SIGKILL: no shutdown save, only what the append-only file holds
        stack.redis.process.wait()
        time.sleep(1)
        stack.redis.start()
        thread.join(300)
    finally:
        app.close()
    assert not thread.is_alive() and failures == [] and len(sent) == TASKS

    try:
        wait_until(lambda: stack.reminders("redis")[0] >= TASKS, 240, "tasks were lost")
        time.sleep(VISIBILITY_TIMEOUT + 3)
        assert stack.reminders("redis") == (TASKS, TASKS)
        assert stack.queue_left() == (0, 0)
    finally:
        stack.kill(worker, signal.SIGTERM)
    print(
        f"\n[faults] Redis killed and restarted after {TASKS // 3}+ sends; {already_done(stack, 'redis-run')} "
        "redelivered tasks found their effect already there"
    )
