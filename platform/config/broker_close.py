"""A worker must survive its broker connection being lost while it holds unacknowledged messages.

When Redis goes away (a restart, a failover), Celery closes the broken connection and reconnects.
Two things can still reach for the closed connection's Redis pool: closing the channel, which gives
its taken-but-unacknowledged messages back to the queue, and the late acknowledgement of a task that
was running and finishes after the reconnect. kombu (5.7) then builds a new pool from a transport that
is gone and raises AttributeError ("'NoneType' object has no attribute 'hostname'" or "'client'").
Celery calls that an unrecoverable error, and the worker exits: in the fault test with Redis
restarted, about 1 run in 10.

Here that case raises Redis's ConnectionError instead. Celery expects it and treats it as a
connection error: it ignores it while closing, and logs a failed acknowledgement. The worker goes on.
The messages stay in Redis's `unacked` hash, which persists with Redis, and every worker's visibility
check (CELERY_VISIBILITY_TIMEOUT) puts them back in the queue. Tasks are idempotent, so one that had
finished runs again to no effect.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_connparams = kombu_redis.Channel._connparams


def _connparams_of_a_live_connection(self, *args, **kwargs):
    if self.connection is None or self.connection.client is None:
        raise RedisConnectionError("The broker connection is closed")
    return _connparams(self, *args, **kwargs)


def install() -> None:
    kombu_redis.Channel._connparams = _connparams_of_a_live_connection
