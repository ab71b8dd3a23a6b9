"""The data elements the district collects, declared once and synced into `DataElement`.

Names are the zh-hans words district staff read. Categories of a breakdown are exhaustive: a
school's total is the sum of its categories, which is what complementary suppression relies on.
Rates and medians name the count elements behind them (`numerator`, `denominator`).
"""

from dataclasses import dataclass, field

GRADES = [{"code": f"g{n}", "name": f"{n}年级"} for n in range(1, 13)]

SCREENING_BANDS = [
    ("phq9", "PHQ-9", [("minimal", "无或极轻微"), ("mild", "轻度"), ("moderate", "中度"),
                       ("moderately_severe", "中重度"), ("severe", "重度")]),
    ("gad7", "GAD-7", [("minimal", "无或极轻微"), ("mild", "轻度"), ("moderate", "中度"), ("severe", "重度")]),
    ("k6", "K6", [("low", "低"), ("moderate", "中等"), ("high", "可能存在严重心理困扰")]),
]  # fmt: skip
SCREENING_CATEGORIES = [
    {"code": f"{code}.{band}", "name": f"{label} {band_name}"}
    for code, label, bands in SCREENING_BANDS
    for band, band_name in bands
] + [{"code": "other", "name": "其他量表"}]


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    unit: str
    value_type: str = "count"
    counts_students: bool = False
    breakdown_name: str = ""
    categories: list = field(default_factory=list)
    numerator: str = ""
    denominator: str = ""
    description: str = ""


def _cats(*pairs) -> list[dict]:
    return [{"code": code, "name": name} for code, name in pairs]


ELEMENTS: tuple[Element, ...] = (
    Element("enrolment", "在籍学生数", "人", counts_students=True, breakdown_name="年级", categories=GRADES,
            description="学生名册中在籍（未归档）的学生，按期末所在年级统计。"),
    Element("group_members", "领导小组成员数", "人", description="期末时在任的心理健康教育领导小组成员。"),
    Element("group_meetings", "领导小组会议次数", "次", description="期内已召开的领导小组会议。"),
    Element("plans_approved", "批准的工作计划", "项", description="期内获批准的工作计划。"),
    Element("plans_closed", "完结的工作计划", "项", description="期内完结的工作计划。"),
    Element("ledger_tasks", "台账任务", "项", breakdown_name="完成情况",
            categories=_cats(("done_on_time", "按时完成"), ("done_late", "逾期完成"),
                             ("overdue", "逾期未完成"), ("open", "进行中")),
            description="期内到期或完成的台账任务。"),
    Element("activities", "心理健康活动", "场", breakdown_name="活动类型",
            categories=_cats(("lecture", "讲座"), ("class_meeting", "主题班会"), ("psychodrama", "心理剧"),
                             ("group_counseling", "团体辅导"), ("stress_workshop", "压力管理工作坊"),
                             ("other", "其他")),
            description="期内举办的心理健康活动。"),
    Element("activity_participants", "活动参与人次", "人次", breakdown_name="活动类型",
            categories=_cats(("lecture", "讲座"), ("class_meeting", "主题班会"), ("psychodrama", "心理剧"),
                             ("group_counseling", "团体辅导"), ("stress_workshop", "压力管理工作坊"),
                             ("other", "其他"))),
    Element("class_sessions", "心理健康课时", "节", description="期内已上的心理健康课。"),
    Element("parent_events", "家长活动", "场", description="期内举办的家庭讲座、家长培训等。"),
    Element("parent_event_participants", "家长参与人次", "人次"),
    Element("training_hours", "教师培训学时", "小时", value_type="measure"),
    Element("teachers_trained", "参加培训的教师", "人"),
    Element("training_hours_per_teacher", "人均培训学时", "小时", value_type="rate",
            numerator="training_hours", denominator="teachers_trained"),
    Element("psych_teachers", "心理教师", "人", breakdown_name="岗位",
            categories=_cats(("full_time", "专职"), ("part_time", "兼职"))),
    Element("psych_teachers_per_1000", "每千名学生心理教师数", "人", value_type="rate",
            numerator="psych_teachers", denominator="enrolment"),
    Element("counseling_rooms", "心理辅导室", "间"),
    Element("room_weekly_hours", "心理辅导室每周开放时长", "小时", value_type="measure"),
    Element("screened_students", "参加筛查的学生", "人", counts_students=True, breakdown_name="年级",
            categories=GRADES, description="期内完成至少一次有效测评的学生，按年级。"),
    Element("screening_coverage", "筛查覆盖率", "%", value_type="rate", counts_students=True,
            breakdown_name="年级", categories=GRADES, numerator="screened_students", denominator="enrolment",
            description="参加筛查的学生占在籍学生的比例。目标年级见区级设置。"),
    Element("screenings", "测评人次", "人次", counts_students=True, breakdown_name="量表与分级",
            categories=SCREENING_CATEGORIES),
    Element("counseling_sessions", "个别辅导次数", "次", counts_students=True),
    Element("crisis_cases", "危机个案", "例", counts_students=True, breakdown_name="风险等级",
            categories=_cats(("low", "低"), ("medium", "中"), ("high", "高"), ("unassessed", "未评估"))),
    Element("crisis_hours_to_assessment", "识别至评估时长（中位数）", "小时", value_type="median",
            counts_students=True, numerator="crisis_cases"),
    Element("referrals", "医疗转介", "例", counts_students=True),
    Element("budget_spent_share", "经费执行率", "%", value_type="rate",
            description="已支出金额占年度预算的比例。"),
    Element("info_reports", "信息报告", "份", breakdown_name="报送情况",
            categories=_cats(("on_time", "按时报送"), ("late", "逾期报送"))),
)  # fmt: skip

BY_CODE = {element.code: element for element in ELEMENTS}


def catalog_sync() -> int:
    """Create or update every declared element in the public schema; return how many there are."""
    from figures.models import DataElement

    for position, element in enumerate(ELEMENTS):
        DataElement.objects.update_or_create(
            code=element.code,
            defaults=dict(
                name=element.name,
                unit=element.unit,
                value_type=element.value_type,
                counts_students=element.counts_students,
                breakdown_name=element.breakdown_name,
                categories=element.categories,
                numerator=element.numerator,
                denominator=element.denominator,
                description=element.description,
                position=position,
            ),
        )
    return len(ELEMENTS)
