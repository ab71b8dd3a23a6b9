"""Pages of the team area (队伍建设): staff roster, training plans, training records and hours. The
resources, their filters and the area's tabs are declared in tenants/team/resources.py."""

from django.contrib.auth.decorators import login_required
from django.db.models import Value
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.calendar import school_year_bounds, school_year_of
from shared.pages import Action, Column, Filter, FormPage, TablePage
from tenants.team import selectors, services
from tenants.team.forms import StaffForm, TrainingPlanForm, TrainingRecordForm
from tenants.team.resources import area, staff_members, training_plans, training_records, year_choices


@login_required
def index(request):
    if not staff_members.policy.can_read(request.user):
        raise Http404
    today = timezone.localdate()
    summary = selectors.team_summary(today=today)
    return render(
        request,
        "team/index.html",
        {
            "area_tabs": area.tabs_for(request.user, "index"),
            "summary": summary,
            "top": list(
                selectors.training_hours_by_person(year=summary["school_year"]).filter(hours__gt=0)[:10]
            ),
            "plans": selectors.training_plan_list().filter(school_year=summary["school_year"])[:10],
            "can_manage": staff_members.policy.can_create(request.user),
        },
    )


# Staff ------------------------------------------------------------------------------------------


class StaffTable(TablePage):
    title = gettext_lazy("Staff roster (心理健康教育队伍)")
    resource = staff_members
    area = area
    tab = "staff"
    export_name = "staff"
    empty_text = gettext_lazy("No staff records yet.")
    columns = [
        Column(gettext_lazy("name"), "name", link=lambda s: reverse("team:staff_edit", args=[s.public_id])),
        Column(gettext_lazy("position"), "get_position_display"),
        Column(gettext_lazy("psychology teacher post"), "get_psychology_post_display"),
        Column(gettext_lazy("qualification"), "qualification"),
        Column(gettext_lazy("certificate number"), "certificate_number"),
        Column(gettext_lazy("school account"), lambda s: s.account.display_name if s.account else ""),
        Column(gettext_lazy("on staff"), lambda s: _("Yes") if s.is_active else _("No")),
    ]

    def get_actions(self, request):
        if staff_members.policy.can_create(request.user):
            return [Action(_("New staff record"), reverse("team:staff_new"))]
        return []


class StaffFormPage(FormPage):
    title = gettext_lazy("New staff record")
    edit_title = gettext_lazy("Edit staff record")
    form_class = StaffForm
    resource = staff_members
    area = area
    tab = "staff"
    success_message = gettext_lazy("The staff record is saved.")

    def success_url(self, request, saved):
        return reverse("team:staff")


# Training plans ---------------------------------------------------------------------------------


class TrainingPlanTable(TablePage):
    title = gettext_lazy("Training plans (培训计划)")
    resource = training_plans
    area = area
    tab = "plans"
    export_name = "training-plans"
    empty_text = gettext_lazy("No training plans yet.")
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

    def get_actions(self, request):
        if training_plans.policy.can_create(request.user):
            return [Action(_("New training plan"), reverse("team:plan_new"))]
        return []


class TrainingPlanFormPage(FormPage):
    title = gettext_lazy("New training plan")
    edit_title = gettext_lazy("Edit training plan")
    form_class = TrainingPlanForm
    resource = training_plans
    area = area
    tab = "plans"
    success_message = gettext_lazy("The training plan is saved.")

    def initial(self, request):
        return {"school_year": school_year_of(timezone.localdate())}

    def success_url(self, request, saved):
        return reverse("team:plans")


# Training records -------------------------------------------------------------------------------


class TrainingRecordTable(TablePage):
    title = gettext_lazy("Training records (培训记录)")
    resource = training_records
    area = area
    tab = "records"
    export_name = "training-records"
    empty_text = gettext_lazy("No training records yet.")
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

    def get_actions(self, request):
        actions = [Action(_("Hours per person"), reverse("team:hours"), primary=False)]
        if training_records.policy.can_create(request.user):
            actions.insert(0, Action(_("New training record"), reverse("team:record_new")))
        return actions


class TrainingRecordFormPage(FormPage):
    """Not plain in one way: the form takes an optional attachment (a certificate or sign-in sheet)
    that is stored with the record."""

    title = gettext_lazy("New training record")
    edit_title = gettext_lazy("Edit training record")
    form_class = TrainingRecordForm
    resource = training_records
    area = area
    tab = "records"
    success_message = gettext_lazy("The training record is saved.")

    def initial(self, request):
        initial = {"trained_on": timezone.localdate()}
        for name in ("staff", "plan"):
            value = request.GET.get(name)
            if value:
                initial[name] = value
        return initial

    def save(self, request, form, obj):
        data = {name: form.cleaned_data[name] for name in services.RECORD_FIELDS}
        upload = form.cleaned_data.get("attachment")
        if upload:
            from tenants.workspace.services import validate_upload

            validate_upload(upload, field="attachment")
        files = [upload] if upload else ()
        if obj is None:
            record = training_records.create(actor=request.user, files=files, **data)
        else:
            record = training_records.update(obj, actor=request.user, data=data, files=files)
        return training_records.reload(record)

    def success_url(self, request, saved):
        return reverse("team:records")


# Hours per person -------------------------------------------------------------------------------


class TrainingHoursTable(TablePage):
    """Training hours per person in one school year (1 Sept – 31 Aug), with an XLSX export."""

    template_name = "team/hours_table.html"
    title = gettext_lazy("Training hours per person (培训学时)")
    intro = gettext_lazy(
        "School year from 1 September to 31 August; the current school year unless another is chosen."
    )
    # Not a plain resource: rows are staff members with their hours in one year; who may read them
    # is the training records' policy.
    policy = training_records.policy
    area = area
    tab = "hours"
    export_name = "training-hours"
    empty_text = gettext_lazy("No staff records yet.")
    filters = [Filter("year", gettext_lazy("school year"), choices=year_choices, apply=lambda qs, v: qs)]
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
        year = self.year(request)
        return self.policy.visible(
            request.user, selectors.training_hours_by_person(year=year).annotate(school_year=Value(year))
        )

    def extra_context(self, request):
        year = self.year(request)
        return {"year": year, "year_total": selectors.training_hours_total(school_year=year)}

    def get_actions(self, request):
        return [Action(_("Training records"), reverse("team:records"), primary=False)]
