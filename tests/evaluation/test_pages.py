"""Pages of 监督评估: who sees what, forms refusing bad input by field, XLSX exports."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tenants.evaluation import services
from tenants.evaluation.models import (
    AnswerLink,
    Commendation,
    ImprovementAction,
    Indicator,
    IndicatorScore,
    Question,
    Questionnaire,
    SelfAssessment,
)
from tenants.ledger.models import Task
from tests.conftest import ALPHA, in_alpha, role_user, signed_in
from tests.evaluation import factories as f

pytestmark = pytest.mark.django_db


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


@pytest.fixture
def data():
    def build():
        assessment, indicators = f.assessment_with([80, 90, 100], name="年度心理健康教育评估指标")
        action = services.improvement_action_create(
            actor=role_user("principal"),
            assessment=assessment,
            indicator=indicators[0],
            title="完善心理健康档案",
            owner=role_user("psychology_teacher"),
            due_on=date(2027, 1, 15),
        )
        q, single, multiple, scale, text = f.survey()
        links = f.links(q, 3)
        services.response_submit(
            token=links[0].token,
            answers={
                str(single.public_id): [f.option_ids(single)[0]],
                str(scale.public_id): ["4"],
                str(text.public_id): ["希望增加亲子活动"],
            },
        )
        commendation = services.commendation_create(
            actor=role_user("principal"),
            title="心理健康教育先进个人",
            recipient_user=role_user("counselor"),
            awarded_on=date(2026, 12, 30),
            reason="个别辅导工作扎实",
            level="district",
        )
        return {
            "assessment": assessment,
            "indicators": indicators,
            "action": action,
            "questionnaire": q,
            "questions": (single, multiple, scale, text),
            "links": links,
            "commendation": commendation,
        }

    return in_alpha(build)


def test_every_page_answers_200_to_the_principal_and_shows_data(data):
    client = signed_in(ALPHA, "r_principal")
    a, q = data["assessment"], data["questionnaire"]
    pages = {
        "/evaluation/": ["年度心理健康教育评估指标", "家长满意度调查", "心理健康教育先进个人"],
        "/evaluation/indicator-sets/": ["年度心理健康教育评估指标"],
        f"/evaluation/indicator-sets/{a.indicator_set.public_id}/": ["指标1", "100 %"],
        "/evaluation/assessments/": ["年度心理健康教育评估指标", "2026-2027", "87.0"],
        f"/evaluation/assessments/{a.public_id}/": ["87.0", "证据0", "完善心理健康档案"],
        f"/evaluation/assessments/{a.public_id}/scores/": ["指标3", "证据2"],
        "/evaluation/actions/": ["完善心理健康档案", role_user_name("psychology_teacher")],
        f"/evaluation/actions/{data['action'].public_id}/": ["完善心理健康档案", "2027-01-15"],
        "/evaluation/questionnaires/": ["家长满意度调查"],
        f"/evaluation/questionnaires/{q.public_id}/": ["您是否参加过家庭讲座？", "亲子沟通讲座"],
        f"/evaluation/questionnaires/{q.public_id}/links/": [data["links"][0].label],
        f"/evaluation/questionnaires/{q.public_id}/results/": [
            "vendor/echarts-6.1.0.min.js",
            "希望增加亲子活动",
        ],
        "/evaluation/commendations/": ["心理健康教育先进个人", role_user_name("counselor")],
        "/evaluation/indicator-sets/new/": [],
        "/evaluation/assessments/new/": [],
        "/evaluation/questionnaires/new/": [],
        "/evaluation/commendations/new/": [],
        f"/evaluation/assessments/{a.public_id}/actions/new/": [],
        f"/evaluation/commendations/{data['commendation'].public_id}/edit/": ["个别辅导工作扎实"],
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in texts:
            assert text in body, (url, text)


def role_user_name(role):
    return in_alpha(lambda: role_user(role).display_name)


def test_the_action_page_shows_the_task_status(data):
    def finish():
        from tenants.ledger.services import task_update

        task_update(data["action"].task, actor=role_user("principal"), data={"status": "done"})

    client = signed_in(ALPHA, "r_member")
    page = client.get(f"/evaluation/actions/{data['action'].public_id}/").content.decode()
    assert "badge-due" in page
    in_alpha(finish)
    page = client.get(f"/evaluation/actions/{data['action'].public_id}/").content.decode()
    assert "badge-done" in page


def test_empty_states():
    client = signed_in(ALPHA, "r_principal")
    for url, text in (
        ("/evaluation/commendations/", "No commendations recorded yet."),
        ("/evaluation/questionnaires/", "No questionnaires yet."),
        ("/evaluation/assessments/", "No self-assessments yet."),
        ("/evaluation/actions/", "No improvement actions yet. Add them from a self-assessment."),
    ):
        response = client.get(url)
        assert response.status_code == 200 and zh(text) in response.content.decode(), url


def test_assessments_xlsx_export_is_a_real_workbook(data):
    client = signed_in(ALPHA, "r_deputy")
    sheet = _workbook(client.get("/evaluation/assessments/?export=xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "年度心理健康教育评估指标"
    assert float(rows[1][3]) == 87.0 and rows[1][6] == "3/3"


def test_responses_xlsx_export_for_managers_only(data):
    q = data["questionnaire"]
    sheet = _workbook(
        signed_in(ALPHA, "r_secretary").get(f"/evaluation/questionnaires/{q.public_id}/results/?export=xlsx")
    )
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == data["links"][0].label
    assert rows[1][2:] == ("参加过", None, "4", "希望增加亲子活动")
    assert (
        signed_in(ALPHA, "r_member")
        .get(f"/evaluation/questionnaires/{q.public_id}/results/?export=xlsx")
        .status_code
        == 403
    )


def test_readers_see_summaries_but_not_text_answers(data):
    q = data["questionnaire"]
    member = signed_in(ALPHA, "r_member").get(f"/evaluation/questionnaires/{q.public_id}/results/")
    body = member.content.decode()
    assert member.status_code == 200
    assert "参加过" in body and "100.0%" in body  # the one respondent chose it
    assert "希望增加亲子活动" not in body
    principal = signed_in(ALPHA, "r_principal").get(f"/evaluation/questionnaires/{q.public_id}/results/")
    assert "希望增加亲子活动" in principal.content.decode()


def test_links_page_generates_in_bulk_and_exports(data):
    q = data["questionnaire"]
    client = signed_in(ALPHA, "r_principal")
    url = f"/evaluation/questionnaires/{q.public_id}/links/"
    response = client.post(url, {"count": "25", "label": "初二(4)班家长"})
    # The new links are shown in the answer to the POST, this once (only their hashes are kept).
    assert response.status_code == 200 and len(response.context["new_links"]) == 25
    assert in_alpha(lambda: AnswerLink.objects.filter(questionnaire=q).count()) == 28
    sheet = _workbook(client.get(url + "?export=xlsx&used=no"))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 27
    labels = {r[0] for r in rows[1:]}
    assert "初二(4)班家长 #4" in labels and "初二(4)班家长 #28" in labels
    shown = {link["label"]: link["url"] for link in response.context["new_links"]}
    assert shown["初二(4)班家长 #4"] in response.content.decode()
    assert not any(url_ in str(cell) for url_ in shown.values() for r in rows for cell in r)
    # Bad input: nothing generated, the field error shown.
    bad = client.post(url, {"count": "0", "label": "x"})
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    assert in_alpha(lambda: AnswerLink.objects.filter(questionnaire=q).count()) == 28
    # Readers may not see or make links; outsiders see nothing.
    assert signed_in(ALPHA, "r_member").get(url).status_code == 403
    assert signed_in(ALPHA, "r_member").post(url, {"count": "3"}).status_code == 403
    assert signed_in(ALPHA, "r_invited_attendee").get(url).status_code == 404


def test_indicator_form_refuses_bad_input_by_field(data):
    indicator_set = data["assessment"].indicator_set
    client = signed_in(ALPHA, "r_principal")
    url = f"/evaluation/indicator-sets/{indicator_set.public_id}/indicators/new/"
    before = in_alpha(lambda: Indicator.objects.count())
    response = client.post(
        url, {"name": "心理委员培训", "target_value": "2", "target_text": "每学期两次", "weight": "5"}
    )
    assert response.status_code == 400
    assert zh("Give either a number target or a text target, not both.") in response.content.decode()
    response = client.post(url, {"name": "心理委员培训", "target_value": "2", "weight": "-3"})
    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert in_alpha(lambda: Indicator.objects.count()) == before
    response = client.post(
        url, {"name": "心理委员培训", "target_value": "2", "target_unit": "次/学期", "weight": "5"}
    )
    assert response.status_code == 302
    assert (
        in_alpha(
            lambda: Indicator.objects.get(indicator_set=indicator_set, name="心理委员培训").target_display
        )
        == "2 次/学期"
    )


def test_scores_form_saves_numbers_and_refuses_out_of_range(data):
    a, indicators = data["assessment"], data["indicators"]
    client = signed_in(ALPHA, "r_secretary")
    url = f"/evaluation/assessments/{a.public_id}/scores/"
    bad = client.post(
        url, {f"score_{indicators[0].public_id.hex}": "120", f"score_{indicators[1].public_id.hex}": "10"}
    )
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    assert in_alpha(lambda: IndicatorScore.objects.get(assessment=a, indicator=indicators[1]).score) == 90
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("值班记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    ok = client.post(
        url,
        {
            f"score_{indicators[0].public_id.hex}": "60",
            f"evidence_{indicators[0].public_id.hex}": "档案更新不及时",
            f"file_{indicators[0].public_id.hex}": upload,
            f"score_{indicators[1].public_id.hex}": "90",
            f"score_{indicators[2].public_id.hex}": "100",
        },
    )
    assert ok.status_code == 302
    page = client.get(f"/evaluation/assessments/{a.public_id}/").content.decode()
    # (60×50 + 90×30 + 100×20) / 100 = 77.0
    assert "77.0" in page and "档案更新不及时" in page and "值班记录.pdf" in page
    file_id = in_alpha(
        lambda: IndicatorScore.objects.get(assessment=a, indicator=indicators[0]).attachments.get().public_id
    )
    # The page links the evidence to the one download view (workspace:file).
    assert f'href="/files/{file_id}/"' in page
    download = signed_in(ALPHA, "r_member").get(f"/files/{file_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert signed_in(ALPHA, "r_invited_attendee").get(f"/files/{file_id}/").status_code == 404
    # A file of a forbidden type is refused and nothing of that save is kept.
    exe = SimpleUploadedFile("evil.exe", b"MZ", content_type="application/octet-stream")
    refused = client.post(
        url, {f"score_{indicators[0].public_id.hex}": "10", f"file_{indicators[0].public_id.hex}": exe}
    )
    assert refused.status_code == 400
    assert in_alpha(lambda: IndicatorScore.objects.get(assessment=a, indicator=indicators[0]).score) == 60


def test_evidence_files_download_only_for_people_who_may_read_the_assessment(data, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    a, indicators = data["assessment"], data["indicators"]

    def attach():
        score = IndicatorScore.objects.get(assessment=a, indicator=indicators[1])
        upload = SimpleUploadedFile("咨询室开放登记.pdf", b"%PDF-1.4 rota", content_type="application/pdf")
        return services.score_evidence_add(actor=role_user("secretary"), score=score, upload=upload)

    attachment = in_alpha(attach)
    url = f"/files/{attachment.public_id}/"
    for role in ("principal", "member", "homeroom_teacher", "counselor"):
        response = signed_in(ALPHA, f"r_{role}").get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == b"%PDF-1.4 rota"
    # Who may not read the assessment does not learn the file exists: the same 404 as a missing one.
    for role in ("invited_attendee", "school_admin"):
        assert signed_in(ALPHA, f"r_{role}").get(url).status_code == 404, role
    assert signed_in("beta", "r_principal").get(url).status_code == 404
    # The area's own download view is gone.
    assert (
        signed_in(ALPHA, "r_principal").get(f"/evaluation/files/{attachment.public_id}/").status_code == 404
    )
    # A file gone from storage answers 404, not a server error.
    in_alpha(lambda: attachment.file.storage.delete(attachment.file.name))
    assert signed_in(ALPHA, "r_principal").get(url).status_code == 404


def test_action_page_creates_a_ledger_task_for_the_chosen_owner(data):
    a = data["assessment"]
    client = signed_in(ALPHA, "r_principal")
    owner = in_alpha(lambda: role_user("homeroom_teacher"))
    url = f"/evaluation/assessments/{a.public_id}/actions/new/"
    bad = client.post(url, {"title": "开展主题班会", "owner": owner.pk, "due_on": "2026-01-01"})
    assert (
        bad.status_code == 400
        and zh("The due date cannot be before the assessment date.") in bad.content.decode()
    )
    assert in_alpha(lambda: Task.objects.filter(title="开展主题班会").count()) == 0
    response = client.post(url, {"title": "开展主题班会", "owner": owner.pk, "due_on": "2027-01-10"})
    assert response.status_code == 302
    action = in_alpha(lambda: ImprovementAction.objects.select_related("task").get(title="开展主题班会"))
    assert action.task.owner_id == owner.pk and action.task.due_on == date(2027, 1, 10)


def test_commendation_form_refuses_two_recipients(data):
    client = signed_in(ALPHA, "r_principal")
    before = in_alpha(lambda: Commendation.objects.count())
    staff = in_alpha(lambda: role_user("member"))
    response = client.post(
        "/evaluation/commendations/new/",
        {
            "title": "优秀心理委员",
            "recipient_user": staff.pk,
            "recipient_name": "李明",
            "awarded_on": "2027-01-08",
            "level": "school",
            "reason": "关心同学",
        },
    )
    assert response.status_code == 400
    assert zh("Choose a staff account or write a name, not both.") in response.content.decode()
    assert in_alpha(lambda: Commendation.objects.count()) == before


def test_question_form_and_questionnaire_status(data):
    client = signed_in(ALPHA, "r_principal")
    response = client.post(
        "/evaluation/questionnaires/new/", {"title": "教职工心理健康素养调查", "audience": "staff"}
    )
    assert response.status_code == 302
    q = in_alpha(lambda: Questionnaire.objects.get(title="教职工心理健康素养调查"))
    url = f"/evaluation/questionnaires/{q.public_id}/questions/new/"
    bad = client.post(
        url, {"kind": "single", "text": "您参加过心理健康培训吗？", "options": "参加过", "required": "on"}
    )
    assert (
        bad.status_code == 400 and zh("A choice question needs at least two options.") in bad.content.decode()
    )
    ok = client.post(
        url,
        {"kind": "single", "text": "您参加过心理健康培训吗？", "options": "参加过\n没有\n", "required": "on"},
    )
    assert ok.status_code == 302
    question = in_alpha(lambda: Question.objects.get(questionnaire=q))
    assert in_alpha(lambda: list(question.options.values_list("text", flat=True))) == ["参加过", "没有"]
    detail = f"/evaluation/questionnaires/{q.public_id}/"
    assert client.post(detail, {"action": "status", "status": "open"}).status_code == 302
    assert in_alpha(lambda: Questionnaire.objects.get(pk=q.pk).status) == "open"
    # Once open, the questions are frozen.
    frozen = client.post(f"/evaluation/questions/{question.public_id}/edit/", {"kind": "text", "text": "改"})
    assert frozen.status_code == 400
    assert in_alpha(lambda: Question.objects.get(pk=question.pk).text) == "您参加过心理健康培训吗？"


def test_readers_get_403_on_create_pages_and_cannot_post(data):
    client = signed_in(ALPHA, "r_member")
    a, q = data["assessment"], data["questionnaire"]
    for url in (
        "/evaluation/indicator-sets/new/",
        "/evaluation/assessments/new/",
        "/evaluation/questionnaires/new/",
        "/evaluation/commendations/new/",
        f"/evaluation/assessments/{a.public_id}/actions/new/",
        f"/evaluation/assessments/{a.public_id}/scores/",
        f"/evaluation/questionnaires/{q.public_id}/questions/new/",
        f"/evaluation/assessments/{a.public_id}/edit/",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            "/evaluation/commendations/new/",
            {
                "title": "x",
                "recipient_name": "y",
                "awarded_on": "2027-01-01",
                "level": "school",
                "reason": "z",
            },
        ).status_code
        == 403
    )
    assert client.post(f"/evaluation/delete/assessment/{a.public_id}/").status_code == 403
    assert (
        client.post(
            f"/evaluation/questionnaires/{q.public_id}/", {"action": "status", "status": "closed"}
        ).status_code
        == 403
    )
    assert in_alpha(lambda: SelfAssessment.objects.filter(pk=a.pk).exists())
    assert in_alpha(lambda: Questionnaire.objects.get(pk=q.pk).status) == "open"


@pytest.mark.parametrize("role", ["invited_attendee", "school_admin"])
def test_outsiders_get_404_everywhere(data, role):
    client = signed_in(ALPHA, f"r_{role}")
    a, q = data["assessment"], data["questionnaire"]
    for url in (
        "/evaluation/",
        "/evaluation/indicator-sets/",
        "/evaluation/assessments/",
        "/evaluation/actions/",
        "/evaluation/questionnaires/",
        "/evaluation/commendations/",
        "/evaluation/indicator-sets/new/",
        "/evaluation/assessments/new/",
        "/evaluation/commendations/new/",
        f"/evaluation/assessments/{a.public_id}/",
        f"/evaluation/actions/{data['action'].public_id}/",
        f"/evaluation/questionnaires/{q.public_id}/",
        f"/evaluation/questionnaires/{q.public_id}/results/",
        f"/evaluation/assessments/{a.public_id}/actions/new/",
    ):
        assert client.get(url).status_code == 404, url


def test_another_schools_objects_are_404_on_pages(data):
    client = signed_in("beta", "r_principal")
    a, q = data["assessment"], data["questionnaire"]
    for url in (
        f"/evaluation/assessments/{a.public_id}/",
        f"/evaluation/questionnaires/{q.public_id}/results/",
        f"/evaluation/actions/{data['action'].public_id}/",
        f"/evaluation/questionnaires/{q.public_id}/links/",
    ):
        assert client.get(url).status_code == 404, url


def test_manager_deletes_through_the_service_rules(data):
    client = signed_in(ALPHA, "r_principal")
    a = data["assessment"]
    # The assessment has an improvement action: refused, still there.
    client.post(f"/evaluation/delete/assessment/{a.public_id}/")
    assert in_alpha(lambda: SelfAssessment.objects.filter(pk=a.pk).exists())
    assert (
        client.post(f"/evaluation/delete/commendation/{data['commendation'].public_id}/").status_code == 302
    )
    assert not in_alpha(lambda: Commendation.objects.filter(pk=data["commendation"].pk).exists())


def zh(text: str) -> str:
    """What a zh-hans page shows for an English msgid, HTML-escaped."""
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("zh-hans"):
        return escape(translation.gettext(text))
