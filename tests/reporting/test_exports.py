"""Exports of an approved period: only approved schools, values from the published figures, withheld
cells flagged in every format (the task run in-process; see the report for a worker test)."""

import base64
import csv
import io
import json
import re
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from figures.models import DataElement, MetricValue, Period
from figures.selectors import data_changed
from reporting import services
from reporting.models import ExportJob, ExportStatus, ReportForm
from reporting.tasks import export_build, export_path

pytestmark = pytest.mark.django_db
PERIOD = "2020-2021-2"  # a term no other test writes figures for


def pdf_text(data: bytes) -> str:
    """The text of a reportlab PDF with the STSong-Light CID font (UCS-2 strings)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\s*endstream", data, re.S):
        if stream.rstrip().endswith(b"~>"):  # reportlab's ASCII85 layer over Flate
            stream = base64.a85decode(stream.strip()[:-2])
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", stream, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                         else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1)), literal)  # fmt: skip
            try:
                chunks.append(raw.decode("utf-16-be") if len(raw) % 2 == 0 else raw.decode("latin-1"))
            except UnicodeDecodeError:
                chunks.append(raw.decode("latin-1"))
    return "".join(chunks)


@pytest.fixture
def approved(schools, settings, tmp_path):
    from figures.periods import ensure_school_year

    settings.MEDIA_ROOT = tmp_path
    ensure_school_year("2020-2021")
    form = ReportForm.objects.create(code="rep-test", name="测试报表", period_kind="term", deadline_days=30)
    rooms = DataElement.objects.get(code="counseling_rooms")
    sessions = DataElement.objects.get(code="counseling_sessions")
    form.elements.set([rooms, sessions])
    period = Period.objects.get(code=PERIOD)
    now = timezone.now()
    for code, value in (("alpha", 3), ("beta", 2)):
        MetricValue.objects.update_or_create(
            school=schools[code], period=period, element=sessions, breakdown="",
            defaults={"value": Decimal(value), "computed_at": now},
        )  # fmt: skip
    data_changed()
    sub = services.submission_for(form=form, school=schools["alpha"], period=period)
    services.manual_value_set(sub, actor="alice", element=rooms, value="2", comment="两间")
    services.submission_complete(sub, actor="alice")
    services.submission_approve(sub, actor="dora")
    return form, period


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "pdf"])
def test_export_contents(approved, fmt, django_capture_on_commit_callbacks):
    form, period = approved
    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_request(
            actor="dora", form=form, period=period, fmt=fmt, schools=["alpha", "beta"]
        )
    export_build.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 100
    assert job.included == ["alpha"] and job.left_out == ["beta"]
    data = export_path(job).read_bytes()
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        by = {(r[0], r[2]): r for r in rows[1:]}
        assert by[("alpha", "counseling_rooms")][7] == 2 and by[("alpha", "counseling_rooms")][9] == "两间"
        # 3 sessions, a student count below k: withheld and flagged.
        assert (
            by[("alpha", "counseling_sessions")][7] is None
            and by[("alpha", "counseling_sessions")][8] == "是"
        )
        assert not any(r[0] == "beta" for r in rows[1:])
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        by = {r["element_code"]: r for r in rows}
        assert by["counseling_rooms"]["value"] == "2" and by["counseling_rooms"]["suppressed"] == "false"
        assert by["counseling_sessions"]["value"] == "" and by["counseling_sessions"]["suppressed"] == "true"
    elif fmt == "json":
        doc = json.loads(data)
        assert doc["leftOut"] == ["beta"]
        [dvs] = doc["dataValueSets"]
        assert (dvs["dataSet"], dvs["period"], dvs["orgUnit"]) == ("rep-test", PERIOD, "alpha")
        values = {v["dataElement"]: v for v in dvs["dataValues"]}
        assert values["counseling_rooms"] == {
            "dataElement": "counseling_rooms", "categoryOptionCombo": "default", "value": "2",
            "suppressed": False, "comment": "两间",
        }  # fmt: skip
        assert (
            values["counseling_sessions"]["value"] is None
            and values["counseling_sessions"]["suppressed"] is True
        )
    else:
        text = pdf_text(data)
        assert "测试报表" in text and "已抑制" in text and "心理辅导室" in text


def test_download_only_for_district_readers(approved, django_capture_on_commit_callbacks):
    from tests.conftest import signed_in

    form, period = approved
    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_request(actor="dora", form=form, period=period, fmt="csv")
    export_build.apply(args=[job.pk]).get()
    url = f"/reporting/exports/{job.public_id}/download/"
    response = signed_in(None, "dora").get(url)
    assert response.status_code == 200 and b"counseling_rooms" in b"".join(response.streaming_content)
    assert signed_in("alpha", "alice").get(url).status_code == 404
    assert ExportJob.objects.filter(pk=job.pk, left_out__contains=["beta"]).exists()
