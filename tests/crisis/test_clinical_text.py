"""Clinical free text of crisis cases (issue 8, 3.2): a skipped step's reason and a break-glass
reason are encrypted at rest and read by the care team only; the break-glass audit event refers to
the break-glass instead of copying its reason; the notification and its email carry no reason."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent
from tenants.crisis import services
from tenants.crisis.models import BreakGlass, CaseStep
from tenants.workspace.models import Notification
from tests.conftest import ALPHA, api_client, in_alpha, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
SKIPPED = "家长已带孩子在市精神卫生中心就诊——标记SK31"
GLASS = "家长来电说孩子在医院急诊——标记BG58"


def _raw(sql: str, params=()):
    with schema_context("school_alpha"), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    connection.set_schema_to_public()
    return rows


def _case_at_referral_skipped():
    counselor = role_user("counselor")
    case = services.case_report(
        student=make_student(), level="high", identified_how="observation", actor=counselor
    )
    for step, extra in (
        ("assessed", {"level": "high"}),
        ("intervention", {}),
        ("guardians_notified", {}),
        ("referral", {"skipped_reason": SKIPPED}),
    ):
        services.step_record(case, actor=counselor, step=step, **extra)
    return case


def test_skipped_reason_column_holds_only_ciphertext():
    case = in_alpha(_case_at_referral_skipped)
    step = in_alpha(lambda: CaseStep.objects.get(case=case, step="referral"))
    [(stored,)] = _raw("SELECT skipped_reason FROM crisis_casestep WHERE id = %s", [step.pk])
    assert stored.startswith("xy1:") and "SK31" not in stored
    assert not any("SK31" in row for (row,) in _raw("SELECT row_to_json(t)::text FROM crisis_casestep t"))
    # Read through the model, it is the text again.
    assert in_alpha(lambda: CaseStep.objects.get(pk=step.pk).skipped_reason) == SKIPPED


def test_principal_sees_neither_the_skipped_reason_on_the_page_nor_in_the_api():
    case = in_alpha(_case_at_referral_skipped)
    url = f"/crisis/cases/{case.public_id}/"
    assert "SK31" in signed_in(ALPHA, "r_counselor").get(url).content.decode()
    page = signed_in(ALPHA, "r_principal").get(url)
    assert page.status_code == 200 and "SK31" not in page.content.decode()

    counselor = api_client(ALPHA, "r_counselor").get(f"/api/v1/crisis-cases/{case.public_id}/").json()
    assert [s["skipped_reason"] for s in counselor["steps"] if s["step"] == "referral"] == [SKIPPED]
    principal = api_client(ALPHA, "r_principal")
    detail = principal.get(f"/api/v1/crisis-cases/{case.public_id}/")
    assert_matches_schema(detail)
    assert all("skipped_reason" not in s for s in detail.json()["steps"])
    listed = principal.get("/api/v1/crisis-cases/")
    assert_matches_schema(listed)
    assert "SK31" not in listed.content.decode() and "SK31" not in detail.content.decode()

    # With break-glass the principal reads the case's detail, the reason included.
    in_alpha(lambda: services.break_glass_open(case, actor=role_user("principal"), reason="核查处置"))
    assert "SK31" in signed_in(ALPHA, "r_principal").get(url).content.decode()


def test_the_care_record_timeline_shows_the_skipped_reason_to_the_care_team_only():
    case = in_alpha(_case_at_referral_skipped)
    url = f"/api/v1/care-records/{case.student.public_id}/"
    assert "SK31" in api_client(ALPHA, "r_counselor").get(url).content.decode()
    principal = api_client(ALPHA, "r_principal").get(url)
    assert principal.status_code == 200 and "SK31" not in principal.content.decode()


def test_break_glass_reason_is_encrypted_and_neither_audit_nor_notification_nor_email_carries_it(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def prepare():
        counselor = role_user("counselor")
        counselor.email = "counselor@alpha.example.cn"
        counselor.save()
        return services.case_report(
            student=make_student(), level="high", identified_how="observation", actor=counselor
        )

    case = in_alpha(prepare)
    principal = signed_in(ALPHA, "r_principal")
    with django_capture_on_commit_callbacks(execute=True):
        response = principal.post(f"/crisis/cases/{case.public_id}/break-glass/", {"reason": GLASS})
    assert response.status_code == 302
    glass = in_alpha(lambda: BreakGlass.objects.get(case=case))

    # At rest: ciphertext only, in the break-glass table and in the whole audit table.
    [(stored,)] = _raw("SELECT reason FROM crisis_breakglass WHERE id = %s", [glass.pk])
    assert stored.startswith("xy1:") and "BG58" not in stored
    assert not any("BG58" in row for (row,) in _raw("SELECT row_to_json(t)::text FROM care_auditevent t"))
    event = in_alpha(lambda: AuditEvent.objects.get(object_ref=case.public_id, action="break_glass"))
    assert event.reason_ref == glass.public_id
    assert in_alpha(lambda: BreakGlass.objects.get(public_id=event.reason_ref).reason) == GLASS

    # The principal's views during break-glass refer to it the same way.
    assert principal.get(f"/crisis/cases/{case.public_id}/").status_code == 200
    api_client(ALPHA, "r_principal").get(f"/api/v1/crisis-cases/{case.public_id}/")
    views = in_alpha(
        lambda: list(
            AuditEvent.objects.filter(object_ref=case.public_id, action="view", actor=role_user("principal"))
        )
    )
    assert len(views) == 2 and all(v.reason_ref == glass.public_id for v in views)
    assert not any("BG58" in v.reason for v in views)

    # The notification says that break-glass happened on this case, with the link, nothing more.
    told = in_alpha(
        lambda: list(
            Notification.objects.filter(
                recipient=role_user("counselor"),
                dedupe_key__startswith=f"crisis:{case.public_id}:break_glass",
            )
        )
    )
    assert len(told) == 1
    assert "BG58" not in told[0].title + told[0].body
    assert told[0].link == f"/crisis/cases/{case.public_id}/"
    emails = [m for m in mailoutbox if m.to == ["counselor@alpha.example.cn"]]
    assert len(emails) == 1
    assert "BG58" not in emails[0].subject + emails[0].body
    assert f"/crisis/cases/{case.public_id}/" in emails[0].body
    assert all("BG58" not in m.subject + m.body for m in mailoutbox)

    # The care team reads the reason on the case; the principal's own API answer does not echo it.
    assert "BG58" in signed_in(ALPHA, "r_counselor").get(f"/crisis/cases/{case.public_id}/").content.decode()
    again = in_alpha(
        lambda: services.case_report(
            student=make_student(), level="low", identified_how="other", actor=role_user("counselor")
        )
    )
    answer = api_client(ALPHA, "r_principal").post(
        f"/api/v1/crisis-cases/{again.public_id}/break-glass/",
        {"reason": GLASS},
        content_type="application/json",
    )
    assert answer.status_code == 201 and "BG58" not in answer.content.decode()


def test_audit_page_and_api_show_the_principal_no_break_glass_reason():
    case = in_alpha(
        lambda: services.case_report(
            student=make_student(), level="high", identified_how="observation", actor=role_user("counselor")
        )
    )
    in_alpha(lambda: services.break_glass_open(case, actor=role_user("principal"), reason=GLASS))
    assert "BG58" not in signed_in(ALPHA, "r_principal").get("/care/audit/").content.decode()
    trail = api_client(ALPHA, "r_principal").get("/api/v1/audit-events/")
    assert trail.status_code == 200 and "BG58" not in trail.content.decode()
