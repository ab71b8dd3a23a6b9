"""The audit log page (filters, pagination, XLSX), the review queue, and terms and school years."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from district.audit import record
from district.models import DistrictAuditEvent
from figures.models import Period
from figures.periods import ensure_school_year
from tests.conftest import ALPHA, BETA, PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def test_the_audit_log_filters_paginates_and_exports(schools):
    for i in range(30):
        record("dora", "school.suspend", school=schools[ALPHA], target=ALPHA, summary=f"暂停 {i}")
    record("erin", "library.approve", school=schools[BETA], target="item", summary="通过资源")
    dora = signed_in(None, "dora")
    first = dora.get("/audit/")
    assert (
        first.status_code == 200
        and first.context["page"].paginator.count == DistrictAuditEvent.objects.count()
    )
    assert len(first.context["rows"]) == 25
    only_beta = dora.get(f"/audit/?school={BETA}")
    assert [row[5][0] for row in only_beta.context["rows"]] == ["通过资源"]
    assert dora.get("/audit/?action=library.approve&actor=erin").context["page"].paginator.count == 1
    today = datetime.date.today()
    assert dora.get(f"/audit/?from={today + datetime.timedelta(days=2)}").context["page"].paginator.count == 0
    assert (
        dora.get(f"/audit/?to={today + datetime.timedelta(days=2)}&action=school.suspend")
        .context["page"]
        .paginator.count
        >= 30
    )
    yesterday = today - datetime.timedelta(days=2)
    assert dora.get(f"/audit/?to={yesterday}&action=library.approve").context["page"].paginator.count == 0
    export = dora.get("/audit/?export=xlsx&action=library.approve")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        len(rows) == 2
        and rows[1][1] == "erin"
        and rows[1][3] == schools[BETA].name
        and rows[1][5] == "通过资源"
    )


def test_the_review_queue_lists_what_the_apps_return(monkeypatch):
    from django.utils import timezone

    from district import selectors

    now = timezone.now()
    monkeypatch.setattr(
        selectors,
        "review_queue",
        lambda: [
            {
                "kind": "case_study",
                "title": "一个案例",
                "school": "测试学校alpha",
                "submitted_at": now,
                "url": "/exchange/p/x/",
            },
            {
                "kind": "资源推荐：活动设计",
                "title": "心理活动",
                "school": "测试学校beta",
                "submitted_at": now,
                "url": "/library/r/",
            },
        ],
    )
    from shared.accounts.services import account_create

    account_create(username="rq_reviewer", full_name="审核员", roles=["district_reviewer"], password=PASSWORD)
    page = signed_in(None, "rq_reviewer").get("/review/")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "一个案例" in html
        and 'href="/exchange/p/x/"' in html
        and "心理活动" in html
    )
    kinds = [item["kind_label"] for item in page.context["items"]]
    assert kinds[1] == "资源推荐：活动设计" and kinds[0] != "case_study"


def test_the_review_queue_gathers_the_apps_queues_as_they_are():
    from district.selectors import review_queue

    items = review_queue()
    assert isinstance(items, list)
    assert all({"kind", "title", "school", "submitted_at", "url"} <= set(item) for item in items)
    assert signed_in(None, "dora").get("/review/").status_code == 200


def test_add_a_school_year_and_edit_its_terms_with_field_errors():
    dora = signed_in(None, "dora")
    Period.objects.filter(code__startswith="2031-2032").delete()
    bad = dora.post("/figures/periods/", {"school_year": "2031-2033"})
    assert bad.status_code == 400 and "school_year" in bad.context["form"].errors
    assert dora.post("/figures/periods/", {"school_year": "2031-2032"}).status_code == 302
    assert Period.objects.filter(code__startswith="2031-2032").count() == 2 + 1  # terms and the year
    months = Period.objects.filter(
        kind="month", start__gte=datetime.date(2031, 9, 1), end__lte=datetime.date(2032, 8, 31)
    )
    assert months.count() == 12
    again = dora.post("/figures/periods/", {"school_year": "2031-2032"})
    assert again.status_code == 400 and "school_year" in again.context["form"].errors
    assert DistrictAuditEvent.objects.filter(action="period.year_add", target="2031-2032").count() == 1
    page = dora.get("/figures/periods/").content.decode()
    assert "2031-09-01 – 2032-01-31" in page

    path = "/figures/periods/2031-2032/"
    form = dora.get(path)
    assert form.status_code == 200 and form.context["form"].initial["term1_end"] == datetime.date(2032, 1, 31)
    gap = dora.post(
        path,
        {
            "term1_start": "2031-09-01",
            "term1_end": "2032-01-20",
            "term2_start": "2032-02-20",
            "term2_end": "2032-08-31",
        },
    )
    assert gap.status_code == 400 and "term2_start" in gap.context["form"].errors
    outside = dora.post(
        path,
        {
            "term1_start": "2031-08-01",
            "term1_end": "2032-01-20",
            "term2_start": "2032-01-21",
            "term2_end": "2032-09-30",
        },
    )
    errors = outside.context["form"].errors
    assert outside.status_code == 400 and {"term1_start", "term2_end"} <= set(errors)
    backwards = dora.post(
        path,
        {
            "term1_start": "2031-09-01",
            "term1_end": "2031-08-31",
            "term2_start": "2031-09-01",
            "term2_end": "2032-08-31",
        },
    )
    assert backwards.status_code == 400 and "term1_end" in backwards.context["form"].errors
    assert Period.objects.get(code="2031-2032-1").end == datetime.date(2032, 1, 31)  # nothing saved

    ok = dora.post(
        path,
        {
            "term1_start": "2031-09-01",
            "term1_end": "2032-01-20",
            "term2_start": "2032-01-21",
            "term2_end": "2032-07-15",
        },
    )
    assert ok.status_code == 302
    assert Period.objects.get(code="2031-2032-1").end == datetime.date(2032, 1, 20)
    second = Period.objects.get(code="2031-2032-2")
    assert (second.start, second.end) == (datetime.date(2032, 1, 21), datetime.date(2032, 7, 15))
    # Months are calendar months, untouched.
    assert Period.objects.get(code="2032-01").end == datetime.date(2032, 1, 31)
    assert DistrictAuditEvent.objects.filter(action="period.terms_update", target="2031-2032").count() == 1
    assert dora.get("/figures/periods/2099-2100/").status_code == 404


def test_the_analyst_reads_periods_but_cannot_add_or_edit():
    from shared.accounts.services import account_create

    ensure_school_year("2030-2031")
    account_create(username="per_analyst", full_name="分析员", roles=["district_analyst"], password=PASSWORD)
    analyst = signed_in(None, "per_analyst")
    page = analyst.get("/figures/periods/")
    assert page.status_code == 200 and "2030-2031" in page.content.decode() and not page.context["can_edit"]
    assert analyst.post("/figures/periods/", {"school_year": "2040-2041"}).status_code == 404
    assert not Period.objects.filter(code="2040-2041").exists()
    assert analyst.post("/figures/periods/2030-2031/", {}).status_code == 404
