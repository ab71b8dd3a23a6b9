"""Rules as versioned documents; information reports with their schedule, late flag and status history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.governance import selectors, services
from tenants.governance.models import InfoReport, ReportStatusChange, RuleDocument, RuleVersion
from tenants.workspace.models import Attachment
from tests.conftest import role_user

pytestmark = pytest.mark.django_db


def _rule(**extra):
    data = dict(
        title="心理咨询室管理制度",
        category="management",
        effective_on=date(2026, 9, 1),
        text="第一版：咨询室每周一至周五开放。",
    )
    data.update(extra)
    return services.rule_document_create(actor=role_user("secretary"), **data)


def test_every_version_is_kept_and_the_one_in_force_follows_the_date(alpha, media):
    document = _rule()
    second = services.rule_version_add(
        document,
        actor=role_user("principal"),
        effective_on=date(2027, 2, 1),
        text="第二版：增加周六上午开放。",
        change_note="增加周六开放",
    )
    third = services.rule_version_add(
        document, actor=role_user("principal"), effective_on=date(2027, 2, 1), text="第三版：更正开放时间。"
    )
    assert [v.number for v in selectors.rule_versions(document)] == [3, 2, 1]
    assert second.created_by == role_user("principal") and second.created_at is not None
    assert document.version_on(date(2026, 8, 31)) is None
    assert document.version_on(date(2026, 12, 1)).number == 1
    # Two versions effective the same day: the later one is in force.
    assert document.version_on(date(2027, 2, 1)) == third
    listed = selectors.rule_document_list(on=date(2026, 12, 1)).get(pk=document.pk)
    assert (listed.current_number, listed.current_effective_on, listed.version_count) == (
        1,
        date(2026, 9, 1),
        3,
    )
    listed = selectors.rule_document_list(on=date(2027, 3, 1)).get(pk=document.pk)
    assert listed.current_number == 3
    assert selectors.rule_document_list(on=date(2026, 1, 1)).get(pk=document.pk).current_number is None


def test_versions_are_append_only(alpha):
    version = _rule().versions.get()
    version.text = "改写"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert RuleVersion.objects.get(pk=version.pk).text.startswith("第一版")
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleVersion.objects.create(
            document=version.document, number=1, effective_on=date(2026, 9, 1), text="重复"
        )


def test_a_version_needs_text_or_a_file_and_files_are_checked(alpha, media):
    with pytest.raises(ValidationError) as raised:
        _rule(text="  ")
    assert "text" in raised.value.message_dict
    assert not RuleDocument.objects.exists()
    bad = SimpleUploadedFile("制度.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as raised:
        _rule(text="", upload=bad)
    assert "file" in raised.value.message_dict
    assert not RuleDocument.objects.exists() and not Attachment.objects.exists()
    pdf = SimpleUploadedFile("心理危机干预流程.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    document = _rule(title="心理危机转介流程", category="procedure", text="", upload=pdf)
    version = document.versions.get()
    attachments = selectors.version_attachments([version])[version.pk]
    assert [a.name for a in attachments] == ["心理危机干预流程.pdf"]
    assert attachments[0].file.read() == b"%PDF-1.4 test"
    assert "school_alpha" in attachments[0].file.name


def test_titles_are_unique(alpha):
    _rule()
    with pytest.raises(ValidationError) as raised:
        _rule()
    assert "title" in raised.value.message_dict
    assert RuleDocument.objects.count() == 1


# --- Information reports ----------------------------------------------------------------------------


def _report(due_on, period_start=None, **extra):
    period_start = period_start or due_on - timedelta(days=20)
    data = dict(
        kind="monthly",
        title="月度信息报告",
        school_year="2026-2027",
        term="first",
        period_start=period_start,
        period_end=min(due_on, period_start + timedelta(days=27)),
        due_on=due_on,
    )
    data.update(extra)
    return services.report_create(actor=role_user("secretary"), **data)


def test_schedule_for_a_school_year(alpha):
    created = services.report_schedule_generate(
        actor=role_user("secretary"), school_year="2026-2027", **services.default_terms("2026-2027")
    )
    monthly = [r for r in created if r.kind == "monthly"]
    termly = [r for r in created if r.kind == "termly"]
    assert len(monthly) == 11 and len(termly) == 2  # September to July, and two terms
    by_start = {r.period_start: r for r in monthly}
    september = by_start[date(2026, 9, 1)]
    assert (september.period_end, september.due_on, september.term) == (
        date(2026, 9, 30),
        date(2026, 10, 5),
        "first",
    )
    assert by_start[date(2026, 12, 1)].due_on == date(2027, 1, 5)
    assert (
        by_start[date(2027, 2, 1)].period_end == date(2027, 2, 28)
        and by_start[date(2027, 2, 1)].term == "second"
    )
    assert [(r.period_start, r.due_on) for r in termly] == [
        (date(2026, 9, 1), date(2027, 1, 20)),
        (date(2027, 2, 17), date(2027, 7, 10)),
    ]
    # Each report starts with one history row: created as a draft.
    assert (
        ReportStatusChange.objects.filter(report__in=created, from_status="", to_status="draft").count() == 13
    )
    # Running it again adds nothing.
    assert (
        services.report_schedule_generate(
            actor=role_user("secretary"), school_year="2026-2027", **services.default_terms("2026-2027")
        )
        == []
    )
    assert InfoReport.objects.count() == 13


def test_schedule_input_is_checked(alpha):
    terms = services.default_terms("2026-2027")
    with pytest.raises(ValidationError) as raised:
        services.report_schedule_generate(actor=role_user("secretary"), school_year="2026-2028", **terms)
    assert "school_year" in raised.value.message_dict
    terms["second_term_end"] = date(2027, 1, 1)
    with pytest.raises(ValidationError) as raised:
        services.report_schedule_generate(actor=role_user("secretary"), school_year="2026-2027", **terms)
    assert "second_term_end" in raised.value.message_dict
    assert not InfoReport.objects.exists()


def test_submitting_records_time_person_and_history(alpha):
    report = _report(timezone.localdate() + timedelta(days=5))
    with pytest.raises(ValidationError) as raised:
        services.report_submit(report, actor=role_user("secretary"))
    assert "content" in raised.value.message_dict
    services.report_submit(
        report, actor=role_user("secretary"), content="本月开展心理讲座两场，个别辅导12人次。"
    )
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == role_user("secretary")
    assert report.submitted_at is not None
    history = list(report.status_changes.order_by("changed_at", "id"))
    assert [(h.from_status, h.to_status) for h in history] == [("", "draft"), ("draft", "submitted")]
    assert history[1].changed_by == role_user("secretary")
    with pytest.raises(ValidationError) as raised:
        services.report_submit(report, actor=role_user("secretary"))
    assert "status" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.report_update(report, actor=role_user("secretary"), data={"content": "改"})
    assert "status" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.report_delete(report, actor=role_user("principal"))
    assert report.status_changes.count() == 2


def test_late_is_derived_from_due_date_and_submission(alpha):
    today = timezone.localdate()
    on_time = _report(today + timedelta(days=3), title="按时")
    services.report_submit(on_time, actor=role_user("secretary"), content="内容")
    late_submitted = _report(today - timedelta(days=2), title="迟交")
    services.report_submit(late_submitted, actor=role_user("secretary"), content="内容")
    missing = _report(today - timedelta(days=40), title="逾期未交")
    upcoming = _report(today + timedelta(days=40), title="未到期")
    due_today = _report(today, title="今天到期")
    late = {r.title: r.is_late for r in selectors.report_list(on=today)}
    assert late == {"按时": False, "迟交": True, "逾期未交": True, "未到期": False, "今天到期": False}
    # Tomorrow the one due today is late, unless it is submitted today.
    assert selectors.report_list(on=today + timedelta(days=1)).get(pk=due_today.pk).is_late is True
    assert late_submitted.is_late_on(today) and not on_time.is_late_on(today) and missing.is_late_on(today)
    assert not upcoming.is_late_on(today)
    numbers = selectors.report_timeliness(today=today)
    assert numbers == {
        "due": 3,
        "submitted": 1,
        "on_time": 0,
        "late_submitted": 1,
        "missing": 2,
        "completeness_percent": 33,
        "timeliness_percent": 0,
    }


def test_report_rules_are_named_by_field(alpha):
    _report(date(2026, 11, 5), period_start=date(2026, 10, 1))
    with pytest.raises(ValidationError) as raised:
        _report(date(2026, 11, 6), period_start=date(2026, 10, 1), title="重复")
    assert "period_start" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.report_create(
            actor=role_user("secretary"),
            kind="monthly",
            title="x",
            school_year="2026-2027",
            period_start=date(2026, 12, 1),
            period_end=date(2026, 12, 31),
            due_on=date(2026, 12, 20),
        )
    assert "due_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.report_create(
            actor=role_user("secretary"),
            kind="termly",
            title="x",
            school_year="2026-2027",
            period_start=date(2026, 9, 1),
            period_end=date(2027, 1, 20),
            due_on=date(2027, 1, 20),
        )
    assert "term" in raised.value.message_dict
    assert InfoReport.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        InfoReport.objects.filter(title="月度信息报告").update(status="submitted")
