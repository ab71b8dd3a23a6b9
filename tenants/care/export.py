"""A student's whole record as data: `record_package` (JSON-serialisable, everything including
clinical texts; also what a school-to-school transfer sends) and `record_workbook` (the same as an
XLSX workbook, for a guardian's request; every cell through shared.xlsx.append_row, so no text
becomes a formula).

These functions read clinical detail: callers check need to know and write the audit event.
"""

import re
from datetime import date, datetime
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from shared.xlsx import append_row
from tenants.care.models import AttentionChange, CareRecord, Consent, Observation

PACKAGE_VERSION = 1


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _who(user):
    return user.display_name if user is not None else ""


def record_package(student) -> dict:
    """Everything in the student's record, as plain JSON values (dates as ISO strings)."""
    from tenants.counseling.models import CarePlan, CounselingSession, Referral
    from tenants.crisis.models import CrisisCase
    from tenants.screening.models import Response

    record = CareRecord.objects.select_related("set_by").filter(student=student).first()
    cls = student.school_class
    return {
        "version": PACKAGE_VERSION,
        "exported_at": _iso(timezone.now()),
        "student": {
            "id": str(student.public_id),
            "student_number": student.student_number,
            "name": student.name,
            "gender": student.gender,
            "date_of_birth": _iso(student.date_of_birth),
            "grade": cls.grade,
            "class": cls.name,
            "guardian_name": student.guardian_name,
            "guardian_phone": student.guardian_phone,
            "status": student.status,
        },
        "attention": {
            "level": record.level if record else "none",
            "reason": record.reason if record else "",
            "set_by": _who(record.set_by) if record else "",
            "set_at": _iso(record.set_at) if record else None,
            "history": [
                {
                    "at": _iso(c.changed_at),
                    "from": c.from_level,
                    "to": c.to_level,
                    "reason": c.reason,
                    "by": _who(c.changed_by),
                }
                for c in AttentionChange.objects.filter(student=student).select_related("changed_by")
            ],
        },
        "consents": [
            {
                "purpose": c.purpose,
                "status": c.status,
                "guardian_name": c.guardian_name,
                "recorded_on": _iso(c.recorded_on),
                "note": c.note,
            }
            for c in Consent.objects.filter(student=student).order_by("recorded_on", "id")
        ],
        "screenings": [
            {
                "taken_at": _iso(r.taken_at),
                "instrument": r.instrument_code,
                "answers": r.answers,
                "complete": r.complete,
                "total": r.total,
                "band": r.band,
                "safety_flag": r.safety_flag,
                "via_link": r.via_link,
                "entered_by": _who(r.entered_by),
                "campaign": r.campaign.title if r.campaign else "",
            }
            for r in Response.objects.filter(student=student)
            .select_related("entered_by", "campaign")
            .order_by("taken_at", "id")
        ],
        "counseling_sessions": [
            {
                "held_at": _iso(s.held_at),
                "counselor": _who(s.counselor),
                "duration_minutes": s.duration_minutes,
                "category": s.category,
                "notes": s.notes,
                "follow_up_on": _iso(s.follow_up_on),
            }
            for s in CounselingSession.objects.filter(student=student)
            .select_related("counselor")
            .order_by("held_at", "id")
        ],
        "observations": [
            {
                "observed_on": _iso(o.observed_on),
                "kind": o.kind,
                "text": o.text,
                "by": _who(o.created_by),
                "acknowledged_at": _iso(o.acknowledged_at),
            }
            for o in Observation.objects.filter(student=student)
            .select_related("created_by")
            .order_by("observed_on", "id")
        ],
        "crisis_cases": [
            {
                "opened_at": _iso(c.opened_at),
                "level": c.level,
                "step": c.step,
                "identified_how": c.identified_how,
                "identified_by": _who(c.identified_by),
                "counselor": _who(c.counselor),
                "narrative": c.narrative,
                "summary": c.summary,
                "closed_at": _iso(c.closed_at),
                "steps": [
                    {
                        "step": s.step,
                        "done_at": _iso(s.done_at),
                        "by": _who(s.done_by),
                        "level": s.level,
                        "skipped_reason": s.skipped_reason,
                        "note": s.note,
                    }
                    for s in c.steps.all()
                ],
            }
            for c in CrisisCase.objects.filter(student=student)
            .select_related("identified_by", "counselor")
            .prefetch_related("steps__done_by")
            .order_by("opened_at", "id")
        ],
        "plans": [
            {
                "starts_on": _iso(p.starts_on),
                "owner": _who(p.owner),
                "goals": p.goals,
                "supports": p.supports,
                "review_every_days": p.review_every_days,
                "status": p.status,
                "closed_at": _iso(p.closed_at),
                "reviews": [
                    {
                        "due_on": _iso(r.due_on),
                        "done_at": _iso(r.done_at),
                        "by": _who(r.done_by),
                        "progress": r.progress,
                    }
                    for r in p.reviews.all()
                ],
            }
            for p in CarePlan.objects.filter(student=student)
            .select_related("owner")
            .prefetch_related("reviews__done_by")
            .order_by("starts_on", "id")
        ],
        "medical_referrals": [
            {
                "referred_on": _iso(r.referred_on),
                "institution": r.institution,
                "reason": r.reason,
                "feedback": r.feedback,
                "feedback_on": _iso(r.feedback_on),
                "return_plan": r.return_plan,
                "return_on": _iso(r.return_on),
            }
            for r in Referral.objects.filter(student=student).order_by("referred_on", "id")
        ],
    }


LEVELS_ZH = {"none": "无", "attention": "关注", "elevated": "重点关注", "high": "高度关注", "crisis": "危机"}


def _sheet(workbook, title: str, headers: list[str], rows: list[list]):
    sheet = workbook.create_sheet(re.sub(r"[:\\/?*\[\]]", "-", title)[:31])
    for cell in append_row(sheet, headers):
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 2 for h in headers]
    for row in rows:
        append_row(sheet, ["" if v is None else v for v in row])
        for i, v in enumerate(row):
            widths[i] = min(60, max(widths[i], len(str(v or "")) + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


def record_sections(package: dict) -> list[tuple[str, list[str], list[list]]]:
    """The record as (title, headers, rows) per part: what both the workbook and the PDF show."""
    p = package
    s, a = p["student"], p["attention"]
    sections = [
        (
            "基本信息",
            ["项目", "内容"],
            [
                ["学号", s["student_number"]],
                ["姓名", s["name"]],
                ["性别", {"male": "男", "female": "女"}.get(s["gender"], s["gender"])],
                ["出生日期", s["date_of_birth"]],
                ["班级", f"{s['grade']}年级{s['class']}"],
                ["监护人", s["guardian_name"]],
                ["监护人电话", s["guardian_phone"]],
                ["导出时间", p["exported_at"]],
            ]
            + [
                [
                    f"知情同意（{c['recorded_on']}）",
                    f"{ {'granted': '同意', 'refused': '拒绝', 'withdrawn': '撤回'}.get(c['status'], c['status']) }"
                    f"，监护人 {c['guardian_name']}{('，' + c['note']) if c['note'] else ''}",
                ]
                for c in p["consents"]
            ],
        )
    ]
    sections.append(
        (
            "关注等级",
            ["时间", "原等级", "新等级", "原因", "操作人"],
            [["当前", "", LEVELS_ZH.get(a["level"], a["level"]), a["reason"], a["set_by"]]]
            + [
                [
                    h["at"],
                    LEVELS_ZH.get(h["from"], h["from"]),
                    LEVELS_ZH.get(h["to"], h["to"]),
                    h["reason"],
                    h["by"],
                ]
                for h in a["history"]
            ],
        )
    )
    sections.append(
        (
            "测评",
            ["时间", "量表", "总分", "分级", "安全警示", "作答", "录入"],
            [
                [
                    r["taken_at"],
                    r["instrument"],
                    r["total"],
                    r["band"],
                    "是" if r["safety_flag"] else "否",
                    str(r["answers"]),
                    r["entered_by"] or ("学生本人（链接）" if r["via_link"] else ""),
                ]
                for r in p["screenings"]
            ],
        )
    )
    sections.append(
        (
            "辅导",
            ["时间", "辅导老师", "时长（分钟）", "问题类别", "记录", "跟进日期"],
            [
                [
                    x["held_at"],
                    x["counselor"],
                    x["duration_minutes"],
                    x["category"],
                    x["notes"],
                    x["follow_up_on"],
                ]
                for x in p["counseling_sessions"]
            ],
        )
    )
    sections.append(
        (
            "观察",
            ["日期", "类型", "内容", "记录人", "心理老师已阅"],
            [
                [
                    o["observed_on"],
                    "转介" if o["kind"] == "referral" else "观察",
                    o["text"],
                    o["by"],
                    o["acknowledged_at"],
                ]
                for o in p["observations"]
            ],
        )
    )
    crisis_rows = []
    for c in p["crisis_cases"]:
        crisis_rows.append(
            [c["opened_at"], "立案", c["level"], c["identified_by"], c["narrative"], c["identified_how"]]
        )
        for st in c["steps"]:
            crisis_rows.append(
                [st["done_at"], st["step"], st["level"], st["by"], st["note"], st["skipped_reason"]]
            )
        if c["summary"]:
            crisis_rows.append([c["closed_at"], "结案小结", "", "", c["summary"], ""])
    sections.append(("危机", ["时间", "步骤", "风险等级", "人员", "记录", "说明"], crisis_rows))
    plan_rows = []
    for pl in p["plans"]:
        plan_rows.append(
            [
                pl["starts_on"],
                "计划",
                pl["owner"],
                f"目标：{pl['goals']}\n支持：{pl['supports']}",
                pl["status"],
            ]
        )
        for r in pl["reviews"]:
            plan_rows.append(
                [r["due_on"], "复评", r["by"], r["progress"], "已完成" if r["done_at"] else "待复评"]
            )
    sections.append(("一生一策", ["日期", "类型", "负责人", "内容", "状态"], plan_rows))
    sections.append(
        (
            "转介",
            ["转介日期", "机构", "原因", "反馈", "反馈日期", "返校计划", "返校日期"],
            [
                [
                    r["referred_on"],
                    r["institution"],
                    r["reason"],
                    r["feedback"],
                    r["feedback_on"],
                    r["return_plan"],
                    r["return_on"],
                ]
                for r in p["medical_referrals"]
            ],
        )
    )
    return sections


def record_workbook(student, package: dict | None = None) -> bytes:
    """The whole record as an XLSX workbook, one sheet per part of the record."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in record_sections(package or record_package(student)):
        _sheet(workbook, title, headers, rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def record_pdf(student, package: dict | None = None) -> bytes:
    """The whole record as a PDF, one table per part. Chinese is set in reportlab's built-in
    STSong-Light CID font, so no font file has to ship with the platform."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=8.5, leading=11, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=13, leading=17, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=22, spaceAfter=6)
    package = package or record_package(student)
    s = package["student"]

    def cell(value):
        text = "" if value is None else str(value)
        return Paragraph(escape(text).replace("\n", "<br/>"), body)

    buffer = BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"心理健康档案 {s['student_number']}",
        author="心育",
    )
    story = [
        Paragraph(escape(f"心理健康档案：{s['name']}（{s['student_number']}）"), title),
        Paragraph(
            escape(
                f"导出时间 {package['exported_at']}。本档案含心理辅导记录等敏感信息，仅供学生监护人查阅。"
            ),
            body,
        ),
    ]
    width = page[0] - 24 * mm
    for section, headers, rows in record_sections(package):
        story.append(Paragraph(escape(section), head))
        if not rows:
            story.append(Paragraph("（无记录）", body))
            continue
        table = Table(
            [[cell(h) for h in headers]] + [[cell(v) for v in row] for row in rows],
            colWidths=[width / len(headers)] * len(headers),
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c4c2")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6efed")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()
