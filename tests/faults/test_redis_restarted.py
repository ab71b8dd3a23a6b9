"""Redis killed (SIGKILL) and restarted on its port and data folder in the middle of a run, while the
platform is still sending: nothing is lost and every effect is there once.

Redis is durable as deploy/compose.yaml runs it (appendonly, appendfsync always). The first 500
reminder tasks are being worked on when Redis dies; the reminders job for the next 500 starts while
Redis is down and rides through on the producer's retry (CELERY_TASK_PUBLISH_RETRY_POLICY); the
worker reconnects by itself; whatever a send or the broker still lost, the outbox sends again.
"""

import signal
import subprocess
import sys
import time

import pytest

from tests.faults.conftest import ROOT, already_done, wait_until

# `faults`: also runnable alone with `make test-faults`.
pytestmark = [pytest.mark.slow, pytest.mark.faults]

HALF = 500


def test_a_redis_restart_mid_run_loses_nothing(stack):
    stack.seed("events", "redis", str(HALF))
    worker = stack.worker("redis-run")
    resender = None
    try:
        assert stack.seed("remind") == {"queued": HALF}
        wait_until(lambda: stack.reminders("redis")[0] >= 100, 120, "the worker made no progress", every=0.05)
        stack.seed("events", "redis", str(HALF))

        stack.redis.process.kill()  # no shutdown save: only what the append-only file holds
        stack.redis.process.wait()
        at_kill = stack.reminders("redis")[0]
        sending = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.seed", "remind"],
            env=stack.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        time.sleep(2)  # the job is sending into a Redis that is down
        stack.redis.start()
        out, _ = sending.communicate(timeout=300)
        assert sending.returncode == 0 and out.strip().endswith('{"queued": 500}')

        resender = stack.spawn(
            [sys.executable, "-m", "tests.faults.seed", "resend", "240"], "resend-redis.log"
        )
        # Stops waiting as soon as the worker exits, and says so.
        wait_until(
            lambda: worker.poll() is not None or stack.reminders("redis")[0] >= 2 * HALF,
            240,
            "tasks were lost",
        )
        assert worker.poll() is None, "the worker exited when Redis went away (its log is printed below)"
        assert resender.wait(240) == 0
        wait_until(lambda: stack.queue_left() == (0, 0), 120, "the queue did not drain", every=0.5)
        time.sleep(1)
        assert stack.reminders("redis") == (2 * HALF, 2 * HALF)
        assert stack.outbox_pending() == 0
    finally:
        stack.kill(worker, signal.SIGTERM)
        if resender is not None:
            stack.kill(resender, signal.SIGTERM)
    print(
        f"\n[faults] Redis killed after {at_kill}/{2 * HALF} reminders and restarted while the next "
        f"{HALF} were being sent; {already_done(stack, 'redis-run')} deliveries found their effect already "
        f"there; outbox: {stack.log('resend-redis').strip().splitlines()[-1]}"
    )
