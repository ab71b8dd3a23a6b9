"""Information reports: blocked when they hold personal data, reaching the district on submission,
returned by the district to the school."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from district.models import School
from reporting.models import DistrictInfoReport, InfoReportStatus
from reporting.services import info_report_return
from shared.accounts.models import User

pytestmark = pytest.mark.django_db


def _draft(title, content, start):
    from tenants.governance.services import report_create

    alice = User.objects.get(username="alice")
    return report_create(
        actor=alice, kind="monthly", title=title, school_year="2025-2026", term="first",
        period_start=start, period_end=date(start.year, start.month, 28), due_on=date(start.year, start.month + 1, 5),
        content=content,
    ), alice  # fmt: skip


def test_submission_blocked_then_reaches_the_district_then_returned():
    from tenants.governance.models import InfoReport, ReportStatus
    from tenants.governance.services import report_submit

    alpha = School.objects.get(code="alpha")
    with schema_context("school_alpha"):
        report, alice = _draft("十月信息报告", "本月开展讲座2场。\n\n家长电话13812345678", date(2025, 10, 1))
    copy = DistrictInfoReport.objects.get(school=alpha, school_report_id=report.public_id)
    assert copy.status == InfoReportStatus.DUE and copy.body == "" and copy.title == ""
    with schema_context("school_alpha"):
        with pytest.raises(ValidationError) as exc:
            report_submit(report, actor=alice)
        assert "line 3" in str(exc.value) or "第3行" in str(exc.value)
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT
        InfoReport.objects.filter(pk=report.pk).update(content="本月开展讲座2场。")
        report.refresh_from_db()
        report_submit(report, actor=alice)
    copy.refresh_from_db()
    assert copy.status == InfoReportStatus.SUBMITTED
    assert copy.body == "本月开展讲座2场。" and copy.submitted_by == "alice" and copy.on_time is False
    info_report_return(copy, actor=User.objects.get(username="dora"), reason="请补充活动明细")
    copy.refresh_from_db()
    assert copy.status == InfoReportStatus.RETURNED and copy.returned_by == "dora"
    with schema_context("school_alpha"):
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT and report.submitted_at is None
        assert list(report.status_changes.values_list("to_status", flat=True))[-1] == ReportStatus.DRAFT


def test_district_pages_show_and_beta_cannot_see_alpha(client):
    from tests.conftest import signed_in

    dora = signed_in(None, "dora")
    assert dora.get("/reporting/info-reports/").status_code == 200
    bob = signed_in("beta", "bob")
    assert bob.get("/reporting/info-reports/").status_code == 404
