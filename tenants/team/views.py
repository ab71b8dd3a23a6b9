"""Pages of the team area (队伍建设): staff roster, training plans, training records and hours."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.pages import Action, Column, Filter, FormPage, TablePage
from tenants.team import selectors, services
from tenants.team.forms import StaffForm, TrainingPlanForm, TrainingRecordForm
from tenants.team.models import Audience, Position, PsychologyPost, school_year_bounds, school_year_of
from tenants.team.policies import staff_policy, training_plan_policy, training_record_policy


class AreaFormPage(FormPage):
    """A form page that people who may not read the area do not know exists (404)."""

    def visible(self, request, selector, public_id):
        if not self.policy.can_read(request.user):
            raise Http404
        return get_object_or_404(self.policy.visible(request.user, selector), public_id=public_id)

    @property
    def title(self):
        return self.edit_title if getattr(self, "kwargs", {}).get("id") else self.create_title


def _year_choices(request):
    return [(y, y) for y in selectors.school_years_with_training(today=timezone.localdate())]


def _in_school_year(field):
    def apply(queryset, value):
        try:
            start, end = school_year_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lte": end})

    return apply


@login_required
def index(request):
    if not staff_policy.can_read(request.user):
        raise Http404
    today = timezone.localdate()
    summary = selectors.team_summary(today=today)
    return render(
        request,
        "team/index.html",
        {
            "summary": summary,
            "top": list(
                selectors.training_hours_by_person(year=summary["school_year"]).filter(hours__gt=0)[:10]
            ),
            "plans": selectors.training_plan_list().filter(school_year=summary["school_year"])[:10],
            "can_manage": staff_policy.can_create(request.user),
        },
    )


# Staff ------------------------------------------------------------------------------------------


class StaffTable(TablePage):
    template_name = "team/table.html"
    title = gettext_lazy("Staff roster (心理健康教育队伍)")
    policy = staff_policy
    export_name = "staff"
    empty_text = gettext_lazy("No staff records yet.")
    filters = [
        Filter("position", gettext_lazy("position"), choices=Position.choices),
        Filter("psychology_post", gettext_lazy("psychology teacher post"), choices=PsychologyPost.choices),
        Filter(
            "active",
            gettext_lazy("on staff"),
            choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
            apply=lambda qs, v: qs.filter(is_active=(v == "yes")),
        ),
        Filter("q", gettext_lazy("name"), lookup="name__icontains"),
    ]
    columns = [
        Column(gettext_lazy("name"), "name", link=lambda s: reverse("team:staff_edit", args=[s.public_id])),
        Column(gettext_lazy("position"), "get_position_display"),
        Column(gettext_lazy("psychology teacher post"), "get_psychology_post_display"),
        Column(gettext_lazy("qualification"), "qualification"),
        Column(gettext_lazy("certificate number"), "certificate_number"),
        Column(gettext_lazy("school account"), lambda s: s.account.display_name if s.account else ""),
        Column(gettext_lazy("on staff"), lambda s: _("Yes") if s.is_active else _("No")),
    ]

    def get_queryset(self, request):
        return staff_policy.visible(request.user, selectors.staff_list())

    def get_actions(self, request):
        if staff_policy.can_create(request.user):
            return [Action(_("New staff record"), reverse("team:staff_create"))]
        return []


class StaffFormPage(AreaFormPage):
    create_title = gettext_lazy("New staff record")
    edit_title = gettext_lazy("Edit staff record")
    form_class = StaffForm
    policy = staff_policy
    success_message = gettext_lazy("The staff record is saved.")

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        return self.visible(request, selectors.staff_list(), kwargs["id"]) if "id" in kwargs else None

    def save(self, request, form, obj):
        data = {name: form.cleaned_data[name] for name in services.STAFF_FIELDS}
        if obj is None:
            return services.staff_create(actor=request.user, **data)
        return services.staff_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("team:staff")


# Training plans ---------------------------------------------------------------------------------


class TrainingPlanTable(TablePage):
    template_name = "team/table.html"
    title = gettext_lazy("Training plans (培训计划)")
    policy = training_plan_policy
    export_name = "training-plans"
    empty_text = gettext_lazy("No training plans yet.")
    filters = [
        Filter("school_year", gettext_lazy("school year"), choices=_year_choices),
        Filter("audience", gettext_lazy("audience"), choices=Audience.choices),
    ]
    columns = [
        Column(gettext_lazy("title"), "title", link=lambda p: reverse("team:plan_edit", args=[p.public_id])),
        Column(gettext_lazy("school year"), "school_year"),
        Column(gettext_lazy("audience"), "get_audience_display"),
        Column(gettext_lazy("starts on"), "starts_on"),
        Column(gettext_lazy("ends on"), "ends_on"),
        Column(gettext_lazy("planned hours"), "planned_hours", numeric=True),
        Column(
            gettext_lazy("hours recorded (all participants)"),
            "recorded_hours",
            numeric=True,
            link=lambda p: reverse("team:records") + f"?plan={p.public_id}",
        ),
        Column(gettext_lazy("records"), "record_count", numeric=True),
    ]

    def get_queryset(self, request):
        return training_plan_policy.visible(request.user, selectors.training_plan_list())

    def get_actions(self, request):
        if training_plan_policy.can_create(request.user):
            return [Action(_("New training plan"), reverse("team:plan_create"))]
        return []


class TrainingPlanFormPage(AreaFormPage):
    create_title = gettext_lazy("New training plan")
    edit_title = gettext_lazy("Edit training plan")
    form_class = TrainingPlanForm
    policy = training_plan_policy
    success_message = gettext_lazy("The training plan is saved.")

    def initial(self, request):
        return {"school_year": school_year_of(timezone.localdate())}

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        return self.visible(request, selectors.training_plan_list(), kwargs["id"]) if "id" in kwargs else None

    def save(self, request, form, obj):
        data = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
        if obj is None:
            return services.training_plan_create(actor=request.user, **data)
        return services.training_plan_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("team:plans")


# Training records -------------------------------------------------------------------------------


def _staff_choices(request):
    return [(str(s.public_id), s.name) for s in selectors.staff_list()]


def _plan_choices(request):
    return [(str(p.public_id), f"{p.school_year} {p.title}") for p in selectors.training_plan_list()]


class TrainingRecordTable(TablePage):
    template_name = "team/table.html"
    title = gettext_lazy("Training records (培训记录)")
    policy = training_record_policy
    export_name = "training-records"
    empty_text = gettext_lazy("No training records yet.")
    filters = [
        Filter(
            "school_year",
            gettext_lazy("school year"),
            choices=_year_choices,
            apply=_in_school_year("trained_on"),
        ),
        Filter("staff", gettext_lazy("staff member"), choices=_staff_choices, lookup="staff__public_id"),
        Filter("plan", gettext_lazy("training plan"), choices=_plan_choices, lookup="plan__public_id"),
    ]
    columns = [
        Column(gettext_lazy("date"), "trained_on"),
        Column(gettext_lazy("staff member"), "staff.name"),
        Column(
            gettext_lazy("training"), "title", link=lambda r: reverse("team:record_edit", args=[r.public_id])
        ),
        Column(gettext_lazy("hours"), lambda r: float(r.hours), numeric=True),
        Column(gettext_lazy("organized by"), "provider"),
        Column(gettext_lazy("training plan"), "plan.title"),
        Column(gettext_lazy("certificate"), "certificate"),
    ]

    def get_queryset(self, request):
        return training_record_policy.visible(request.user, selectors.training_record_list())

    def get_actions(self, request):
        actions = [Action(_("Hours per person"), reverse("team:hours"), primary=False)]
        if training_record_policy.can_create(request.user):
            actions.insert(0, Action(_("New training record"), reverse("team:record_create")))
        return actions


class TrainingRecordFormPage(AreaFormPage):
    create_title = gettext_lazy("New training record")
    edit_title = gettext_lazy("Edit training record")
    form_class = TrainingRecordForm
    policy = training_record_policy
    success_message = gettext_lazy("The training record is saved.")

    def initial(self, request):
        initial = {"trained_on": timezone.localdate()}
        for name in ("staff", "plan"):
            value = request.GET.get(name)
            if value:
                initial[name] = value
        return initial

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        return (
            self.visible(request, selectors.training_record_list(), kwargs["id"]) if "id" in kwargs else None
        )

    def save(self, request, form, obj):
        data = {name: form.cleaned_data[name] for name in services.RECORD_FIELDS}
        upload = form.cleaned_data.get("attachment")
        if upload:
            from tenants.workspace.services import validate_upload

            validate_upload(upload, field="attachment")
        if obj is None:
            return services.training_record_create(
                actor=request.user, files=[upload] if upload else (), **data
            )
        record = services.training_record_update(obj, actor=request.user, data=data)
        if upload:
            from tenants.workspace.services import attachment_add

            attachment_add(actor=request.user, subject=record, upload=upload)
        return record

    def success_url(self, request, saved):
        return reverse("team:records")


# Hours per person -------------------------------------------------------------------------------


class TrainingHoursTable(TablePage):
    """Training hours per person in one school year (1 Sept – 31 Aug), with an XLSX export."""

    template_name = "team/table.html"
    title = gettext_lazy("Training hours per person (培训学时)")
    intro = gettext_lazy(
        "School year from 1 September to 31 August; the current school year unless another is chosen."
    )
    policy = training_record_policy
    export_name = "training-hours"
    empty_text = gettext_lazy("No staff records yet.")
    filters = [Filter("year", gettext_lazy("school year"), choices=_year_choices, apply=lambda qs, v: qs)]
    columns = [
        Column(
            gettext_lazy("name"),
            "name",
            link=lambda s: reverse("team:records") + f"?staff={s.public_id}&school_year={s.school_year}",
        ),
        Column(gettext_lazy("position"), "get_position_display"),
        Column(gettext_lazy("psychology teacher post"), "get_psychology_post_display"),
        Column(gettext_lazy("school year"), "school_year"),
        Column(gettext_lazy("trainings"), "trainings", numeric=True),
        Column(gettext_lazy("hours"), lambda s: float(s.hours), numeric=True),
    ]

    def year(self, request) -> str:
        value = request.GET.get("year", "").strip()
        try:
            school_year_bounds(value)
        except ValueError:
            return school_year_of(timezone.localdate())
        return value

    def get_queryset(self, request):
        from django.db.models import Value

        year = self.year(request)
        return training_record_policy.visible(
            request.user, selectors.training_hours_by_person(year=year).annotate(school_year=Value(year))
        )

    def extra_context(self, request):
        year = self.year(request)
        return {"year": year, "year_total": selectors.training_hours_total(school_year=year)}

    def get_actions(self, request):
        return [Action(_("Training records"), reverse("team:records"), primary=False)]
