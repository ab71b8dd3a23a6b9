"""Write use cases of the leadership group, work plans, rules and information reports.

Every function is atomic and validates before it writes; errors are named by field. Roster
changes, rule versions and report status changes are appended to their history tables here and
nowhere else.
"""

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.accounts.roles import SchoolRole
from tenants.common.choices import Term
from tenants.common.roles import STAFF
from tenants.common.writes import model_create, model_update
from tenants.governance.models import (
    GroupAttendee,
    GroupMember,
    GroupRole,
    InfoReport,
    Plan,
    PlanStatus,
    ReportKind,
    ReportStatus,
    ReportStatusChange,
    RosterAction,
    RosterChange,
    RosterSubject,
    RuleDocument,
    RuleVersion,
)

# --- Leadership group roster ----------------------------------------------------------------------

MEMBER_FIELDS = ("person", "role", "department", "duties", "starts_on", "ends_on")
ATTENDEE_FIELDS = ("kind", "name", "person", "affiliation", "starts_on", "ends_on", "note")


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "display_name"):
        return value.display_name
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _diff(before: dict, after: dict) -> dict:
    return {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}


def _record(*, actor, subject: str, obj, action: str, changes: dict) -> RosterChange:
    name = obj.person.display_name if subject == RosterSubject.MEMBER else obj.name
    return RosterChange.objects.create(
        subject=subject,
        subject_id=obj.public_id,
        subject_name=name[:100],
        action=action,
        changes=changes,
        changed_by=actor,
    )


def _check_account(person, field: str = "person"):
    if person is None or not person.is_active:
        raise ValidationError({field: _("Choose an active school account.")})


def _gone(before: dict) -> dict:
    return {k: {"from": v, "to": None} for k, v in before.items() if v not in (None, "")}


def _overlapping(queryset, *, starts_on, ends_on):
    queryset = queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        queryset = queryset.filter(starts_on__lte=ends_on)
    return queryset


def _term_text(member) -> str:
    end = member.ends_on.isoformat() if member.ends_on else _("now")
    return f"{member.starts_on.isoformat()} – {end}"


def _check_member_rules(*, person, role, starts_on, ends_on, exclude_pk=None):
    _check_account(person)
    if not person.has_role(*STAFF):
        raise ValidationError(
            {"person": _("Only school staff can be members; add outside people as invited attendees.")}
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The term cannot end before it starts.")})
    if not starts_on:
        return
    others = GroupMember.objects.select_for_update().exclude(pk=exclude_pk)
    clash = _overlapping(others.filter(person=person), starts_on=starts_on, ends_on=ends_on).first()
    if clash:
        raise ValidationError(
            {
                "starts_on": _("%(name)s already has a term on the group in this time (%(term)s).")
                % {"name": person.display_name, "term": _term_text(clash)}
            }
        )
    if role == GroupRole.LEADER:
        clash = _overlapping(
            others.filter(role=GroupRole.LEADER), starts_on=starts_on, ends_on=ends_on
        ).first()
        if clash:
            raise ValidationError(
                {
                    "role": _("The group already has a leader in this time: %(name)s (%(term)s).")
                    % {"name": clash.person.display_name, "term": _term_text(clash)}
                }
            )


@transaction.atomic
def member_add(
    *,
    actor,
    person,
    role: str,
    starts_on: date,
    department: str = "",
    duties: str = "",
    ends_on: date | None = None,
) -> GroupMember:
    """Appoint someone to the leadership group for a term."""
    _check_member_rules(person=person, role=role, starts_on=starts_on, ends_on=ends_on)
    member = model_create(
        GroupMember,
        actor=actor,
        data=dict(
            person=person,
            role=role,
            department=department,
            duties=duties,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
    )
    _record(
        actor=actor,
        subject=RosterSubject.MEMBER,
        obj=member,
        action=RosterAction.ADDED,
        changes=_diff({}, _snapshot(member, MEMBER_FIELDS)),
    )
    return member


@transaction.atomic
def member_update(member: GroupMember, *, actor, data: dict) -> GroupMember:
    """Change a member's role, department, duties or term. Recorded in the roster history."""
    member = GroupMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    unknown = set(data) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = _snapshot(member, MEMBER_FIELDS)
    was_open = member.ends_on is None
    merged = {name: data.get(name, getattr(member, name)) for name in MEMBER_FIELDS}
    _check_member_rules(
        person=merged["person"],
        role=merged["role"],
        starts_on=merged["starts_on"],
        ends_on=merged["ends_on"],
        exclude_pk=member.pk,
    )
    member = model_update(member, data=data)
    changes = _diff(before, _snapshot(member, MEMBER_FIELDS))
    if changes:
        action = (
            RosterAction.ENDED
            if (was_open and member.ends_on and set(changes) == {"ends_on"})
            else RosterAction.CHANGED
        )
        _record(actor=actor, subject=RosterSubject.MEMBER, obj=member, action=action, changes=changes)
    return member


def member_end(member: GroupMember, *, actor, ends_on: date | None) -> GroupMember:
    """End a member's term on `ends_on` (the last day on the group)."""
    if ends_on is None:
        raise ValidationError({"ends_on": _("Give the last day of the term.")})
    return member_update(member, actor=actor, data={"ends_on": ends_on})


@transaction.atomic
def member_remove(member: GroupMember, *, actor) -> None:
    """Remove an entry made by mistake. The roster history keeps what it was."""
    member = GroupMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    _record(
        actor=actor,
        subject=RosterSubject.MEMBER,
        obj=member,
        action=RosterAction.REMOVED,
        changes=_gone(_snapshot(member, MEMBER_FIELDS)),
    )
    member.delete()


def _check_attendee(*, name, person, starts_on, ends_on):
    if not (name or "").strip():
        raise ValidationError({"name": _("Write the attendee's name.")})
    if person is not None:
        _check_account(person)
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The invitation cannot end before it starts.")})


@transaction.atomic
def attendee_add(
    *,
    actor,
    kind: str,
    name: str,
    starts_on: date,
    person=None,
    affiliation: str = "",
    ends_on: date | None = None,
    note: str = "",
) -> GroupAttendee:
    """Invite someone to attend the group's meetings (列席)."""
    _check_attendee(name=name, person=person, starts_on=starts_on, ends_on=ends_on)
    attendee = model_create(
        GroupAttendee,
        actor=actor,
        data=dict(
            kind=kind,
            name=name.strip(),
            person=person,
            affiliation=affiliation,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
        ),
    )
    _record(
        actor=actor,
        subject=RosterSubject.ATTENDEE,
        obj=attendee,
        action=RosterAction.ADDED,
        changes=_diff({}, _snapshot(attendee, ATTENDEE_FIELDS)),
    )
    return attendee


@transaction.atomic
def attendee_update(attendee: GroupAttendee, *, actor, data: dict) -> GroupAttendee:
    attendee = GroupAttendee.objects.select_for_update().get(pk=attendee.pk)
    unknown = set(data) - set(ATTENDEE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "name" in data and data["name"] is not None:
        data["name"] = data["name"].strip()
    before = _snapshot(attendee, ATTENDEE_FIELDS)
    was_open = attendee.ends_on is None
    merged = {name: data.get(name, getattr(attendee, name)) for name in ATTENDEE_FIELDS}
    _check_attendee(
        name=merged["name"], person=merged["person"], starts_on=merged["starts_on"], ends_on=merged["ends_on"]
    )
    attendee = model_update(attendee, data=data)
    changes = _diff(before, _snapshot(attendee, ATTENDEE_FIELDS))
    if changes:
        action = (
            RosterAction.ENDED
            if (was_open and attendee.ends_on and set(changes) == {"ends_on"})
            else RosterAction.CHANGED
        )
        _record(actor=actor, subject=RosterSubject.ATTENDEE, obj=attendee, action=action, changes=changes)
    return attendee


@transaction.atomic
def attendee_remove(attendee: GroupAttendee, *, actor) -> None:
    attendee = GroupAttendee.objects.select_for_update().get(pk=attendee.pk)
    _record(
        actor=actor,
        subject=RosterSubject.ATTENDEE,
        obj=attendee,
        action=RosterAction.REMOVED,
        changes=_gone(_snapshot(attendee, ATTENDEE_FIELDS)),
    )
    attendee.delete()


# --- Work plans -----------------------------------------------------------------------------------

PLAN_EDITABLE = ("title", "kind", "school_year", "term", "starts_on", "ends_on", "goals")


def _status_label(value) -> str:
    return str(PlanStatus(value).label)


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _expect(plan: Plan, expected: str, action: str):
    if plan.status != expected:
        raise ValidationError(
            {
                "status": _(
                    "This plan is “%(current)s”: only a plan that is “%(expected)s” can be %(action)s. "
                    "A plan goes draft → approved → in progress → closed."
                )
                % {
                    "current": _status_label(plan.status),
                    "expected": _status_label(expected),
                    "action": action,
                }
            }
        )


@transaction.atomic
def plan_create(
    *,
    actor,
    title: str,
    school_year: str,
    starts_on: date,
    ends_on: date,
    goals: str,
    kind: str = "annual",
    term: str = "",
) -> Plan:
    """A new work plan, in draft."""
    return model_create(
        Plan,
        actor=actor,
        data=dict(
            title=title,
            kind=kind,
            school_year=school_year,
            term=term,
            starts_on=starts_on,
            ends_on=ends_on,
            goals=goals,
            status=PlanStatus.DRAFT,
        ),
    )


@transaction.atomic
def plan_update(plan: Plan, *, actor, data: dict) -> Plan:
    """Change a plan's text or dates. The status moves only through the transitions below."""
    plan = _locked_plan(plan)
    unknown = set(data) - set(PLAN_EDITABLE)
    if unknown:
        raise ValidationError(
            {name: _("Change this through the plan's status buttons, not by editing.") for name in unknown}
        )
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"status": _("A closed plan can no longer be changed.")})
    return model_update(plan, data=data)


@transaction.atomic
def plan_approve(plan: Plan, *, actor) -> Plan:
    """Draft → approved. Only the principal (组长) approves; who and when are recorded."""
    if not actor.has_role(SchoolRole.PRINCIPAL):
        raise PermissionDenied(_("Only the principal can approve a work plan."))
    plan = _locked_plan(plan)
    _expect(plan, PlanStatus.DRAFT, _("approved"))
    return model_update(
        plan, data={"status": PlanStatus.APPROVED, "approved_by": actor, "approved_at": timezone.now()}
    )


@transaction.atomic
def plan_start(plan: Plan, *, actor) -> Plan:
    """Approved → in progress."""
    plan = _locked_plan(plan)
    _expect(plan, PlanStatus.APPROVED, _("started"))
    return model_update(plan, data={"status": PlanStatus.IN_PROGRESS})


@transaction.atomic
def plan_close(plan: Plan, *, actor, summary: str) -> Plan:
    """In progress → closed, with a written summary of what was achieved."""
    plan = _locked_plan(plan)
    _expect(plan, PlanStatus.IN_PROGRESS, _("closed"))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write a closing summary: what was achieved and what remains.")})
    return model_update(
        plan,
        data={
            "status": PlanStatus.CLOSED,
            "summary": summary,
            "closed_by": actor,
            "closed_at": timezone.now(),
        },
    )


@transaction.atomic
def plan_delete(plan: Plan, *, actor) -> None:
    plan = _locked_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft plan can be deleted.")})
    if plan.tasks.exists():
        raise ValidationError({"status": _("This plan has key tasks in the ledger; it cannot be deleted.")})
    plan.delete()


@transaction.atomic
def plan_key_task_add(
    plan: Plan,
    *,
    actor,
    title: str,
    owner,
    due_on: date,
    description: str = "",
    priority: str = "normal",
    department: str = "",
):
    """A key task (重点任务) of the plan: a ledger task with one responsible person."""
    from tenants.ledger.services import task_create

    plan = _locked_plan(plan)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"status": _("A closed plan takes no new key tasks.")})
    if owner is None:
        raise ValidationError({"owner": _("Every key task needs a responsible person.")})
    if due_on and not (plan.starts_on <= due_on <= plan.ends_on):
        raise ValidationError(
            {
                "due_on": _("The due date must fall within the plan (%(start)s – %(end)s).")
                % {"start": plan.starts_on.isoformat(), "end": plan.ends_on.isoformat()}
            }
        )
    return task_create(
        actor=actor,
        title=title,
        owner=owner,
        due_on=due_on,
        description=description,
        priority=priority,
        department=department,
        plan=plan,
    )


# --- Rules and regulations ------------------------------------------------------------------------


def _check_version_body(text: str, upload):
    if not (text or "").strip() and upload is None:
        raise ValidationError({"text": _("Give the text of this version, attach the document, or both.")})
    if upload is not None:
        from tenants.workspace.services import validate_upload

        validate_upload(upload, field="file")


@transaction.atomic
def rule_document_create(
    *,
    actor,
    title: str,
    category: str,
    effective_on: date,
    text: str = "",
    upload=None,
    change_note: str = "",
) -> RuleDocument:
    """A new rule document with its first version."""
    _check_version_body(text, upload)
    if title and RuleDocument.objects.filter(title=title.strip()).exists():
        raise ValidationError(
            {"title": _("There is already a document with this title; add a new version to it.")}
        )
    document = model_create(
        RuleDocument, actor=actor, data=dict(title=(title or "").strip(), category=category)
    )
    rule_version_add(
        document, actor=actor, effective_on=effective_on, text=text, upload=upload, change_note=change_note
    )
    return document


@transaction.atomic
def rule_document_update(document: RuleDocument, *, actor, data: dict) -> RuleDocument:
    """Rename or recategorize a document. Its text changes only by adding a version."""
    unknown = set(data) - {"title", "category"}
    if unknown:
        raise ValidationError({name: _("Add a new version to change the text.") for name in unknown})
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if RuleDocument.objects.filter(title=data["title"]).exclude(pk=document.pk).exists():
            raise ValidationError({"title": _("There is already a document with this title.")})
    return model_update(document, data=data)


@transaction.atomic
def rule_version_add(
    document: RuleDocument,
    *,
    actor,
    effective_on: date,
    text: str = "",
    upload=None,
    change_note: str = "",
) -> RuleVersion:
    """Append a version. Earlier versions stay exactly as they were."""
    from tenants.workspace.services import attachment_add

    _check_version_body(text, upload)
    if effective_on is None:
        raise ValidationError({"effective_on": _("Give the date this version takes effect.")})
    document = RuleDocument.objects.select_for_update().get(pk=document.pk)
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = RuleVersion(
        document=document,
        number=last + 1,
        text=(text or "").strip(),
        effective_on=effective_on,
        change_note=(change_note or "").strip(),
        created_by=actor,
    )
    version.full_clean()
    version.save()
    if upload is not None:
        attachment_add(actor=actor, subject=version, upload=upload)
    RuleDocument.objects.filter(pk=document.pk).update(updated_at=timezone.now())
    return version


# --- Information reports --------------------------------------------------------------------------

REPORT_EDITABLE = ("title", "kind", "school_year", "term", "period_start", "period_end", "due_on", "content")


def _district_school():
    """The School row of the schema we are in (None outside a school, e.g. in the public schema)."""
    from django.db import connection

    if connection.schema_name == "public":
        return None
    from district.models import School

    return School.objects.filter(schema_name=connection.schema_name).first()


def _tell_district(report: InfoReport, *, submitted: bool = False) -> None:
    """Keep the district's copy current (public schema, same transaction): the schedule of a
    draft (kind, period, due date; no text), and on submission the title and text."""
    school = _district_school()
    if school is None:
        return
    from reporting import services as reporting

    if submitted:
        reporting.info_report_receive(school=school, report=report)
    else:
        reporting.info_report_schedule_sync(school=school, report=report)


def _check_personal_data(report: InfoReport, body: str) -> None:
    """The text goes to the district: it must not name a student (names, student numbers), nor hold
    a phone or ID number (tenants.students.text_check)."""
    from tenants.students.text_check import raise_if_personal_data

    raise_if_personal_data(
        {"title": (_("Title"), report.title or ""), "content": (_("Content"), body)},
    )


@transaction.atomic
def report_returned_by_district(*, public_id, at=None) -> InfoReport | None:
    """The district returned a submitted report: it is a draft again, to be corrected and submitted
    anew; the history records the return (by the district, so without a school account)."""
    report = InfoReport.objects.select_for_update().filter(public_id=public_id).first()
    if report is None or report.status != ReportStatus.SUBMITTED:
        return report
    report.status = ReportStatus.DRAFT
    report.submitted_at = None
    report.submitted_by = None
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    ReportStatusChange.objects.create(
        report=report,
        from_status=ReportStatus.SUBMITTED,
        to_status=ReportStatus.DRAFT,
        changed_by=None,
        changed_at=at or timezone.now(),
    )
    return report


def _log_status(report: InfoReport, *, actor, from_status: str, at=None) -> None:
    ReportStatusChange.objects.create(
        report=report,
        from_status=from_status,
        to_status=report.status,
        changed_by=actor,
        changed_at=at or timezone.now(),
    )


def _check_period_free(*, kind, period_start, exclude_pk=None):
    if (
        kind
        and period_start
        and InfoReport.objects.filter(kind=kind, period_start=period_start).exclude(pk=exclude_pk).exists()
    ):
        raise ValidationError({"period_start": _("There is already a report of this kind for this period.")})


@transaction.atomic
def report_create(
    *,
    actor,
    kind: str,
    title: str,
    school_year: str,
    period_start: date,
    period_end: date,
    due_on: date,
    term: str = "",
    content: str = "",
) -> InfoReport:
    _check_period_free(kind=kind, period_start=period_start)
    report = model_create(
        InfoReport,
        actor=actor,
        data=dict(
            kind=kind,
            title=title,
            school_year=school_year,
            term=term,
            period_start=period_start,
            period_end=period_end,
            due_on=due_on,
            content=content,
            status=ReportStatus.DRAFT,
        ),
    )
    _log_status(report, actor=actor, from_status="")
    _tell_district(report)
    return report


@transaction.atomic
def report_update(report: InfoReport, *, actor, data: dict) -> InfoReport:
    report = InfoReport.objects.select_for_update().get(pk=report.pk)
    unknown = set(data) - set(REPORT_EDITABLE)
    if unknown:
        raise ValidationError({name: _("Submit the report with its submit button.") for name in unknown})
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": _("This report has been submitted and can no longer be changed.")})
    _check_period_free(
        kind=data.get("kind", report.kind),
        period_start=data.get("period_start", report.period_start),
        exclude_pk=report.pk,
    )
    report = model_update(report, data=data)
    _tell_district(report)
    return report


@transaction.atomic
def report_submit(report: InfoReport, *, actor, content: str | None = None, at=None) -> InfoReport:
    """Draft → submitted, with the time and the person. A late submission is still accepted;
    lateness is derived from the due date.

    `at` records a submission made earlier outside the platform (importing past reports, demo
    data); it is never in the future, and pages and the API do not offer it."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"submitted_at": _("A submission cannot be recorded in the future.")})
    report = InfoReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": _("This report was already submitted.")})
    body = (content if content is not None else report.content or "").strip()
    if not body:
        raise ValidationError({"content": _("Write the report's content before submitting it.")})
    _check_personal_data(report, body)
    report = model_update(
        report,
        data={
            "content": body,
            "status": ReportStatus.SUBMITTED,
            "submitted_at": at or now,
            "submitted_by": actor,
        },
    )
    _log_status(report, actor=actor, from_status=ReportStatus.DRAFT, at=at or now)
    _tell_district(report, submitted=True)
    return report


@transaction.atomic
def report_delete(report: InfoReport, *, actor) -> None:
    report = InfoReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": _("A submitted report is kept; it cannot be deleted.")})
    school = _district_school()
    if school is not None:
        from reporting.services import info_report_unschedule

        info_report_unschedule(school=school, report=report)
    report.delete()


def default_terms(school_year: str) -> dict:
    """Typical term dates for a school year, as defaults for the schedule form."""
    first = int(school_year[:4])
    return {
        "first_term_start": date(first, 9, 1),
        "first_term_end": date(first + 1, 1, 20),
        "second_term_start": date(first + 1, 2, 17),
        "second_term_end": date(first + 1, 7, 10),
    }


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@transaction.atomic
def report_schedule_generate(
    *,
    actor,
    school_year: str,
    first_term_start: date,
    first_term_end: date,
    second_term_start: date,
    second_term_end: date,
) -> list[InfoReport]:
    """The year's reporting schedule: a monthly report for each month from the first day of the
    first term to the last of the second, due on the 5th of the next month; and a term report per
    term, due on the term's last day. Periods that already have a report are left alone."""
    first, _sep, second = (school_year or "").partition("-")
    if not (first.isdigit() and second.isdigit() and len(first) == 4 and int(second) == int(first) + 1):
        raise ValidationError(
            {"school_year": _("Write the school year as two consecutive years, e.g. 2026-2027.")}
        )
    checks = [
        ("first_term_end", first_term_start, first_term_end),
        ("second_term_start", first_term_end, second_term_start),
        ("second_term_end", second_term_start, second_term_end),
    ]
    for field, earlier, later in checks:
        if earlier and later and later <= earlier:
            raise ValidationError({field: _("The terms' dates must follow each other in order.")})
    if first_term_start.year != int(first):
        raise ValidationError(
            {
                "first_term_start": _("The first term starts in %(year)s for this school year.")
                % {"year": first}
            }
        )
    created = []
    for year, month in _months(first_term_start, second_term_end):
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
        if InfoReport.objects.filter(kind=ReportKind.MONTHLY, period_start=start).exists():
            continue
        due = date(year + 1, 1, 5) if month == 12 else date(year, month + 1, 5)
        term = Term.FIRST if start <= first_term_end else Term.SECOND
        created.append(
            report_create(
                actor=actor,
                kind=ReportKind.MONTHLY,
                school_year=school_year,
                term=term,
                period_start=start,
                period_end=end,
                due_on=due,
                title=_("Monthly information report, %(year)d-%(month)02d") % {"year": year, "month": month},
            )
        )
    for term, start, end in (
        (Term.FIRST, first_term_start, first_term_end),
        (Term.SECOND, second_term_start, second_term_end),
    ):
        if InfoReport.objects.filter(kind=ReportKind.TERMLY, period_start=start).exists():
            continue
        created.append(
            report_create(
                actor=actor,
                kind=ReportKind.TERMLY,
                school_year=school_year,
                term=term,
                period_start=start,
                period_end=end,
                due_on=end,
                title=_("Term information report, %(year)s %(term)s")
                % {"year": school_year, "term": term.label},
            )
        )
    return created
