"""Write use cases of crisis intervention.

`case_open` is the one way a case starts: from a screening safety flag, an observation, or a
counselor's report. It records the first step (identified: by whom, how), raises the student's
attention level to crisis, and alerts the counselors on duty.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.accounts.models import User
from shared.accounts.roles import SchoolRole
from shared.display_time import school_today
from tenants.care.access import CARE_TEAM
from tenants.care.audit import audit, break_glass_reason
from tenants.care.services import attention_set, raises_level, record_of
from tenants.common.writes import model_create, model_update
from tenants.crisis.models import (
    STEP_ORDER,
    BreakGlass,
    CaseStep,
    CrisisCase,
    DutyAssignment,
    EmergencyPlan,
    IdentifiedHow,
    RiskLevel,
    Step,
    TimeLimit,
)
from tenants.workspace.services import notify


def counselors_on_duty(on_date=None):
    """Today's duty counselors; on a day nobody is assigned, the whole care team."""
    day = on_date or school_today()
    on_duty = User.objects.filter(
        is_active=True, pk__in=DutyAssignment.objects.filter(on_date=day).values("user")
    )
    if on_duty.exists():
        return list(on_duty.order_by("pk"))
    return [u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_role(*CARE_TEAM)]


def alert_on_duty(case: CrisisCase) -> int:
    """In-app (and email, when configured) alert for each counselor on duty. The alert names no
    student: it links to the case, which only the care team can open."""
    sent = 0
    for person in counselors_on_duty():
        note = notify(
            recipient=person,
            title=_("New crisis case: risk level %(level)s") % {"level": case.get_level_display()},
            body=_("A crisis case was opened and needs a risk assessment. Open it to see the student."),
            link=reverse("crisis:case", args=[case.public_id]),
            dedupe_key=f"crisis:{case.public_id}:opened",
        )
        sent += note is not None
    return sent


@transaction.atomic
def case_open(
    *, student, level: str, identified_how: str, actor=None, screening=None, narrative: str = ""
) -> CrisisCase:
    case = CrisisCase.objects.create(
        student=student,
        level=level,
        identified_how=identified_how,
        identified_by=actor,
        screening=screening,
        narrative=narrative or "",
    )
    CaseStep.objects.create(case=case, step="identified", done_at=case.opened_at, done_by=actor, level=level)
    if raises_level(record_of(student).level, "crisis"):
        attention_set(
            student=student,
            level="crisis",
            actor=actor,
            reason=_("Crisis case opened (%(how)s)") % {"how": case.get_identified_how_display()},
        )
    audit(actor=actor, action="create", subject="crisis.case", student=student, obj=case)
    alert_on_duty(case)
    return case


# --- Steps ---------------------------------------------------------------------------------------


def _step_label(step: str) -> str:
    return str(Step(step).label)


@transaction.atomic
def case_report(
    *, student, level: str, identified_how: str, actor, narrative: str = "", counselor=None
) -> CrisisCase:
    """A care-team member opens a case from the page or the API: validated, then `case_open`; the
    person who opens it is in charge unless another counselor is named."""
    errors = {}
    if level not in RiskLevel.values:
        errors["level"] = _("Choose a risk level.")
    if identified_how not in IdentifiedHow.values:
        errors["identified_how"] = _("Say how the crisis was identified.")
    if student is None or getattr(student, "status", "active") != "active":
        errors["student"] = _("Choose an active student.")
    if counselor is not None and not counselor.has_role(*CARE_TEAM):
        errors["counselor"] = _("The person in charge must be a counselor or psychology teacher.")
    if errors:
        raise ValidationError(errors)
    case = case_open(
        student=student, level=level, identified_how=identified_how, actor=actor, narrative=narrative
    )
    in_charge = counselor or (actor if actor is not None and actor.has_role(*CARE_TEAM) else None)
    if in_charge is not None:
        CrisisCase.objects.filter(pk=case.pk).update(counselor=in_charge)
        case.counselor = in_charge
    return case


@transaction.atomic
def case_update(case: CrisisCase, *, actor, data: dict) -> CrisisCase:
    """The care team changes who is in charge or completes the narrative."""
    allowed = {"counselor", "narrative"}
    data = {k: v for k, v in data.items() if k in allowed}
    counselor = data.get("counselor")
    if counselor is not None and not counselor.has_role(*CARE_TEAM):
        raise ValidationError(
            {"counselor": _("The person in charge must be a counselor or psychology teacher.")}
        )
    for name, value in data.items():
        setattr(case, name, value if value is not None or name == "counselor" else "")
    case.save()
    audit(actor=actor, action="change", subject="crisis.case", student=case.student, obj=case)
    return case


@transaction.atomic
def step_record(
    case: CrisisCase,
    *,
    actor,
    step: str,
    level: str = "",
    note: str = "",
    done_at=None,
    skipped_reason: str = "",
    summary: str = "",
) -> CaseStep:
    """Record the step due next on a case: timed (now, or an entered time that is not in the future
    and not before the previous step) and attributed. Steps cannot be skipped or repeated; the
    assessment needs a risk level; a referral may be recorded as not needed, with the reason;
    closing needs a summary."""
    case = CrisisCase.objects.select_for_update().get(pk=case.pk)
    due = _next(case.step)
    if step not in STEP_ORDER:
        raise ValidationError({"step": _("Unknown step.")})
    if due is None:
        raise ValidationError({"step": _("This case is closed; no further step can be recorded.")})
    if step != due:
        if STEP_ORDER.index(step) <= STEP_ORDER.index(case.step):
            message = _("The step “%(step)s” is already recorded. The step due next is “%(due)s”.")
        else:
            message = _("Steps cannot be skipped. The step due next is “%(due)s”.")
        raise ValidationError({"step": message % {"step": _step_label(step), "due": _step_label(due)}})
    errors = {}
    level = (level or "").strip()
    if level and level not in RiskLevel.values:
        errors["level"] = _("Choose a risk level.")
    if step == "assessed" and not level:
        errors["level"] = _("The risk assessment needs a risk level.")
    skipped_reason = (skipped_reason or "").strip()
    if skipped_reason and step != "referral":
        errors["skipped_reason"] = _("Only the referral may be recorded as not needed.")
    summary = (summary or "").strip()
    if step == "closed" and not summary:
        errors["summary"] = _("Closing a case needs a summary.")
    now = timezone.now()
    previous = (
        CaseStep.objects.filter(case=case).order_by("-done_at").values_list("done_at", flat=True).first()
    )
    if done_at is None:
        done_at = now
    elif done_at > now + timedelta(minutes=1):
        errors["done_at"] = _("The time of a step cannot be in the future.")
    elif previous is not None and done_at < previous.replace(second=0, microsecond=0):
        errors["done_at"] = _("A step cannot be done before the previous step (%(at)s).") % {
            "at": timezone.localtime(previous).strftime("%Y-%m-%d %H:%M")
        }
    elif previous is not None and done_at < previous:
        done_at = previous  # entered to the minute, in the previous step's minute: keep the order
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            recorded = CaseStep.objects.create(
                case=case,
                step=step,
                done_at=done_at,
                done_by=actor,
                level=level,
                note=note or "",
                skipped_reason=skipped_reason,
            )
    except IntegrityError:
        raise ValidationError(
            {"step": _("The step “%(step)s” is already recorded.") % {"step": _step_label(step)}}
        )
    case.step = step
    if level:
        case.level = level
    if step == "closed":
        case.closed_at = done_at
        case.summary = summary
    case.save()
    audit(actor=actor, action="change", subject="crisis.case", student=case.student, obj=case)
    return recorded


def _next(step: str) -> str | None:
    index = STEP_ORDER.index(step)
    return STEP_ORDER[index + 1] if index + 1 < len(STEP_ORDER) else None


# --- Break-glass -------------------------------------------------------------------------------

BREAK_GLASS_VALID = timedelta(hours=2)


@transaction.atomic
def break_glass_open(case: CrisisCase, *, actor, reason: str) -> BreakGlass:
    """The principal opens this one case's detail for a while, with a stated reason: audited, and
    the care team is told that it happened on the case. The reason is encrypted on the break-glass row and
    read by the care team on the case page; the audit event refers to that row, and the notification
    (emailed when SMTP is set) carries no reason."""
    if not (actor and actor.has_role(SchoolRole.PRINCIPAL)):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why you need to see this case's detail.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    glass = BreakGlass.objects.create(
        case=case, actor=actor, reason=reason, expires_at=timezone.now() + BREAK_GLASS_VALID
    )
    audit(
        actor=actor,
        action="break_glass",
        subject="crisis.case",
        student=case.student,
        obj=case,
        reason=break_glass_reason(),
        reason_ref=glass.public_id,
    )
    link = reverse("crisis:case", args=[case.public_id])
    for person in User.objects.filter(is_active=True).order_by("pk"):
        if person.has_role(*CARE_TEAM) and person.pk != actor.pk:
            notify(
                recipient=person,
                title=_("The principal opened a crisis case's detail (break-glass)"),
                # Only that it happened, and the link: who and why are on the case page.
                body=_("Break-glass was used on a crisis case. Open the case to see who and why."),
                link=link,
                dedupe_key=f"crisis:{case.public_id}:break_glass:{glass.pk}",
            )
    return glass


# --- Emergency plans, time limits, duty roster -------------------------------------------------


@transaction.atomic
def plan_create(*, actor, title: str, version: str, effective_on, body: str) -> EmergencyPlan:
    return model_create(
        EmergencyPlan,
        actor=actor,
        data={"title": title, "version": version, "effective_on": effective_on, "body": body},
    )


@transaction.atomic
def plan_update(plan: EmergencyPlan, *, actor, data: dict) -> EmergencyPlan:
    allowed = {k: v for k, v in data.items() if k in {"title", "version", "effective_on", "body"}}
    return model_update(plan, data=allowed)


@transaction.atomic
def plan_delete(plan: EmergencyPlan, *, actor) -> None:
    plan.delete()


@transaction.atomic
def time_limit_set(*, actor, level: str, step: str, minutes: int) -> TimeLimit:
    """Set how many minutes after opening a case of `level` the `step` must be done."""
    errors = {}
    if level not in RiskLevel.values:
        errors["level"] = _("Choose a risk level.")
    if step not in STEP_ORDER or step == "identified":
        errors["step"] = _("Choose a step after identification.")
    if minutes is None or minutes < 1:
        errors["minutes"] = _("Enter at least one minute.")
    if errors:
        raise ValidationError(errors)
    limit, _created = TimeLimit.objects.update_or_create(
        level=level, step=step, defaults={"minutes": minutes}
    )
    return limit


@transaction.atomic
def time_limit_update(limit: TimeLimit, *, actor, data: dict) -> TimeLimit:
    minutes = data.get("minutes", limit.minutes)
    if minutes is None or minutes < 1:
        raise ValidationError({"minutes": _("Enter at least one minute.")})
    limit.minutes = minutes
    limit.save(update_fields=["minutes"])
    return limit


@transaction.atomic
def time_limit_delete(limit: TimeLimit, *, actor) -> None:
    limit.delete()


@transaction.atomic
def duty_assign(*, actor, user, on_date) -> DutyAssignment:
    if user is None or not user.is_active or not user.has_role(*CARE_TEAM):
        raise ValidationError({"user": _("Only counselors and psychology teachers can be on duty.")})
    if on_date is None:
        raise ValidationError({"on_date": _("Enter a date.")})
    if DutyAssignment.objects.filter(user=user, on_date=on_date).exists():
        raise ValidationError(
            {"on_date": _("%(name)s is already on duty that day.") % {"name": user.display_name}}
        )
    return DutyAssignment.objects.create(user=user, on_date=on_date)


@transaction.atomic
def duty_remove(assignment: DutyAssignment, *, actor) -> None:
    assignment.delete()


# --- Escalation --------------------------------------------------------------------------------


def escalate_overdue() -> dict:
    """Each open case past its next step's time limit: the principal(s) are told once per case and
    step (in the app, and by email when configured), and the case is marked escalated. The alert
    names no student."""
    from tenants.crisis.selectors import overdue_cases

    principals = [
        u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_role(SchoolRole.PRINCIPAL)
    ]
    counts = {"overdue": 0, "escalated": 0, "notified": 0}
    for case in overdue_cases():
        counts["overdue"] += 1
        sent = 0
        for principal in principals:
            note = notify(
                recipient=principal,
                title=_("Crisis case overdue: “%(step)s” not recorded in time (risk level %(level)s)")
                % {"step": _step_label(case.next_step), "level": case.get_level_display()},
                body=_(
                    "A crisis case has passed its time limit. Open it to see its status and who is in charge."
                ),
                link=reverse("crisis:case", args=[case.public_id]),
                dedupe_key=f"crisis:{case.public_id}:overdue:{case.next_step}",
            )
            sent += note is not None
        if sent:
            counts["escalated"] += 1
            counts["notified"] += sent
            CrisisCase.objects.filter(pk=case.pk).update(escalated_at=timezone.now())
    return counts
