"""Counseling pages: sessions (个别辅导), medical referrals (转介就医) and plans (一生一策). The
resources, their filters and the area's tabs are declared in tenants/counseling/resources.py.

Sessions and referrals are for the care team only: everyone else gets 403 on the tables and 404 on
any record. Every read of a record (detail page, edit form) writes one audit event; each table
page writes one "list" event, each export one "export" event: the declarations say so.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, FormPage, TablePage, add_errors, is_uuid
from shared.resources import narrow_form_choices
from tenants.care.access import reads_clinical
from tenants.care.models import AttentionLevel
from tenants.counseling import selectors, services
from tenants.counseling.access import reads_plan_status
from tenants.counseling.forms import (
    FeedbackForm,
    PlanForm,
    ReferralForm,
    ReturnPlanForm,
    ReviewForm,
    SessionForm,
)
from tenants.counseling.models import CarePlan, PlanStatus
from tenants.counseling.resources import area, plans, referrals, sessions


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value):
    return value.strftime("%Y-%m-%d") if value else ""


class AreaTable(TablePage):
    """Not plain in one way: people who may not read the table get 403 (the generic table: 404)."""

    area = area

    def allowed(self, user) -> bool:
        return self.get_policy().can_read(user)

    def get(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)


class AreaForm(FormPage):
    """Create and edit forms of clinical records. Not plain: the forms are told who is asking (they
    offer only what that person may choose) and whether a record is being edited, and an edit starts
    from the record's values."""

    area = area
    success_message = gettext_lazy("Saved.")

    def form_kwargs(self, request, obj):
        return {"user": request.user, "editing": obj is not None}

    def initial_for(self, request, obj):
        return self.initial(request)

    def make_form(self, request, obj, data=None, files=None):
        kwargs = self.form_kwargs(request, obj)
        if data is None:
            form = self.form_class(initial=self.initial_for(request, obj), **kwargs)
        else:
            form = self.form_class(data, files, **kwargs)
        narrow_form_choices(form, request.user)
        return form

    def render(self, request, form, obj, status=200):
        if obj is not None:
            self.edit_title = f"{type(self).edit_title} · {obj.student.name}"
        return super().render(request, form, obj, status=status)


# Sessions ---------------------------------------------------------------------------------------


class SessionTable(AreaTable):
    title = gettext_lazy("Individual counseling (个别辅导)")
    intro = gettext_lazy(
        "Sessions held by the school's counselors. Notes are on each session's page, for the care team only."
    )
    resource = sessions
    tab = "index"
    export_name = "个别辅导记录"
    empty_text = gettext_lazy("No sessions recorded yet. Record a session after it is held.")

    @property
    def columns(self):
        return [
            Column(
                gettext_lazy("Student"),
                "student.name",
                link=lambda s: reverse("counseling:session", args=[s.public_id]),
            ),
            Column(gettext_lazy("Class"), lambda s: str(s.student.school_class)),
            Column(gettext_lazy("Counselor"), "counselor.display_name"),
            Column(gettext_lazy("Held at"), lambda s: _when(s.held_at)),
            Column(gettext_lazy("Duration (minutes)"), "duration_minutes", numeric=True),
            Column(gettext_lazy("Issue category"), "get_category_display"),
            Column(gettext_lazy("Room"), lambda s: s.booking.room.name if s.booking else ""),
            Column(gettext_lazy("Follow-up date"), lambda s: _day(s.follow_up_on)),
        ]

    def get_actions(self, request):
        if sessions.policy.can_create(request.user):
            return [Action(gettext_lazy("Record a session"), reverse("counseling:session_new"))]
        return []


class SessionFormPage(AreaForm):
    title = gettext_lazy("Record a counseling session")
    edit_title = gettext_lazy("Edit counseling session")
    form_class = SessionForm
    resource = sessions
    tab = "index"

    def form_kwargs(self, request, obj):
        return {**super().form_kwargs(request, obj), "booking_id": obj.booking_id if obj else None}

    def initial_for(self, request, obj):
        if obj is None:
            initial = {
                "held_at": timezone.localtime().replace(second=0, microsecond=0),
                "duration_minutes": 50,
            }
            if request.user.has_role(*selectors.COUNSELOR_ROLES):
                initial["counselor"] = request.user.pk
            student = request.GET.get("student")
            if student:
                found = (
                    selectors.students_for(request.user)
                    .filter(public_id__in=[student] if is_uuid(student) else [])
                    .first()
                )
                if found:
                    initial["student"] = found.pk
            return initial
        return {
            "student": obj.student_id,
            "counselor": obj.counselor_id,
            "held_at": timezone.localtime(obj.held_at),
            "duration_minutes": obj.duration_minutes,
            "category": obj.category,
            "booking": obj.booking_id,
            "notes": obj.notes,
            "follow_up_on": obj.follow_up_on,
        }

    def save(self, request, form, obj):
        # Not plain: without a room to book, the booking times are not part of the change.
        data = dict(form.cleaned_data)
        if obj is not None and data.get("room") is None:
            for name in ("room", "booking_starts_at", "booking_ends_at"):
                data.pop(name, None)
        return sessions.save(actor=request.user, obj=obj, data=data)

    def success_url(self, request, saved):
        return reverse("counseling:session", args=[saved.public_id])


@login_required
def session_detail(request, id):
    session = sessions.get_for(request.user, id)
    sessions.audit_read(request.user, session)
    return render(
        request,
        "counseling/session_detail.html",
        {
            "session": session,
            "area_tabs": area.tabs_for(request.user, "index"),
            "can_change": sessions.policy.can_change(request.user, session),
        },
    )


# Referrals --------------------------------------------------------------------------------------


class ReferralTable(AreaTable):
    title = gettext_lazy("Referrals to medical institutions (转介就医)")
    intro = gettext_lazy(
        "Each referral with the feedback received and the plan for the student's return to school."
    )
    resource = referrals
    tab = "referrals"
    export_name = "转介就医记录"
    empty_text = gettext_lazy(
        "No referrals yet. Record a referral when a student is referred for medical care."
    )

    @property
    def columns(self):
        return [
            Column(
                gettext_lazy("Student"),
                "student.name",
                link=lambda r: reverse("counseling:referral", args=[r.public_id]),
            ),
            Column(gettext_lazy("Class"), lambda r: str(r.student.school_class)),
            Column(gettext_lazy("Medical institution"), "institution"),
            Column(gettext_lazy("Referred on"), lambda r: _day(r.referred_on)),
            Column(gettext_lazy("Feedback received on"), lambda r: _day(r.feedback_on)),
            Column(gettext_lazy("Back at school on"), lambda r: _day(r.return_on)),
        ]

    def get_actions(self, request):
        if referrals.policy.can_create(request.user):
            return [Action(gettext_lazy("Record a referral"), reverse("counseling:referral_new"))]
        return []


class ReferralFormPage(AreaForm):
    title = gettext_lazy("Record a referral")
    edit_title = gettext_lazy("Edit referral")
    form_class = ReferralForm
    resource = referrals
    tab = "referrals"

    def initial_for(self, request, obj):
        if obj is None:
            return {"referred_on": selectors.school_today()}
        return {
            "student": obj.student_id,
            "institution_entry": getattr(obj.institution_entry, "pk", None),
            "referred_on": obj.referred_on,
            "reason": obj.reason,
        }

    def success_url(self, request, saved):
        return reverse("counseling:referral", args=[saved.public_id])


class ReferralFeedbackPage(ReferralFormPage):
    edit_title = gettext_lazy("Record the feedback received")
    form_class = FeedbackForm

    def initial_for(self, request, obj):
        return {"feedback": obj.feedback, "feedback_on": obj.feedback_on or selectors.school_today()}


class ReferralReturnPage(ReferralFormPage):
    edit_title = gettext_lazy("Return-to-school plan")
    form_class = ReturnPlanForm

    def initial_for(self, request, obj):
        return {"return_plan": obj.return_plan, "return_on": obj.return_on}


@login_required
def referral_detail(request, id):
    referral = referrals.get_for(request.user, id)
    referrals.audit_read(request.user, referral)
    return render(
        request,
        "counseling/referral_detail.html",
        {
            "referral": referral,
            "area_tabs": area.tabs_for(request.user, "referrals"),
            "can_change": referrals.policy.can_change(request.user, referral),
        },
    )


# Plans (一生一策) ---------------------------------------------------------------------------------


class PlanTable(AreaTable):
    """Not plain: the care team and the principal see every plan (status, owner, next review; never
    goals), which is wider than the plan policy (the care team, and each owner their own plans). An
    owner who is neither sees their own plans; everyone else gets 403."""

    title = gettext_lazy("One student, one plan (一生一策)")
    intro = gettext_lazy(
        "A plan for each student at elevated attention or above: goals, supports, an owner and regular reviews."
    )
    resource = plans
    tab = "plans"
    export_name = "一生一策"
    empty_text = gettext_lazy("No plans yet. Create a plan for each student listed above.")
    template_name = "counseling/plans.html"

    def get_policy(self):
        return None  # allowed() decides

    def allowed(self, user):
        return reads_plan_status(user) or CarePlan.objects.filter(owner=user).exists()

    def get_queryset(self, request):
        if reads_plan_status(request.user):
            return plans.selector()
        return plans.selector().filter(owner=request.user)

    def detail_link(self, plan):
        if reads_clinical(self.request.user) or plan.owner_id == self.request.user.pk:
            return reverse("counseling:plan", args=[plan.public_id])
        return None

    @property
    def columns(self):
        def level(plan):
            record = getattr(plan.student, "care_record", None)
            return AttentionLevel(record.level).label if record else ""

        return [
            Column(gettext_lazy("Student"), "student.name", link=self.detail_link),
            Column(gettext_lazy("Class"), lambda p: str(p.student.school_class)),
            Column(gettext_lazy("Attention level"), level),
            Column(gettext_lazy("Owner"), "owner.display_name"),
            Column(gettext_lazy("Status"), "get_status_display"),
            Column(gettext_lazy("Starts on"), lambda p: _day(p.starts_on)),
            Column(
                gettext_lazy("Next review"), lambda p: _day(p.next_review_on) if p.status == "active" else ""
            ),
        ]

    def get_actions(self, request):
        if plans.policy.can_create(request.user):
            return [Action(gettext_lazy("New plan"), reverse("counseling:plan_new"))]
        return []

    def extra_context(self, request):
        if reads_plan_status(request.user):
            return {
                "needing": list(selectors.students_needing_a_plan(request.user)[:50]),
                "can_create": plans.policy.can_create(request.user),
            }
        return {}


class PlanFormPage(AreaForm):
    title = gettext_lazy("New plan (一生一策)")
    edit_title = gettext_lazy("Edit plan (一生一策)")
    form_class = PlanForm
    resource = plans
    tab = "plans"

    def form_kwargs(self, request, obj):
        return {**super().form_kwargs(request, obj), "plan": obj}

    def check(self, request, obj):
        # Not plain: an owner outside the care team finds their plan (404 for others) but may not
        # change it (403), though the plan policy's readers are the care team.
        if obj is None:
            if not plans.policy.can_read(request.user):
                raise Http404
            if not plans.policy.can_create(request.user):
                raise PermissionDenied
        elif not plans.policy.can_change(request.user, obj):
            raise PermissionDenied

    def initial_for(self, request, obj):
        if obj is None:
            initial = {"starts_on": selectors.school_today(), "review_every_days": 30}
            student = request.GET.get("student")
            if student and is_uuid(student):
                found = selectors.students_needing_a_plan(request.user).filter(public_id=student).first()
                if found:
                    initial["student"] = found.pk
            return initial
        return {
            "owner": obj.owner_id,
            "goals": obj.goals,
            "supports": obj.supports,
            "review_every_days": obj.review_every_days,
        }

    def success_url(self, request, saved):
        return reverse("counseling:plan", args=[saved.public_id])


def _render_plan(request, plan, review_form, status=200):
    """Not a plain detail: the plan with its reviews and the form of the pending progress check.
    Showing it is a read of the plan: one audit event."""
    plans.audit_read(request.user, plan)
    return render(
        request,
        "counseling/plan_detail.html",
        {
            "plan": plan,
            "reviews": list(selectors.plan_reviews(plan)),
            "review_form": review_form,
            "pending": services.pending_review(plan),
            "area_tabs": area.tabs_for(request.user, "plans"),
            "can_change": plans.policy.can_change(request.user, plan) and plan.status == PlanStatus.ACTIVE,
            "can_review": plans.policy.can_record_review(request.user, plan)
            and plan.status == PlanStatus.ACTIVE,
            "level": AttentionLevel(plan.student.care_record.level).label
            if hasattr(plan.student, "care_record")
            else "",
        },
        status=status,
    )


@login_required
def plan_detail(request, id):
    return _render_plan(request, plans.get_for(request.user, id), ReviewForm())


@login_required
@require_POST
def plan_review(request, id):
    plan = plans.get_for(request.user, id)
    if not plans.policy.can_record_review(request.user, plan):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.plan_review_record(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Progress check recorded; the next review is scheduled."))
            return redirect(reverse("counseling:plan", args=[plan.public_id]))
    # Showing the plan again with the errors is a read of it.
    return _render_plan(request, plan, form, status=400)


@login_required
@require_POST
def plan_close(request, id):
    plan = plans.get_for(request.user, id)
    if not plans.policy.can_change(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_close(plan, actor=request.user)
    except ValidationError:
        pass  # already closed
    return redirect(reverse("counseling:plan", args=[plan.public_id]))
