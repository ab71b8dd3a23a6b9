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
    "ledger-due-and-overdue-reminders": {
        "task": "district.fan_out",
        "schedule": crontab(minute=30, hour=0),  # 08:30 Asia/Shanghai
        "args": ("ledger.notify_due_tasks",),
    },
    "care-retention": {
        "task": "district.fan_out",
        "schedule": crontab(minute=45, hour=18),  # 02:45 Asia/Shanghai
        "args": ("care.apply_retention",),
    },
    "crisis-escalate-overdue": {
        "task": "district.fan_out",
        "schedule": crontab(minute="*/10"),
        "args": ("crisis.escalate_overdue",),
    },
    "figures-nightly": {
        "task": "figures.nightly",
        "schedule": crontab(minute=0, hour=18),  # 02:00 Asia/Shanghai
    },
    "refill-school-pool": {
        "task": "district.refill_pool",
        "schedule": crontab(minute="*/10"),
    },
    "outbox-resend": {
        "task": "outbox.resend",
        "schedule": crontab(minute="*"),
    },
    "exchange-event-reminders": {
        "task": "exchange.event_reminders",
        "schedule": crontab(minute=0, hour=10),  # 18:00 Asia/Shanghai, the day before
    },
}
