"""Onboarding schools from a CSV file on the console: a real Celery worker runs the job (sent with
its id only), the page polls its progress, every bad line is reported by number and makes nothing,
the good lines' schools are made with their audit events, and their admins' one-time links are shown
once to the admin who ran it."""

import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from district.models import DistrictAuditEvent, OnboardingJob, School
from district.onboarding import decode_csv
from tests.conftest import signed_in

HEADER = "code,name,type,number,student_count,admin_name,admin_email\n"


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_decoding_utf8_bom_and_gbk():
    text = HEADER + "hs,红山中学,初中,D1,1,王老师,w@x.cn\n"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_csv(text.encode("gbk")) == text


@pytest.mark.django_db
def test_a_file_without_the_columns_is_refused_at_upload():
    dora = signed_in(None, "dora")
    upload = SimpleUploadedFile("schools.csv", "code,name\nabc,学校\n".encode())
    response = dora.post("/schools/onboard/", {"file": upload})
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["file"])
    assert "1" in message and "admin_email" in message and "student_count" in message
    assert not OnboardingJob.objects.exists()


def test_onboarding_on_a_worker_with_good_and_bad_lines(worker, django_db_blocker):
    suffix = uuid.uuid4().hex[:5]
    good1, good2, bad_email = f"cob{suffix}a", f"cob{suffix}b", f"cob{suffix}c"
    lines = [
        f"{good1},一号新学校,初中,N{suffix}1,300,张老师,zhang@{good1}.example.cn",
        f"{good2},二号新学校,小学,N{suffix}2,150,李老师,li@{good2}.example.cn",
        f"{good1},重复代码,初中,N{suffix}3,10,赵老师,zhao@example.cn",  # line 4: code used on line 2
        f"cob{suffix}d,类型错误,大学,N{suffix}4,10,钱老师,qian@example.cn",  # line 5: unknown type
        f"cob{suffix}e,编号已用,初中,T001,10,孙老师,sun@example.cn",  # line 6: alpha's number
        f"{bad_email},邮箱错误,初中,N{suffix}6,10,周老师,not-an-email",  # line 7: caught at creation
    ]
    data = (HEADER + "\n".join(lines) + "\n").encode("gbk")
    with django_db_blocker.unblock():
        created = []
        try:
            dora = signed_in(None, "dora")
            response = dora.post("/schools/onboard/", {"file": SimpleUploadedFile("新学校.csv", data)})
            assert response.status_code == 302, response.content.decode()[:800]
            job = OnboardingJob.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])
            assert job.requested_by == "dora" and job.total == 6
            page = dora.get(response["Location"])
            assert page.status_code == 200
            deadline = time.monotonic() + 120
            row = None
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.finished:
                    break
                row = dora.get(f"/schools/onboard/{job.public_id}/progress/")
                assert row.status_code == 200 and "hx-get" in row.content.decode()
                time.sleep(0.5)
            assert job.status == "done", job.status
            created = [good1, good2]
            # The finished job: it stops polling, shows each line's result and, once, the links.
            final = dora.get(f"/schools/onboard/{job.public_id}/progress/")
            html = final.content.decode()
            assert "hx-get" not in html
            states = {r["line"]: r["state"] for r in final.context["rows"]}
            assert states == {
                2: "created",
                3: "created",
                4: "refused",
                5: "refused",
                6: "refused",
                7: "refused",
            }
            errors = {r["line"]: " ".join(r["errors"]) for r in final.context["rows"]}
            assert (
                "2" in errors[4]
                and "大学" in errors[5]
                and "number" in errors[6]
                and "admin_email" in errors[7]
            )
            links = [r["link"]["link"] for r in final.context["rows"] if r.get("link")]
            assert len(links) == 2 and all("/accounts/set-password/" in link for link in links)
            assert all(link in html for link in links)
            again = dora.get(f"/schools/onboard/{job.public_id}/").content.decode()
            assert not any(link in again for link in links)
            job.refresh_from_db()
            assert job.links == {} and job.links_shown and job.csv_text == ""

            connection.set_schema_to_public()
            made = School.objects.filter(code__in=[good1, good2]).order_by("code")
            assert [(s.code, s.student_count, s.school_type) for s in made] == [
                (good1, 300, "junior"),
                (good2, 150, "primary"),
            ]
            # Nothing of a refused line: no school, no schema, no audit event.
            assert not School.objects.filter(code__in=[f"cob{suffix}d", f"cob{suffix}e", bad_email]).exists()
            assert not _schema_exists(f"school_{bad_email}")
            assert _schema_exists(f"school_{good1}")
            events = DistrictAuditEvent.objects.filter(action="school.create", school__in=made)
            assert sorted(events.values_list("actor", flat=True)) == ["dora", "dora"]
            assert all("新学校.csv" in e.summary for e in events)
            # The schools' table lists them with their administrators.
            table = dora.get(f"/schools/?q=cob{suffix}").content.decode()
            assert f"zhang@{good1}.example.cn" in table and f"li@{good2}.example.cn" in table
        finally:
            from district.services import school_set_status

            connection.set_schema_to_public()
            for school in School.objects.filter(code__in=created):
                school_set_status(school=school, status="archived")
            OnboardingJob.objects.all().delete()
