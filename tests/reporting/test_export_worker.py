"""An export requested from the page is built by a real Celery worker: the page's progress row reaches
100 %, the history records which schools were included, and the download holds the published numbers."""

import io
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from figures.models import DataElement, MetricValue, Period
from figures.periods import ensure_school_year
from figures.selectors import data_changed
from reporting import services
from reporting.models import ExportJob, ReportForm, Submission
from tests.conftest import signed_in

PERIOD = "2023-2024-1"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _approved_alpha():
    from district.models import School

    ensure_school_year("2023-2024")
    period = Period.objects.get(code=PERIOD)
    form, _ = ReportForm.objects.get_or_create(
        code="worker-test", defaults={"name": "后台导出测试", "period_kind": "term", "deadline_days": 30}
    )
    rooms = DataElement.objects.get(code="counseling_rooms")
    form.elements.set([rooms])
    alpha = School.objects.get(code="alpha")
    MetricValue.objects.update_or_create(
        school=alpha,
        period=period,
        element=rooms,
        breakdown="",
        defaults={"value": Decimal(4), "computed_at": timezone.now()},
    )
    data_changed()
    submission = services.submission_for(form=form, school=alpha, period=period)
    services.submission_complete(submission, actor="alice")
    services.submission_approve(submission, actor="dora")
    return form, period


def _cleanup(form):
    ExportJob.objects.filter(form=form).delete()
    Submission.objects.filter(form=form).delete()
    MetricValue.objects.filter(period__code=PERIOD).delete()
    form.delete()
    data_changed()


def test_an_export_is_built_by_a_worker_and_downloaded(media, worker, django_db_blocker):
    with django_db_blocker.unblock():
        form, period = _approved_alpha()
        try:
            dora = signed_in(None, "dora")
            queued = dora.post(
                "/reporting/exports/",
                {"form": form.code, "period": period.code, "fmt": "xlsx", "schools": ""},
            )
            assert queued.status_code == 302, queued.content[:500]
            job = ExportJob.objects.get(form=form)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                row = dora.get(f"/reporting/exports/{job.public_id}/progress/")
                job.refresh_from_db()
                if job.status in ("done", "failed"):
                    break
                assert row.status_code == 200 and "hx-get" in row.content.decode()
                time.sleep(0.3)
            assert job.status == "done" and job.progress == 100, (job.status, job.error)
            assert job.included == ["alpha"] and "beta" in job.left_out
            row = dora.get(f"/reporting/exports/{job.public_id}/progress/").content.decode()
            # Done: the row stops polling and offers the download.
            assert "hx-get" not in row and f"/reporting/exports/{job.public_id}/download/" in row
            download = dora.get(f"/reporting/exports/{job.public_id}/download/")
            assert download.status_code == 200
            sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
            values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
            assert any("alpha" in map(str, line) and 4 in line for line in values), values
            assert (
                signed_in("alpha", "alice").get(f"/reporting/exports/{job.public_id}/download/").status_code
                == 404
            )
        finally:
            _cleanup(form)
