"""Counseling pages: sessions (个别辅导), medical referrals (转介就医) and plans (一生一策).

Sessions and referrals are for the care team only: everyone else gets 403 on the tables and 404 on
any record. Every read of a record (detail page, edit form) writes one audit event; each table
page writes one "list" event, each export one "export" event.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, Filter, FormPage, TablePage, _add_errors, is_uuid
from tenants.care.access import reads_clinical
from tenants.care.audit import audit
from tenants.care.models import AttentionLevel
from tenants.counseling import selectors, services
from tenants.counseling.access import plan_policy, reads_plan_status, referral_policy, session_policy
from tenants.counseling.forms import (
    FeedbackForm,
    PlanForm,
    ReferralForm,
    ReturnPlanForm,
    ReviewForm,
    SessionForm,
)
from tenants.counseling.models import CarePlan, IssueCategory, PlanStatus

TABS = [
    ("counseling:index", gettext_lazy("Sessions (个别辅导)")),
    ("counseling:referrals", gettext_lazy("Medical referrals (转介就医)")),
    ("counseling:plans", gettext_lazy("Plans (一生一策)")),
]


def _tabs(current: str, user):
    shown = TABS if reads_clinical(user) else [t for t in TABS if t[0] == "counseling:plans"]
    return [(reverse(name), label, name == current) for name, label in shown]


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value):
    return value.strftime("%Y-%m-%d") if value else ""


class AuditedTable(TablePage):
    """A table of clinical records: readers only (others 403); one audit event per page or export."""

    template_name = "counseling/table.html"
    subject = ""
    tab = ""

    def allowed(self, user) -> bool:
        return self.policy.can_read(user)

    def get(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            action = "export" if request.GET.get("export") == "xlsx" and self.export_name else "list"
            audit(actor=request.user, action=action, subject=self.subject)
        return response

    def extra_context(self, request):
        return {"tabs": _tabs(self.tab, request.user)}


# Sessions ---------------------------------------------------------------------------------------

_month_filter = selectors.month_filter
_follow_up = selectors.follow_up_filter


def _counselor_choices(request):
    return [(str(u.public_id), u.display_name) for u in selectors.counselors()]


class SessionTable(AuditedTable):
    title = gettext_lazy("Individual counseling (个别辅导)")
    intro = gettext_lazy(
        "Sessions held by the school's counselors. Notes are on each session's page, for the care team only."
    )
    policy = session_policy
    subject = services.SESSION_SUBJECT
    tab = "counseling:index"
    export_name = "个别辅导记录"
    empty_text = gettext_lazy("No sessions recorded yet. Record a session after it is held.")
    filters = [
        Filter(
            "counselor", gettext_lazy("Counselor"), choices=_counselor_choices, lookup="counselor__public_id"
        ),
        Filter("category", gettext_lazy("Issue category"), choices=list(IssueCategory.choices)),
        Filter(
            "month",
            gettext_lazy("Month"),
            choices=lambda request: selectors.session_months(),
            apply=_month_filter("held_at"),
        ),
        Filter(
            "follow_up",
            gettext_lazy("Follow-up"),
            choices=[
                ("due", gettext_lazy("Due within 7 days or overdue")),
                ("set", gettext_lazy("Has a follow-up date")),
            ],
            apply=_follow_up,
        ),
    ]

    def get_queryset(self, request):
        return session_policy.visible(request.user, selectors.session_list())

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
        if session_policy.can_create(request.user):
            return [Action(gettext_lazy("Record a session"), reverse("counseling:session_new"))]
        return []


class AuditedForm(FormPage):
    """Create and edit forms of clinical records: non-readers get 404; showing a stored record in
    an edit form is a read and writes one audit event."""

    success_message = gettext_lazy("Saved.")
    selector = None
    subject = ""
    edit_title = ""

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        if not self.policy.can_read(request.user):
            raise Http404
        return get_object_or_404(self.policy.visible(request.user, self.selector()), public_id=kwargs["id"])

    def form_kwargs(self, request, obj):
        return {"user": request.user, "editing": obj is not None}

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.check(request, obj)
        form = self.form_class(initial=self.initial_for(request, obj), **self.form_kwargs(request, obj))
        if obj is not None:
            audit(actor=request.user, action="view", subject=self.subject, student=obj.student, obj=obj)
        return self.render(request, form, obj)

    def initial_for(self, request, obj):
        return self.initial(request)

    def render(self, request, form, obj, status=200):
        return render(
            request,
            self.template_name,
            {
                "title": self.title if obj is None else f"{self.edit_title} · {obj.student.name}",
                "form": form,
                "object": obj,
            },
            status=status,
        )


class SessionFormPage(AuditedForm):
    title = gettext_lazy("Record a counseling session")
    edit_title = gettext_lazy("Edit counseling session")
    form_class = SessionForm
    policy = session_policy
    subject = services.SESSION_SUBJECT

    def selector(self):
        return selectors.session_list()

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
        data = dict(form.cleaned_data)
        if obj is None:
            return services.session_create(actor=request.user, **data)
        data.pop("student", None)
        if data.get("room") is None:
            for name in ("room", "booking_starts_at", "booking_ends_at"):
                data.pop(name, None)
        return services.session_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("counseling:session", args=[saved.public_id])


@login_required
def session_detail(request, id):
    session = get_object_or_404(session_policy.visible(request.user, selectors.session_list()), public_id=id)
    audit(
        actor=request.user,
        action="view",
        subject=services.SESSION_SUBJECT,
        student=session.student,
        obj=session,
    )
    return render(
        request,
        "counseling/session_detail.html",
        {
            "session": session,
            "tabs": _tabs("counseling:index", request.user),
            "can_change": session_policy.can_change(request.user, session),
        },
    )


# Referrals --------------------------------------------------------------------------------------


def _referral_state(qs, value):
    if value == "waiting":
        return qs.filter(feedback_on__isnull=True)
    if value == "feedback":
        return qs.filter(feedback_on__isnull=False, return_on__isnull=True)
    if value == "returned":
        return qs.filter(return_on__isnull=False)
    return qs


class ReferralTable(AuditedTable):
    title = gettext_lazy("Referrals to medical institutions (转介就医)")
    intro = gettext_lazy(
        "Each referral with the feedback received and the plan for the student's return to school."
    )
    policy = referral_policy
    subject = services.REFERRAL_SUBJECT
    tab = "counseling:referrals"
    export_name = "转介就医记录"
    empty_text = gettext_lazy(
        "No referrals yet. Record a referral when a student is referred for medical care."
    )
    filters = [
        Filter(
            "state",
            gettext_lazy("Status"),
            choices=[
                ("waiting", gettext_lazy("Waiting for feedback")),
                ("feedback", gettext_lazy("Feedback received")),
                ("returned", gettext_lazy("Back at school")),
            ],
            apply=_referral_state,
        ),
        Filter(
            "month",
            gettext_lazy("Month referred"),
            choices=lambda request: selectors.session_months(),
            apply=_month_filter("referred_on"),
        ),
        # The institution is encrypted and cannot be searched: search by student instead.
        Filter(
            "q",
            gettext_lazy("Student"),
            apply=lambda qs, v: qs.filter(
                Q(student__name__icontains=v) | Q(student__student_number__icontains=v)
            ),
        ),
    ]

    def get_queryset(self, request):
        return referral_policy.visible(request.user, selectors.referral_list())

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
        if referral_policy.can_create(request.user):
            return [Action(gettext_lazy("Record a referral"), reverse("counseling:referral_new"))]
        return []


class ReferralFormPage(AuditedForm):
    title = gettext_lazy("Record a referral")
    edit_title = gettext_lazy("Edit referral")
    form_class = ReferralForm
    policy = referral_policy
    subject = services.REFERRAL_SUBJECT

    def selector(self):
        return selectors.referral_list()

    def initial_for(self, request, obj):
        if obj is None:
            return {"referred_on": selectors.school_today()}
        return {
            "student": obj.student_id,
            "institution": obj.institution,
            "referred_on": obj.referred_on,
            "reason": obj.reason,
        }

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.referral_create(actor=request.user, **data)
        data.pop("student", None)
        return services.referral_update(obj, actor=request.user, data=data)

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
    referral = get_object_or_404(
        referral_policy.visible(request.user, selectors.referral_list()), public_id=id
    )
    audit(
        actor=request.user,
        action="view",
        subject=services.REFERRAL_SUBJECT,
        student=referral.student,
        obj=referral,
    )
    return render(
        request,
        "counseling/referral_detail.html",
        {
            "referral": referral,
            "tabs": _tabs("counseling:referrals", request.user),
            "can_change": referral_policy.can_change(request.user, referral),
        },
    )


# Plans (一生一策) ---------------------------------------------------------------------------------


def _plan_review_due(qs, value):
    today = selectors.school_today()
    if value == "due":
        return qs.filter(status=PlanStatus.ACTIVE, next_review_on__lte=today + timedelta(days=7))
    if value == "overdue":
        return qs.filter(status=PlanStatus.ACTIVE, next_review_on__lt=today)
    return qs


def _owner_choices(request):
    return [(str(u.public_id), u.display_name) for u in selectors.plan_owners()]


class PlanTable(AuditedTable):
    """Care team and principal: every plan (status, owner, next review; never goals). An owner who
    is neither: their own plans. Everyone else: 403."""

    title = gettext_lazy("One student, one plan (一生一策)")
    intro = gettext_lazy(
        "A plan for each student at elevated attention or above: goals, supports, an owner and regular reviews."
    )
    subject = services.PLAN_SUBJECT
    tab = "counseling:plans"
    policy = None  # allowed() decides: owners who are not on the care team see their own
    export_name = "一生一策"
    empty_text = gettext_lazy("No plans yet. Create a plan for each student listed above.")
    template_name = "counseling/plans.html"
    filters = [
        Filter("status", gettext_lazy("Status"), choices=list(PlanStatus.choices)),
        Filter("owner", gettext_lazy("Owner"), choices=_owner_choices, lookup="owner__public_id"),
        Filter(
            "review",
            gettext_lazy("Review"),
            choices=[
                ("due", gettext_lazy("Due within 7 days or overdue")),
                ("overdue", gettext_lazy("Overdue")),
            ],
            apply=_plan_review_due,
        ),
    ]

    def allowed(self, user):
        return reads_plan_status(user) or CarePlan.objects.filter(owner=user).exists()

    def get_queryset(self, request):
        if reads_plan_status(request.user):
            return selectors.plan_list()
        return selectors.plan_list().filter(owner=request.user)

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
        if plan_policy.can_create(request.user):
            return [Action(gettext_lazy("New plan"), reverse("counseling:plan_new"))]
        return []

    def extra_context(self, request):
        context = super().extra_context(request)
        if reads_plan_status(request.user):
            context["needing"] = list(selectors.students_needing_a_plan(request.user)[:50])
            context["can_create"] = plan_policy.can_create(request.user)
        return context


class PlanFormPage(AuditedForm):
    title = gettext_lazy("New plan (一生一策)")
    edit_title = gettext_lazy("Edit plan (一生一策)")
    form_class = PlanForm
    policy = plan_policy
    subject = services.PLAN_SUBJECT

    def selector(self):
        return selectors.plan_list()

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        return get_object_or_404(plan_policy.visible(request.user, self.selector()), public_id=kwargs["id"])

    def form_kwargs(self, request, obj):
        return {**super().form_kwargs(request, obj), "plan": obj}

    def check(self, request, obj):
        if obj is None:
            if not plan_policy.can_read(request.user):
                raise Http404
            if not plan_policy.can_create(request.user):
                raise PermissionDenied
        elif not plan_policy.can_change(request.user, obj):
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

    def save(self, request, form, obj):
        if obj is None:
            return services.plan_create(actor=request.user, **form.cleaned_data)
        return services.plan_update(obj, actor=request.user, data=dict(form.cleaned_data))

    def success_url(self, request, saved):
        return reverse("counseling:plan", args=[saved.public_id])


def _plan_for(request, id):
    return get_object_or_404(plan_policy.visible(request.user, selectors.plan_list()), public_id=id)


def _render_plan(request, plan, review_form, status=200):
    return render(
        request,
        "counseling/plan_detail.html",
        {
            "plan": plan,
            "reviews": list(selectors.plan_reviews(plan)),
            "review_form": review_form,
            "pending": services.pending_review(plan),
            "tabs": _tabs("counseling:plans", request.user),
            "can_change": plan_policy.can_change(request.user, plan) and plan.status == PlanStatus.ACTIVE,
            "can_review": plan_policy.can_record_review(request.user, plan)
            and plan.status == PlanStatus.ACTIVE,
            "level": AttentionLevel(plan.student.care_record.level).label
            if hasattr(plan.student, "care_record")
            else "",
        },
        status=status,
    )


@login_required
def plan_detail(request, id):
    plan = _plan_for(request, id)
    audit(actor=request.user, action="view", subject=services.PLAN_SUBJECT, student=plan.student, obj=plan)
    return _render_plan(request, plan, ReviewForm())


@login_required
@require_POST
def plan_review(request, id):
    plan = _plan_for(request, id)
    if not plan_policy.can_record_review(request.user, plan):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.plan_review_record(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("Progress check recorded; the next review is scheduled."))
            return redirect(reverse("counseling:plan", args=[plan.public_id]))
    # Showing the plan again with the errors is a read of it.
    audit(actor=request.user, action="view", subject=services.PLAN_SUBJECT, student=plan.student, obj=plan)
    return _render_plan(request, plan, form, status=400)


@login_required
@require_POST
def plan_close(request, id):
    plan = _plan_for(request, id)
    if not plan_policy.can_change(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_close(plan, actor=request.user)
    except ValidationError:
        pass  # already closed
    return redirect(reverse("counseling:plan", args=[plan.public_id]))
