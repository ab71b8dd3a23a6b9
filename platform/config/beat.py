"""Every periodic job, in one place.

School jobs are fanned out by the district task `district.fan_out`, one task per active school,
each carrying that school's schema.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "district.fan_out",
        "schedule": crontab(minute=15, hour=19),  # 03:15 Asia/Shanghai
        "args": ("accounts.clear_expired_sessions",),
    },
    "refill-school-pool": {
        "task": "district.refill_pool",
        "schedule": crontab(minute="*/10"),
    },
}
