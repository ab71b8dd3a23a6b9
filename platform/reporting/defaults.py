"""The report form every district starts with, created once (the district may change it after)."""

DEFAULT_FORMS = (
    {
        "code": "school-mh-term",
        "name": "学校心理健康教育工作学期报表",
        "period_kind": "term",
        "deadline_days": 30,
        "elements": (
            "enrolment",
            "group_members",
            "group_meetings",
            "plans_approved",
            "ledger_tasks",
            "activities",
            "activity_participants",
            "class_sessions",
            "parent_events",
            "parent_event_participants",
            "training_hours",
            "teachers_trained",
            "psych_teachers",
            "counseling_rooms",
            "room_weekly_hours",
            "screened_students",
            "counseling_sessions",
            "crisis_cases",
            "referrals",
            "info_reports",
        ),
    },
)


def forms_sync() -> int:
    """Create the default forms that do not exist yet (by code); never change existing ones."""
    from figures.models import DataElement
    from reporting.models import ReportForm

    created = 0
    for spec in DEFAULT_FORMS:
        if ReportForm.objects.filter(code=spec["code"]).exists():
            continue
        form = ReportForm.objects.create(
            code=spec["code"],
            name=spec["name"],
            period_kind=spec["period_kind"],
            deadline_days=spec["deadline_days"],
        )
        form.elements.set(DataElement.objects.filter(code__in=spec["elements"]))
        created += 1
    return created
