"""Demo content of the library: a few district items and one school's approved proposal. Invented
text, never real people. Idempotent: an item whose title exists is left alone. Call after the demo
district accounts and schools exist (district.demo.seed_demo)."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django_tenants.utils import schema_context

from district.models import School
from library import services
from library.models import LibraryItem
from shared.accounts.models import User
from shared.accounts.roles import DistrictRole, SchoolRole
from tenants.care.instruments import PHQ_LICENCE

DISTRICT_ITEMS = [
    dict(
        kind="courseware",
        title="七年级心理课《情绪的小秘密》课件",
        summary="一课时课件与教案，含情绪温度计活动和课后练习。",
        body="教学目标：识别基本情绪，了解情绪与身体、行为的关系。\n教学流程：导入5分钟，情绪猜猜看15分钟，"
        "情绪温度计15分钟，小结5分钟。",
        tags="情绪 七年级 心理课",
        grades=[7],
        file=(
            "情绪的小秘密-教案.txt",
            "《情绪的小秘密》教案（示例）\n一、导入\n二、情绪猜猜看\n三、情绪温度计\n四、小结\n",
        ),
    ),
    dict(
        kind="plan_template",
        title="学校心理健康教育年度工作计划（区模板）",
        summary="按区里的要求列好目标和重点任务，导入后改成本校的计划再报批。",
        body="1. 健全心理健康教育领导小组和工作机制。\n2. 开齐开足心理健康课，每两周不少于1课时。\n"
        "3. 完成新生心理普查和重点学生跟踪。\n4. 每学期开展家庭教育讲座不少于2次。",
        tags="工作计划 模板",
        structured={
            "plan_kind": "annual",
            "key_tasks": "完成新生心理普查\n开展“5·25”心理健康月活动\n组织班主任心理健康培训\n期末工作总结",
        },
    ),
    dict(
        kind="activity_design",
        title="“解压魔法屋”压力管理工作坊",
        summary="面向九年级的90分钟工作坊：认识压力、放松训练、制定个人减压方案。",
        body="环节一：压力气球（15分钟）\n环节二：腹式呼吸与渐进式肌肉放松（30分钟）\n"
        "环节三：我的减压工具箱（30分钟）\n环节四：分享与承诺（15分钟）",
        tags="压力 九年级 工作坊",
        grades=[9],
        structured={"activity_kind": "stress_workshop"},
    ),
    dict(
        kind="instrument",
        title="患者健康问卷抑郁量表（PHQ-9）",
        summary="9个条目的抑郁筛查量表。已内置于每所学校的量表库，可直接用于测评活动。",
        tags="测评 抑郁",
        licence=PHQ_LICENCE + "\n版权说明须保留。区内学校用于筛查，不作诊断。",
        structured={"instrument_code": "phq9"},
    ),
    dict(
        kind="instrument",
        title="广泛性焦虑量表（GAD-7）",
        summary="7个条目的焦虑筛查量表。已内置于每所学校的量表库。",
        tags="测评 焦虑",
        licence=PHQ_LICENCE + "\n版权说明须保留。区内学校用于筛查，不作诊断。",
        structured={"instrument_code": "gad7"},
    ),
    dict(
        kind="reading_list",
        title="家长书单：陪伴青春期的孩子",
        summary="给初中家长的八本书，附每本书适合解决的问题。",
        body="1.《如何说孩子才会听，怎么听孩子才肯说》——沟通\n2.《正面管教》——规则与鼓励\n"
        "3.《青春期的烦“脑”》——理解青春期大脑\n4.《游戏力》——亲子关系",
        tags="家长 书单 青春期",
        grades=[7, 8, 9],
    ),
]


def _district_actor():
    return (
        User.objects.filter(roles__contains=[DistrictRole.DISTRICT_ADMIN]).order_by("id").first()
        or User.objects.filter(roles__contains=[DistrictRole.DISTRICT_REVIEWER]).order_by("id").first()
    )


def _seed_district_items(actor) -> None:
    for spec in DISTRICT_ITEMS:
        spec = dict(spec)
        if LibraryItem.objects.filter(title=spec["title"]).exists():
            continue
        file = spec.pop("file", None)
        files = [ContentFile(file[1].encode(), name=file[0])] if file else []
        services.item_publish(actor=actor, files=files, **spec)


def _seed_school_proposal(actor, *, prefix: str = "demo") -> None:
    """The first demo school with an activity proposes it; the district approves it."""
    from tenants.programs.models import Activity

    if LibraryItem.objects.filter(school__isnull=False, status="published").exists():
        return
    for school in School.objects.filter(code__startswith=prefix).order_by("code"):
        with schema_context(school.schema_name):
            principal = User.objects.filter(roles__contains=[SchoolRole.PRINCIPAL]).order_by("id").first()
            activity = Activity.objects.exclude(description="").order_by("held_on").first()
            if principal is None or activity is None:
                continue
            item = services.proposal_submit(
                actor=principal,
                school=school,
                source_model="programs.activity",
                source_id=activity.public_id,
                summary="我校开展过的活动，流程完整，适合同年级参考。",
                tags="活动 示范",
            )
        connection.set_schema_to_public()
        services.proposal_approve(item, actor=actor)
        return
    connection.set_schema_to_public()


def seed_demo() -> None:
    connection.set_schema_to_public()
    actor = _district_actor()
    if actor is None:
        return
    _seed_district_items(actor)
    try:
        _seed_school_proposal(actor)
    except ValidationError:  # a demo activity the personal-data check refuses is not proposed
        connection.set_schema_to_public()
