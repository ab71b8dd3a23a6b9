"""Programs services and selectors, with real numbers."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from tenants.programs import selectors, services
from tenants.programs.models import (
    Activity,
    ActivityKind,
    ClassSession,
    CurriculumUnit,
    ParentEvent,
    PublicityCampaign,
)
from tests.conftest import role_user

pytestmark = pytest.mark.django_db
ALPHA = "school_alpha"


def _activity(
    kind="lecture", held_on=date(2026, 10, 15), actor="principal", organiser="psychology_teacher", **extra
):
    data = dict(
        kind=kind,
        title=f"活动 {held_on}",
        held_on=held_on,
        organiser=role_user(organiser) if organiser else None,
        participant_count=40,
    )
    data.update(extra)
    return services.activity_create(actor=role_user(actor), **data)


def _unit(**extra):
    data = dict(school_year="2026-2027", grade=7, title="认识自我", objectives="悦纳自我", planned_sessions=4)
    data.update(extra)
    return services.curriculum_unit_create(actor=role_user("principal"), **data)


def test_curriculum_units_are_checked_field_by_field():
    with schema_context(ALPHA):
        for bad, field in (
            ({"grade": 13}, "grade"),
            ({"grade": 0}, "grade"),
            ({"planned_sessions": -1}, "planned_sessions"),
            ({"school_year": "2026-2028"}, "school_year"),
            ({"school_year": "2026"}, "school_year"),
        ):
            with pytest.raises(ValidationError) as refused:
                _unit(**bad)
            assert field in refused.value.message_dict, bad
        assert not CurriculumUnit.objects.exists()
        unit = _unit(planned_sessions=0)
        assert unit.planned_sessions == 0
        with pytest.raises(IntegrityError), transaction.atomic():
            CurriculumUnit.objects.filter(pk=unit.pk).update(grade=13)


def test_sessions_count_against_the_plan_and_units_with_sessions_stay():
    with schema_context(ALPHA):
        unit = _unit(planned_sessions=3)
        for n, day in enumerate((5, 12), start=1):
            services.class_session_create(
                actor=role_user("secretary"),
                unit=unit,
                class_name=f"七年级{n}班",
                held_on=date(2026, 10, day),
                teacher=role_user("psychology_teacher"),
                topic="我是谁",
            )
        services.class_session_create(
            actor=role_user("secretary"),
            unit=unit,
            class_name="七年级1班",
            held_on=date(2026, 10, 19),
            teacher=role_user("psychology_teacher"),
            topic="我的优点",
        )
        _unit(title="情绪的小秘密")  # not taught yet
        row = selectors.curriculum_units().get(pk=unit.pk)
        assert (row.delivered, row.classes_reached) == (3, 2)
        overview = selectors.programs_overview(today=date(2026, 10, 20))
        assert (
            overview["units"],
            overview["units_started"],
            overview["delivered_sessions"],
            overview["classes_reached"],
        ) == (2, 1, 3, 2)
        with pytest.raises(ValidationError):
            services.curriculum_unit_delete(unit, actor=role_user("principal"))
        assert CurriculumUnit.objects.filter(pk=unit.pk).exists()


def test_a_session_needs_a_class_and_a_staff_teacher():
    with schema_context(ALPHA):
        unit = _unit()
        with pytest.raises(ValidationError) as refused:
            services.class_session_create(
                actor=role_user("principal"),
                unit=unit,
                class_name="  ",
                held_on=date(2026, 10, 5),
                teacher=role_user("psychology_teacher"),
                topic="x",
            )
        assert "class_name" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            services.class_session_create(
                actor=role_user("principal"),
                unit=unit,
                class_name="七年级1班",
                held_on=date(2026, 10, 5),
                teacher=role_user("invited_attendee"),
                topic="x",
            )
        assert "teacher" in refused.value.message_dict
        assert not ClassSession.objects.exists()


def test_publicity_dates_in_order_and_reach_not_negative():
    with schema_context(ALPHA):
        base = dict(actor=role_user("principal"), channel="online", title="公众号推送：考前减压")
        with pytest.raises(ValidationError) as refused:
            services.publicity_campaign_create(
                **base, starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 9)
            )
        assert set(refused.value.message_dict) == {"ends_on"}
        with pytest.raises(ValidationError) as refused:
            services.publicity_campaign_create(
                **base, starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 10), reach=-1
            )
        assert "reach" in refused.value.message_dict
        assert not PublicityCampaign.objects.exists()
        one_day = services.publicity_campaign_create(
            **base, starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 10)
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            PublicityCampaign.objects.filter(pk=one_day.pk).update(ends_on=date(2026, 11, 1))


def test_parent_attendance_cannot_exceed_those_invited():
    with schema_context(ALPHA):
        base = dict(
            actor=role_user("principal"),
            kind="lecture",
            title="家庭教育讲座",
            held_on=date(2026, 11, 2),
            speaker="李老师",
        )
        with pytest.raises(ValidationError) as refused:
            services.parent_event_create(**base, invited_count=30, attendance_count=31)
        assert set(refused.value.message_dict) == {"attendance_count"}
        full = services.parent_event_create(**base, invited_count=30, attendance_count=30)
        # Nobody counted invitations: any attendance is fine.
        open_door = services.parent_event_create(**base, invited_count=0, attendance_count=85)
        assert (full.attendance_count, open_door.attendance_count) == (30, 85)
        with pytest.raises(ValidationError) as refused:
            services.parent_event_create(**base, invited_count=-1, attendance_count=0)
        assert "invited_count" in refused.value.message_dict
        # The database refuses it as well.
        with pytest.raises(IntegrityError), transaction.atomic():
            ParentEvent.objects.filter(pk=full.pk).update(attendance_count=31)


def test_homeroom_teachers_record_their_own_class_meetings_only():
    with schema_context(ALPHA):
        teacher = role_user("homeroom_teacher")
        meeting = _activity(
            kind="class_meeting",
            actor="homeroom_teacher",
            organiser=None,
            audience_classes=["七年级3班", " 七年级3班 ", ""],
        )
        assert meeting.organiser == teacher
        assert meeting.audience_classes == ["七年级3班"]

        with pytest.raises(ValidationError) as refused:
            _activity(kind="lecture", actor="homeroom_teacher", organiser=None)
        assert set(refused.value.message_dict) == {"kind"}
        with pytest.raises(ValidationError) as refused:
            _activity(kind="class_meeting", actor="homeroom_teacher", organiser="psychology_teacher")
        assert set(refused.value.message_dict) == {"organiser"}

        changed = services.activity_update(meeting, actor=teacher, data={"participant_count": 46})
        assert changed.participant_count == 46
        with pytest.raises(ValidationError) as refused:
            services.activity_update(meeting, actor=teacher, data={"kind": ActivityKind.PSYCHODRAMA})
        assert "kind" in refused.value.message_dict

        others = _activity(kind="class_meeting", actor="principal", organiser="principal")
        with pytest.raises(PermissionDenied):
            services.activity_update(others, actor=teacher, data={"participant_count": 1})
        with pytest.raises(PermissionDenied):
            services.activity_delete(meeting, actor=teacher)
        with pytest.raises(PermissionDenied):
            _activity(kind="class_meeting", actor="member", organiser=None)
        assert Activity.objects.get(pk=others.pk).participant_count == 40


def test_activity_counts_and_grades_are_checked():
    with schema_context(ALPHA):
        with pytest.raises(ValidationError) as refused:
            _activity(participant_count=-3)
        assert "participant_count" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            _activity(audience_grades=[7, 13])
        assert "audience_grades" in refused.value.message_dict
        assert not Activity.objects.exists()
        activity = _activity(audience_grades=[8, 7, 7], audience_classes=["八年级1班"])
        assert activity.audience_grades == [7, 8]
        with pytest.raises(IntegrityError), transaction.atomic():
            Activity.objects.filter(pk=activity.pk).update(audience_grades=[0])


def test_activities_in_a_month_and_counts_by_kind():
    with schema_context(ALPHA):
        _activity(kind="lecture", held_on=date(2026, 9, 30))
        first = _activity(kind="class_meeting", held_on=date(2026, 10, 1), participant_count=45)
        last = _activity(kind="psychodrama", held_on=date(2026, 10, 31), participant_count=120)
        middle = _activity(kind="class_meeting", held_on=date(2026, 10, 16), participant_count=38)
        _activity(kind="group_counseling", held_on=date(2026, 11, 1))

        october = selectors.activities_in_month(year=2026, month=10)
        assert october.count() == 3
        assert list(october) == [first, middle, last]
        assert selectors.activities_in_month(year=2026, month=12).count() == 0

        counts = selectors.activity_counts_by_kind(start=date(2026, 10, 1), end=date(2026, 10, 31))
        assert counts == {
            "lecture": 0,
            "class_meeting": 2,
            "psychodrama": 1,
            "group_counseling": 0,
            "stress_workshop": 0,
            "other": 0,
        }
        whole = selectors.activity_counts_by_kind(start=date(2026, 9, 1), end=date(2027, 8, 31))
        assert sum(whole.values()) == 5 and whole["lecture"] == 1 and whole["group_counseling"] == 1
        assert selectors.activity_participants(start=date(2026, 10, 1), end=date(2026, 10, 31)) == 203


def test_activity_attachments_are_validated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(ALPHA):
        activity = _activity()
        with pytest.raises(ValidationError) as refused:
            services.activity_attachment_add(
                activity, actor=role_user("principal"), upload=SimpleUploadedFile("run.sh", b"echo")
            )
        assert "attachment" in refused.value.message_dict
        services.activity_attachment_add(
            activity, actor=role_user("principal"), upload=SimpleUploadedFile("签到表.xlsx", b"PK\x03\x04")
        )
        assert [a.name for a in selectors.attachments_of(activity)] == ["签到表.xlsx"]
        with pytest.raises(PermissionDenied):
            services.activity_attachment_add(
                activity, actor=role_user("homeroom_teacher"), upload=SimpleUploadedFile("x.pdf", b"%PDF")
            )
        services.activity_delete(activity, actor=role_user("principal"))
        assert not Activity.objects.exists()
        from tenants.workspace.models import Attachment

        assert not Attachment.objects.filter(object_id=activity.pk, name="签到表.xlsx").exists()
