"""Write use cases of counseling. Each write is validated (errors keyed by field), runs in one
transaction and writes exactly one audit event (tenants.care.audit)."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.care.audit import audit
from tenants.care.models import PLAN_LEVELS, CareRecord
from tenants.counseling.models import (
    CarePlan,
    CounselingSession,
    IssueCategory,
    PlanReview,
    PlanStatus,
    Referral,
)
from tenants.counseling.selectors import COUNSELOR_ROLES, may_own_plan, school_today
from tenants.resources import services as resources
from tenants.resources.selectors import local_day
from tenants.students.models import StudentStatus

SESSION_SUBJECT = "counseling.session"
REFERRAL_SUBJECT = "counseling.referral"
PLAN_SUBJECT = "counseling.plan"
BOOKING_PURPOSE = "个别心理辅导"
MIN_INTERVAL, MAX_INTERVAL = 7, 180


def _active_student(student, errors):
    if student is None or student.status != StudentStatus.ACTIVE:
        errors["student"] = _("Choose a student who is in school.")


# Sessions ---------------------------------------------------------------------------------------

SESSION_FIELDS = (
    "student",
    "counselor",
    "booking",
    "held_at",
    "duration_minutes",
    "category",
    "notes",
    "follow_up_on",
)


def _check_session(values: dict) -> None:
    errors = {}
    _active_student(values.get("student"), errors)
    counselor = values.get("counselor")
    if counselor is None or not counselor.is_active or not counselor.has_role(*COUNSELOR_ROLES):
        errors["counselor"] = _("Choose an active counselor or psychology teacher.")
    duration = values.get("duration_minutes")
    if duration is None or not 5 <= duration <= 240:
        errors["duration_minutes"] = _("A session lasts from 5 to 240 minutes.")
    if values.get("category") not in IssueCategory.values:
        errors["category"] = _("Choose an issue category.")
    held_at, follow_up = values.get("held_at"), values.get("follow_up_on")
    if held_at is None:
        errors["held_at"] = _("Enter when the session was held.")
    elif follow_up is not None and follow_up < local_day(held_at):
        errors["follow_up_on"] = _("The follow-up date cannot be before the session.")
    booking = values.get("booking")
    if booking is not None and booking.cancelled:
        errors["booking"] = _("This booking was cancelled. Choose a live booking.")
    if errors:
        raise ValidationError(errors)


def _book_room(*, actor, room, starts_at: datetime | None, ends_at: datetime | None, held_at, duration):
    """Book the room for the session through the resources area: the exclusion constraint refuses
    a double booking, reported on the room fields of this form."""
    starts_at = starts_at or held_at
    ends_at = ends_at or (starts_at + timedelta(minutes=duration or 50) if starts_at else None)
    try:
        return resources.booking_create(
            actor=actor,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=BOOKING_PURPOSE,
            allow_past=True,
        )
    except ValidationError as exc:
        names = {
            "starts_at": "booking_starts_at",
            "ends_at": "booking_ends_at",
            "room": "room",
            "booked_by": "room",
        }
        raise ValidationError({names.get(k, "room"): v for k, v in exc.message_dict.items()})


@transaction.atomic
def session_create(
    *,
    actor,
    student,
    counselor,
    held_at,
    duration_minutes,
    category,
    notes: str = "",
    follow_up_on: date | None = None,
    booking=None,
    room=None,
    booking_starts_at=None,
    booking_ends_at=None,
) -> CounselingSession:
    values = dict(
        student=student,
        counselor=counselor,
        booking=booking,
        held_at=held_at,
        duration_minutes=duration_minutes,
        category=category,
        notes=(notes or "").strip(),
        follow_up_on=follow_up_on,
    )
    _check_session(values)
    if room is not None and booking is not None:
        raise ValidationError({"room": _("Choose an existing booking or a room to book, not both.")})
    if room is not None:
        values["booking"] = _book_room(
            actor=actor,
            room=room,
            starts_at=booking_starts_at,
            ends_at=booking_ends_at,
            held_at=held_at,
            duration=duration_minutes,
        )
    session = CounselingSession(created_by=actor, **values)
    session.full_clean(validate_constraints=False)
    session.save()
    audit(actor=actor, action="create", subject=SESSION_SUBJECT, student=student, obj=session)
    return session


@transaction.atomic
def session_update(session: CounselingSession, *, actor, data: dict) -> CounselingSession:
    session = CounselingSession.objects.select_for_update().get(pk=session.pk)
    data = dict(data)
    room = data.pop("room", None)
    starts_at, ends_at = data.pop("booking_starts_at", None), data.pop("booking_ends_at", None)
    values = {name: data.get(name, getattr(session, name)) for name in SESSION_FIELDS}
    if "notes" in data:
        values["notes"] = (data["notes"] or "").strip()
    _check_session(values)
    if room is not None:
        if "booking" in data and data["booking"] is not None:
            raise ValidationError({"room": _("Choose an existing booking or a room to book, not both.")})
        values["booking"] = _book_room(
            actor=actor,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            held_at=values["held_at"],
            duration=values["duration_minutes"],
        )
    for name in SESSION_FIELDS:
        if name == "notes" and values[name] == session.notes:
            continue  # unchanged text is not re-encrypted
        setattr(session, name, values[name])
    session.full_clean(validate_constraints=False)
    session.save()
    audit(actor=actor, action="change", subject=SESSION_SUBJECT, student=session.student, obj=session)
    return session


# Referrals --------------------------------------------------------------------------------------

REFERRAL_FIELDS = (
    "student",
    "institution",
    "referred_on",
    "reason",
    "feedback",
    "feedback_on",
    "return_plan",
    "return_on",
)


def _institution_from(entry, values: dict) -> None:
    """The institution picked from the service directory: the district's entries and this school's
    own local ones (another school's local entry is refused like a missing one)."""
    from directory.access import current_school

    school = current_school()
    if entry is None:
        return
    if not entry.active or (entry.school_id is not None and (school is None or entry.school_id != school.pk)):
        raise ValidationError({"institution_entry": _("Choose an institution from the service directory.")})
    values["institution"] = entry.name
    values["institution_ref"] = str(entry.public_id)


def _check_referral(values: dict) -> None:
    errors = {}
    _active_student(values.get("student"), errors)
    if not (values.get("institution") or "").strip():
        errors["institution"] = _("Name the medical institution.")
    if not (values.get("reason") or "").strip():
        errors["reason"] = _("Write down why the student is referred.")
    referred = values.get("referred_on")
    if referred is None:
        errors["referred_on"] = _("Enter the date of the referral.")
    for text, day, missing_day, missing_text in (
        (
            "feedback",
            "feedback_on",
            _("Enter when the feedback was received."),
            _("Write down the feedback received."),
        ),
        (
            "return_plan",
            "return_on",
            _("Enter the date the student is back at school."),
            _("Write down the return-to-school plan."),
        ),
    ):
        has_text, when = bool((values.get(text) or "").strip()), values.get(day)
        if has_text and when is None:
            errors[day] = missing_day
        elif when is not None and not has_text:
            errors[text] = missing_text
        elif when is not None and referred is not None and when < referred:
            errors[day] = _("This date cannot be before the referral.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def referral_create(
    *,
    actor,
    student,
    referred_on: date,
    reason: str,
    institution_entry=None,
    institution: str = "",
    feedback: str = "",
    feedback_on=None,
    return_plan: str = "",
    return_on=None,
) -> Referral:
    """A referral. Pages and the API pick `institution_entry` from the service directory; the free
    text `institution` remains for records made before it (imports, old rows)."""
    values = dict(
        student=student,
        institution=(institution or "").strip(),
        institution_ref="",
        referred_on=referred_on,
        reason=(reason or "").strip(),
        feedback=(feedback or "").strip(),
        feedback_on=feedback_on,
        return_plan=(return_plan or "").strip(),
        return_on=return_on,
    )
    _institution_from(institution_entry, values)
    _check_referral(values)
    referral = Referral(created_by=actor, **values)
    referral.full_clean()
    referral.save()
    audit(actor=actor, action="create", subject=REFERRAL_SUBJECT, student=student, obj=referral)
    return referral


@transaction.atomic
def referral_update(referral: Referral, *, actor, data: dict) -> Referral:
    """Change a referral, or record the feedback received and the return-to-school plan."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    values = {name: data.get(name, getattr(referral, name)) for name in REFERRAL_FIELDS}
    for name in ("institution", "reason", "feedback", "return_plan"):
        values[name] = (values[name] or "").strip()
    if data.get("institution_entry") is not None:
        _institution_from(data["institution_entry"], values)
    elif "institution" in data:
        values["institution_ref"] = ""  # free text replaces the directory's entry
    _check_referral(values)
    for name, value in values.items():
        if getattr(referral, name) != value:
            setattr(referral, name, value)
    referral.full_clean()
    referral.save()
    audit(actor=actor, action="change", subject=REFERRAL_SUBJECT, student=referral.student, obj=referral)
    return referral


# Plans (一生一策) ---------------------------------------------------------------------------------

PLAN_FIELDS = ("owner", "goals", "supports", "review_every_days")


def _check_plan(values: dict, *, creating: bool, student=None) -> None:
    errors = {}
    student = values.get("student", student)
    if creating:
        _active_student(student, errors)
        level = (
            CareRecord.objects.filter(student=student).values_list("level", flat=True).first()
            if student
            else None
        )
        if "student" not in errors and level not in PLAN_LEVELS:
            errors["student"] = _("A plan (一生一策) is for a student at elevated attention or above.")
        elif (
            "student" not in errors
            and CarePlan.objects.filter(student=student, status=PlanStatus.ACTIVE).exists()
        ):
            errors["student"] = _("This student already has an active plan.")
        if values.get("starts_on") is None:
            errors["starts_on"] = _("Enter the date the plan starts.")
    owner = values.get("owner")
    if owner is None or not owner.is_active:
        errors["owner"] = _("Choose an active staff account: a counselor or the homeroom teacher.")
    elif "student" not in errors and not may_own_plan(owner, student):
        # The owner reads the plan: the care team or the student's own homeroom teacher, nobody else.
        errors["owner"] = _(
            "The owner must be a counselor, a psychology teacher or the student's homeroom teacher."
        )
    for name in ("goals", "supports"):
        if not (values.get(name) or "").strip():
            errors[name] = _("This field is required.")
    interval = values.get("review_every_days")
    if interval is None or not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        errors["review_every_days"] = _("Review every 7 to 180 days.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(
    *, actor, student, owner, goals: str, supports: str, starts_on: date, review_every_days: int = 30
) -> CarePlan:
    """Create the plan and schedule its first review (starts_on + the interval)."""
    values = dict(
        student=student,
        owner=owner,
        goals=(goals or "").strip(),
        supports=(supports or "").strip(),
        starts_on=starts_on,
        review_every_days=review_every_days,
    )
    _check_plan(values, creating=True)
    plan = CarePlan(created_by=actor, **values)
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError({"student": _("This student already has an active plan.")})
    PlanReview.objects.create(plan=plan, due_on=starts_on + timedelta(days=review_every_days))
    audit(actor=actor, action="create", subject=PLAN_SUBJECT, student=student, obj=plan)
    return plan


def _active_plan(plan: CarePlan) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"status": _("This plan is closed.")})
    return plan


@transaction.atomic
def plan_update(plan: CarePlan, *, actor, data: dict) -> CarePlan:
    plan = _active_plan(plan)
    values = {name: data.get(name, getattr(plan, name)) for name in PLAN_FIELDS}
    for name in ("goals", "supports"):
        values[name] = (values[name] or "").strip()
    _check_plan(values, creating=False, student=plan.student)
    for name, value in values.items():
        if getattr(plan, name) != value:
            setattr(plan, name, value)
    plan.full_clean(validate_constraints=False)
    plan.save()
    audit(actor=actor, action="change", subject=PLAN_SUBJECT, student=plan.student, obj=plan)
    return plan


def pending_review(plan: CarePlan) -> PlanReview | None:
    return plan.reviews.filter(done_at__isnull=True).order_by("due_on").first()


@transaction.atomic
def plan_review_record(
    plan: CarePlan, *, actor, progress: str, next_due_on: date | None = None
) -> PlanReview:
    """Write the progress check of the plan's pending review, mark it done, and schedule the next
    review (today + the plan's interval, unless a date is given)."""
    plan = _active_plan(plan)
    progress = (progress or "").strip()
    today = school_today()
    errors = {}
    if not progress:
        errors["progress"] = _("Write down the progress check.")
    if next_due_on is not None and next_due_on <= today:
        errors["next_due_on"] = _("The next review must be after today.")
    if errors:
        raise ValidationError(errors)
    review = plan.reviews.select_for_update().filter(done_at__isnull=True).order_by("due_on").first()
    if review is None:
        review = PlanReview(plan=plan, due_on=today)
    review.progress, review.done_at, review.done_by = progress, timezone.now(), actor
    review.save()
    PlanReview.objects.create(plan=plan, due_on=next_due_on or today + timedelta(days=plan.review_every_days))
    audit(actor=actor, action="change", subject=PLAN_SUBJECT, student=plan.student, obj=plan)
    return review


@transaction.atomic
def plan_close(plan: CarePlan, *, actor) -> CarePlan:
    """Close the plan: reviews not yet done are dropped, so none is due any more."""
    plan = _active_plan(plan)
    plan.reviews.filter(done_at__isnull=True).delete()
    plan.status, plan.closed_at = PlanStatus.CLOSED, timezone.now()
    plan.save(update_fields=["status", "closed_at", "updated_at"])
    audit(actor=actor, action="change", subject=PLAN_SUBJECT, student=plan.student, obj=plan, reason="closed")
    return plan
