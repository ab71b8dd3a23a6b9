"""How student-care work scales inside one school: roster import, screening entry, the record
timeline and the whole-record export.

    .venv/bin/python bench/care.py [--rows 500,2000,5000] [--keep]

Needs DATABASE_URL and REDIS_URL (a throwaway database). A bench school is provisioned, measured
and dropped (unless --keep).
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "platform"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from provision import print_table  # noqa: E402  (bench/ is this script's folder)

HEADER = "学号,姓名,性别,出生日期,年级,班级,监护人姓名,监护人电话"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["雨桐", "浩然", "欣怡", "子轩", "梓涵", "宇航", "诗琪", "俊熙", "可馨", "一鸣"]


def roster_csv(rows: int, prefix: str) -> io.BytesIO:
    lines = [HEADER]
    for i in range(rows):
        grade = 7 + i % 3
        lines.append(
            f"{prefix}{i:06d},{SURNAMES[i % 20]}{GIVEN[i % 10]},{'男' if i % 2 else '女'},"
            f"{2019 - grade}-0{1 + i % 9}-1{i % 9},{grade},{1 + i % 8}班,{SURNAMES[(i + 3) % 20]}家长,139{i:08d}"
        )
    data = io.BytesIO("\n".join(lines).encode("utf-8"))
    data.name = "roster.csv"
    return data


def timed(fn, repeat=1):
    samples = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return result, samples


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default="500,2000,5000", help="roster sizes to import (comma-separated)")
    parser.add_argument("--keep", action="store_true", help="leave the bench school in place")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from district.models import Domain, School
    from district.services import school_create
    from shared.accounts.services import account_create

    call_command("migrate_platform", verbosity=0)
    run = secrets.token_hex(3)
    code = f"benchcare{run}"
    school = school_create(
        code=code,
        name="Bench care",
        school_type="junior",
        number=f"BC-{run}",
        student_count=5000,
        admin_name="Bench",
        admin_email=f"admin@{code}.example.cn",
    ).school
    try:
        with schema_context(school.schema_name):
            from tenants.care.export import record_package, record_pdf, record_workbook
            from tenants.care.models import Consent
            from tenants.care.selectors import timeline
            from tenants.counseling.models import CounselingSession
            from tenants.screening.services import screening_record
            from tenants.students.models import Student
            from tenants.students.services import roster_import

            counselor = account_create(
                username="bench_counselor",
                full_name="测试辅导员",
                roles=["counselor"],
                password=secrets.token_urlsafe(12),
            )
            rows = []
            for size in sizes:
                result, samples = timed(
                    lambda size=size: roster_import(
                        actor=counselor, upload=roster_csv(size, f"B{size}-"), only_good_rows=False
                    )
                )
                assert result.created == size, result.errors[:3]
                rows.append((f"{size:,} rows", f"{samples[0]:.2f}", f"{size / samples[0]:,.0f}"))
            print("\nroster import (CSV, one transaction, audited per student)")
            print_table(["file", "seconds", "rows/s"], rows)

            students = list(Student.objects.order_by("id")[:200])
            Consent.objects.bulk_create(
                [
                    Consent(
                        student=s,
                        status="granted",
                        guardian_name="家长",
                        recorded_on=date.today(),
                        created_by=counselor,
                    )
                    for s in students
                ]
            )
            answers = [1, 0, 2, 1, 0, 1, 0, 0, 0]
            _, samples = timed(
                lambda: [
                    screening_record(student=s, instrument="phq9", answers=answers, actor=counselor)
                    for s in students
                ]
            )
            per = samples[0] / len(students)
            print("\nscreening entry (score, encrypt, audit), PHQ-9 without a safety flag")
            print_table(
                ["responses", "seconds", "ms/response"],
                [(len(students), f"{samples[0]:.2f}", f"{per * 1000:.1f}")],
            )

            rows = []
            student = students[0]
            held = 0
            now = timezone.now()
            for entries in (10, 100, 500):
                add = entries - held
                for i in range(add):  # save() encrypts each note (bulk_create would not)
                    CounselingSession(
                        student=student,
                        counselor=counselor,
                        duration_minutes=40,
                        category="emotion",
                        held_at=now - timedelta(days=held + i),
                        notes=f"第{held + i}次辅导记录",
                    ).save()
                held = entries
                _, t_timeline = timed(lambda: timeline(student, clinical=True), repeat=5)
                package, t_package = timed(lambda: record_package(student), repeat=3)
                _, t_xlsx = timed(lambda p=package: record_workbook(student, p), repeat=3)
                _, t_pdf = timed(lambda p=package: record_pdf(student, p), repeat=3)
                rows.append(
                    (
                        entries,
                        *(
                            f"{statistics.median(t) * 1000:.0f}"
                            for t in (t_timeline, t_package, t_xlsx, t_pdf)
                        ),
                    )
                )
            print("\none student's record: median ms by number of counseling sessions (each note decrypted)")
            print_table(["sessions", "timeline", "package", "XLSX", "PDF"], rows)
    finally:
        connection.set_schema_to_public()
        if not args.keep:
            with transaction.atomic():
                Domain.objects.filter(tenant=school).delete()
                School.objects.filter(pk=school.pk).delete()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema_name}" CASCADE')
            print(f"\ncleaned up: {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
