"""Screening pages: the registry, campaigns with coverage, a counselor's entry, the student's
one-time link (no sign-in), response detail audited once per read, and who may see what."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent, CareRecord
from tenants.crisis.models import CrisisCase, DutyAssignment
from tenants.screening.models import InstrumentDefinition, Response, StudentLink
from tenants.workspace.models import Notification
from tests.conftest import ALPHA, client_for, in_alpha, role_user, signed_in
from tests.screening.factories import consent, consenting_student, make_campaign, make_response
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
ALPHA_SCHEMA = "school_alpha"


def _campaign_with(n_consenting=1, **kw):
    def setup():
        school_class = make_class(grade=7)
        students = [consenting_student(school_class) for _ in range(n_consenting)]
        return make_campaign(school_class=school_class, **kw), students

    return in_alpha(setup)


def test_counselor_enters_phq9_with_item_9_and_lands_on_the_open_crisis_case():
    campaign, (student,) = _campaign_with()
    in_alpha(
        lambda: DutyAssignment.objects.get_or_create(
            user=role_user("counselor"), on_date=timezone.localdate()
        )
    )
    client = signed_in(ALPHA, "r_counselor")
    url = f"/screening/campaigns/{campaign.public_id}/enter/{student.public_id}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="number"') == 9 and 'max="3"' in html
    assert "有不如死掉或用某种方式伤害自己的念头" in html
    answers = {f"item_{i}": 0 for i in range(9)} | {"item_8": 1}
    saved = client.post(url, answers)
    assert saved.status_code == 302
    with schema_context(ALPHA_SCHEMA):
        case = CrisisCase.objects.get(student=student)
        assert saved.url == f"/crisis/cases/{case.public_id}/"
        assert case.step == "identified" and case.screening.campaign_id == campaign.pk
        assert Notification.objects.filter(
            recipient=role_user("counselor"), link__contains=str(case.public_id)
        ).exists()
        assert CareRecord.objects.get(student=student).level == "crisis"


def test_entry_errors_are_shown_on_the_item():
    campaign, (student,) = _campaign_with()
    client = signed_in(ALPHA, "r_counselor")
    url = f"/screening/campaigns/{campaign.public_id}/enter/{student.public_id}/"
    answers = {f"item_{i}": 0 for i in range(9)} | {"item_3": 7}
    page = client.post(url, answers)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="id_item_3-error"' in html and 'id="id_item_2-error"' not in html
    missing = client.post(url, {f"item_{i}": 0 for i in range(8)})
    assert missing.status_code == 400 and 'id="id_item_8-error"' in missing.content.decode()
    assert in_alpha(lambda: Response.objects.filter(student=student).count()) == 0


def test_entry_is_refused_for_a_student_without_consent():
    def setup():
        school_class = make_class(grade=7)
        student = make_student(school_class)
        consent(student, "refused")
        return make_campaign(school_class=school_class), student

    campaign, student = in_alpha(setup)
    client = signed_in(ALPHA, "r_counselor")
    url = f"/screening/campaigns/{campaign.public_id}/enter/{student.public_id}/"
    page = client.post(url, {f"item_{i}": 0 for i in range(9)})
    assert page.status_code == 400
    assert in_alpha(lambda: Response.objects.filter(student=student).count()) == 0


def _issue_link(campaign, student):
    client = signed_in(ALPHA, "r_counselor")
    page = client.post(f"/screening/campaigns/{campaign.public_id}/link/{student.public_id}/")
    assert page.status_code == 200
    url = re.search(r'value="(http[^"]+/screening/take/[^"]+/)"', page.content.decode()).group(1)
    return url[url.index("/screening/") :]


def test_student_link_works_once_without_signing_in_shows_no_score_and_flags():
    campaign, (student,) = _campaign_with()
    path = _issue_link(campaign, student)
    token = path.rstrip("/").rsplit("/", 1)[1]
    with schema_context(ALPHA_SCHEMA):
        link = StudentLink.objects.get(student=student)
        assert token not in link.token_hash and len(link.token_hash) == 64
    connection.set_schema_to_public()
    anonymous = client_for(ALPHA)
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "做事时提不起劲或没有兴趣" in page.content.decode() and "几乎每天" in page.content.decode()
    incomplete = anonymous.post(path, {f"item_{i}": 0 for i in range(8)})
    assert incomplete.status_code == 400
    thanks = anonymous.post(path, {f"item_{i}": 3 for i in range(8)} | {"item_8": 2})
    assert thanks.status_code == 200
    html = thanks.content.decode()
    assert "26" not in html and "severe" not in html and "重度" not in html
    with schema_context(ALPHA_SCHEMA):
        response = Response.objects.get(student=student)
        assert response.via_link and response.total == 26 and response.safety_flag
        assert CrisisCase.objects.filter(student=student, screening=response, step="identified").exists()
        assert CareRecord.objects.get(student=student).level == "crisis"
    assert anonymous.get(path).status_code == 410
    assert anonymous.post(path, {f"item_{i}": 0 for i in range(9)}).status_code == 410
    assert in_alpha(lambda: Response.objects.filter(student=student).count()) == 1


def test_expired_and_unknown_links_answer_a_clear_page():
    campaign, (student,) = _campaign_with()
    path = _issue_link(campaign, student)
    in_alpha(
        lambda: StudentLink.objects.filter(student=student).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    )
    assert client_for(ALPHA).get(path).status_code == 410
    assert client_for(ALPHA).get("/screening/take/not-a-token/").status_code == 404


def test_campaign_page_shows_coverage_and_excluded_and_bands_only_to_the_care_team():
    def setup():
        school_class = make_class(grade=7)
        a, b = (
            consenting_student(school_class, name="测评甲"),
            consenting_student(school_class, name="测评乙"),
        )
        no_consent = make_student(school_class, name="测评丙")
        campaign = make_campaign(school_class=school_class)
        make_response(student=a, campaign=campaign, answers=[2, 2, 2, 2, 2, 2, 0, 0, 0])
        return campaign, a, b, no_consent

    campaign, *_ = in_alpha(setup)
    url = f"/screening/campaigns/{campaign.public_id}/"
    counselor_page = signed_in(ALPHA, "r_counselor").get(url)
    html = counselor_page.content.decode()
    assert 'data-eligible="3"' in html and 'data-excluded="1"' in html and 'data-screened="1"' in html
    assert 'data-percent="50.0"' in html
    assert "测评丙" in html and "(12)" in html
    principal_page = signed_in(ALPHA, "r_principal").get(url).content.decode()
    assert (
        "测评甲" in principal_page and "(12)" not in principal_page and 'data-excluded="1"' in principal_page
    )
    assert signed_in(ALPHA, "r_secretary").get(url).status_code == 404
    assert signed_in(ALPHA, "r_homeroom_teacher").get(url).status_code == 404
    export = signed_in(ALPHA, "r_counselor").get(url + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    index = signed_in(ALPHA, "r_principal").get("/screening/")
    assert index.status_code == 200 and campaign.title in index.content.decode()


def test_response_detail_page_writes_exactly_one_audit_event_per_read():
    obj = in_alpha(make_response)
    client = signed_in(ALPHA, "r_counselor")

    def count():
        return AuditEvent.objects.filter(
            action="view", subject="screening.response", object_ref=obj.public_id
        ).count()

    assert in_alpha(count) == 0
    assert client.get(f"/screening/responses/{obj.public_id}/").status_code == 200
    assert in_alpha(count) == 1
    for role in ("principal", "secretary", "homeroom_teacher", "member"):
        assert signed_in(ALPHA, f"r_{role}").get(f"/screening/responses/{obj.public_id}/").status_code == 404
        assert signed_in(ALPHA, f"r_{role}").get("/screening/responses/").status_code == 404
    assert in_alpha(count) == 1


def test_instrument_registry_page_and_definition_form():
    counselor = signed_in(ALPHA, "r_counselor")
    page = counselor.get("/screening/instruments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "PHQ-9" in html and "Pfizer" in html and "K6" in html
    gap = counselor.post(
        "/screening/instruments/new/",
        {
            "code": "gap5",
            "name": "有缺口",
            "items": 5,
            "item_min": 0,
            "item_max": 2,
            "bands": "low 0-3 低\nhigh 5-10 高",
            "licence": "自编",
            "active": "on",
        },
    )
    assert gap.status_code == 400 and 'id="id_bands-error"' in gap.content.decode()
    bad_line = counselor.post(
        "/screening/instruments/new/",
        {
            "code": "gap6",
            "name": "格式错",
            "items": 5,
            "item_min": 0,
            "item_max": 2,
            "bands": "low zero to three",
            "licence": "自编",
        },
    )
    assert bad_line.status_code == 400 and 'id="id_bands-error"' in bad_line.content.decode()
    ok = counselor.post(
        "/screening/instruments/new/",
        {
            "code": "mood5",
            "name": "情绪自评",
            "items": 5,
            "item_min": 0,
            "item_max": 2,
            "bands": "low 0-4 低\nhigh 5-10 高",
            "licence": "自编",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    assert in_alpha(lambda: InstrumentDefinition.objects.get(code="mood5").bands)[1] == {
        "code": "high",
        "lower": 5,
        "upper": 10,
        "label_zh": "高",
    }
    assert signed_in(ALPHA, "r_principal").get("/screening/instruments/").status_code == 200
    assert signed_in(ALPHA, "r_principal").get("/screening/instruments/new/").status_code == 403
    assert signed_in(ALPHA, "r_member").get("/screening/instruments/").status_code == 404


def test_campaign_form_creates_and_names_field_errors():
    school_class = in_alpha(lambda: make_class(grade=9))
    counselor = signed_in(ALPHA, "r_counselor")
    today = timezone.localdate()
    bad = counselor.post(
        "/screening/campaigns/new/",
        {
            "title": "九年级测评",
            "instrument_code": "phq9",
            "opens_on": today,
            "closes_on": today - timedelta(days=1),
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 400 and 'id="id_grade-error"' in html and 'id="id_closes_on-error"' in html
    ok = counselor.post(
        "/screening/campaigns/new/",
        {
            "title": "九年级测评",
            "instrument_code": "gad7",
            "school_class": school_class.pk,
            "opens_on": today,
            "closes_on": today,
        },
    )
    assert ok.status_code == 302 and ok.url.startswith("/screening/campaigns/")
    assert signed_in(ALPHA, "r_principal").get("/screening/campaigns/new/").status_code == 403


def test_a_schools_own_instrument_shows_its_item_wording_to_the_student():
    from tenants.screening import services

    counselor = signed_in(ALPHA, "r_counselor")
    mismatch = counselor.post(
        "/screening/instruments/new/",
        {
            "code": "sleep3",
            "name": "睡眠自评",
            "items": 3,
            "item_min": 0,
            "item_max": 2,
            "bands": "low 0-3 低\nhigh 4-6 高",
            "licence": "本校自编",
            "active": "on",
            "item_texts": "最近一周入睡困难\n夜里容易醒",
        },
    )
    assert mismatch.status_code == 400 and 'id="id_item_texts-error"' in mismatch.content.decode()
    ok = counselor.post(
        "/screening/instruments/new/",
        {
            "code": "sleep3",
            "name": "睡眠自评",
            "items": 3,
            "item_min": 0,
            "item_max": 2,
            "bands": "low 0-3 低\nhigh 4-6 高",
            "licence": "本校自编",
            "active": "on",
            "item_texts": "最近一周入睡困难\n夜里容易醒\n\n早上醒得太早\n",
        },
    )
    assert ok.status_code == 302
    assert in_alpha(lambda: InstrumentDefinition.objects.get(code="sleep3").item_texts) == [
        "最近一周入睡困难",
        "夜里容易醒",
        "早上醒得太早",
    ]

    def link():
        campaign = make_campaign(instrument="sleep3")
        student = consenting_student(campaign.school_class)
        return services.link_issue(actor=role_user("counselor"), campaign=campaign, student=student)

    token = in_alpha(link)
    page = client_for(ALPHA).get(f"/screening/take/{token}/")
    assert page.status_code == 200
    assert "夜里容易醒" in page.content.decode() and "第 2 题" not in page.content.decode()
