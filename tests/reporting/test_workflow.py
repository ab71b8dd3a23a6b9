"""Report forms: filling, marking complete, approval locking, return and reopen; the events; the
locks the aggregation reads; who may do what on the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from district.models import School
from figures.models import DataElement, MetricValue, Period
from reporting import services
from reporting.locks import is_locked, locked_elements
from reporting.models import EventAction, ReportForm, SubmissionStatus
from reporting.selectors import completeness, status_rows
from shared.accounts.models import User
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PERIOD = "2019-2020-1"  # a term no other test writes figures for


@pytest.fixture
def setup(schools):
    from figures.periods import ensure_school_year

    ensure_school_year("2019-2020")
    form = ReportForm.objects.get(code="school-mh-term")
    period = Period.objects.get(code=PERIOD)
    alpha = schools["alpha"]
    rooms = DataElement.objects.get(code="counseling_rooms")
    enrolment = DataElement.objects.get(code="enrolment")
    MetricValue.objects.update_or_create(
        school=alpha, period=period, element=enrolment, breakdown="",
        defaults={"value": Decimal(120), "computed_at": timezone.now()},
    )  # fmt: skip
    submission = services.submission_for(form=form, school=alpha, period=period)
    return {
        "form": form,
        "period": period,
        "alpha": alpha,
        "sub": submission,
        "rooms": rooms,
        "enrolment": enrolment,
    }


def test_default_form_is_synced():
    form = ReportForm.objects.get(code="school-mh-term")
    assert form.period_kind == "term" and form.deadline_days == 30
    assert form.elements.filter(code="counseling_rooms").exists()


def test_full_workflow_locks_and_reopens(setup):
    sub, rooms, alpha, period = setup["sub"], setup["rooms"], setup["alpha"], setup["period"]
    services.manual_value_set(sub, actor="alice", element=rooms, value="2", comment="两间，均已启用")
    with pytest.raises(ValidationError) as refused:
        services.manual_value_set(sub, actor="alice", element=setup["enrolment"], value="5")
    assert "enrolment" not in str(refused.value)  # a student count is never typed in
    services.submission_complete(sub, actor="alice")
    assert locked_elements(alpha) == set()
    services.submission_approve(sub, actor="dora")
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.APPROVED
    # The manual value became the school's figure for the period, and the form's pairs are locked.
    assert MetricValue.objects.get(school=alpha, period=period, element=rooms, breakdown="").value == 2
    locks = locked_elements(alpha)
    assert (period.pk, rooms.pk) in locks and (period.pk, setup["enrolment"].pk) in locks
    assert len(locks) == setup["form"].elements.count()
    assert locked_elements(School.objects.get(code="beta")) == set()
    assert is_locked(school=alpha, period=period, element=rooms)
    # Writes are refused while approved.
    for attempt in (
        lambda: services.manual_value_set(sub, actor="alice", element=rooms, value="3"),
        lambda: services.manual_value_clear(sub, actor="alice", element=rooms),
        lambda: services.submission_complete(sub, actor="alice"),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert getattr(exc.value, "code", None) == "locked" or "locked" in str(exc.value)
    # Reopen unlocks.
    services.submission_reopen(sub, actor="dora", reason="更正")
    assert locked_elements(alpha) == set()
    services.manual_value_set(sub, actor="alice", element=rooms, value="3")
    actions = list(sub.events.values_list("action", "actor"))
    assert actions == [
        (EventAction.VALUE_SET, "alice"),
        (EventAction.COMPLETED, "alice"),
        (EventAction.APPROVED, "dora"),
        (EventAction.REOPENED, "dora"),
        (EventAction.VALUE_SET, "alice"),
    ]


def test_return_needs_a_reason_and_goes_back_to_the_school(setup):
    sub = setup["sub"]
    services.submission_complete(sub, actor="alice")
    with pytest.raises(ValidationError):
        services.submission_return(sub, actor="dora", reason=" ")
    services.submission_return(sub, actor="dora", reason="请补充辅导室开放时间")
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED and sub.returned_reason
    rows = {r.school_code: r for r in status_rows(form=setup["form"], period=setup["period"])}
    assert rows["alpha"].state == "returned"
    assert rows["alpha"].late  # the 2019-2020 first term's deadline has passed
    assert rows["beta"].state == "not_started"


def test_comment_with_personal_data_is_refused(setup):
    with pytest.raises(ValidationError) as exc:
        services.manual_value_set(
            setup["sub"], actor="alice", element=setup["rooms"], value="1", comment="联系13812345678"
        )
    assert "phone" in str(exc.value) or "电话" in str(exc.value)


def test_completeness_counts_forms(setup):
    services.submission_complete(setup["sub"], actor="alice")
    result = completeness(setup["period"])
    by = {r["school_code"]: r for r in result["by_school"]}
    assert by["alpha"]["submitted"] >= 1 and by["beta"]["submitted"] == 0
    assert by["alpha"]["on_time"] == 0  # completed after the deadline
    assert result["expected"] >= 2


def _analyst():
    from shared.accounts.services import account_create

    if not User.objects.filter(username="rep_ann").exists():
        account_create(
            username="rep_ann", full_name="分析员", roles=["district_analyst"], password="Correct-Horse-77"
        )


def test_pages_per_role(setup):
    sub = setup["sub"]
    path = f"/reporting/submissions/school-mh-term/{PERIOD}/alpha/"
    dora = signed_in(None, "dora")
    assert dora.get("/reporting/status/?form=school-mh-term&period=" + PERIOD).status_code == 200
    assert dora.get("/reporting/status/?export=xlsx&form=school-mh-term&period=" + PERIOD).status_code == 200
    _analyst()
    ann = signed_in(None, "rep_ann")
    assert ann.get("/reporting/status/").status_code == 200
    assert ann.get("/reporting/exports/").status_code == 200
    services.submission_complete(sub, actor="alice")
    assert ann.post(path + "approve/").status_code == 404  # the analyst reads, never decides
    assert ann.get("/reporting/forms/new/").status_code == 404
    # School side: principal completes, deputy enters, member sees nothing.
    alice = signed_in("alpha", "alice")
    assert alice.get("/reporting/").status_code == 200
    member = signed_in("alpha", "r_member")
    assert member.get("/reporting/").status_code == 404
    # A school account means nothing on the district host.
    assert signed_in("alpha", "r_deputy").get(f"/reporting/school-mh-term/{PERIOD}/").status_code == 200
    page = dora.get(path)
    assert page.status_code == 200 and "心理辅导室" in page.content.decode()
    assert signed_in("alpha", "r_deputy").get(path).status_code == 404  # a school host has no such page
    assert dora.post(path + "approve/").status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.APPROVED
    response = alice.post(
        f"/reporting/school-mh-term/{PERIOD}/value/", {"element": "counseling_rooms", "value": "4"}
    )
    assert response.status_code == 409
    assert "locked" in response.content.decode() or "锁定" in response.content.decode()
