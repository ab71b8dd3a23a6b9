"""Pages of the programs area: an overview, and a table and forms for each kind of record."""

import calendar

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shared.pages import Action, Column, Filter, FormPage, TablePage
from tenants.programs import selectors, services
from tenants.programs.forms import (
    ActivityForm,
    ClassSessionForm,
    CurriculumUnitForm,
    IntegrationLessonForm,
    ParentEventForm,
    PublicityCampaignForm,
)
from tenants.programs.models import (
    GRADE_CHOICES,
    ActivityKind,
    Channel,
    ParentEventKind,
    Subject,
)
from tenants.programs.policies import activity_policy, managed_policy

TABS = [
    ("programs:index", gettext_lazy("Overview")),
    ("programs:units", gettext_lazy("Curriculum (课程体系)")),
    ("programs:sessions", gettext_lazy("Class sessions")),
    ("programs:activities", gettext_lazy("Activities (活动)")),
    ("programs:lessons", gettext_lazy("Subject integration (学科融合)")),
    ("programs:campaigns", gettext_lazy("Publicity (宣传)")),
    ("programs:parents", gettext_lazy("Parent lectures and training")),
]


def _tabs(current: str):
    return [(reverse(name), label, name == current) for name, label in TABS]


def _year_choices(request):
    years = set(selectors.curriculum_school_years())
    years.add(selectors.school_year_of(timezone.localdate()))
    return [(y, y) for y in sorted(years, reverse=True)]


def _in_school_year(field: str):
    def apply(queryset, value):
        try:
            first, last = selectors.school_year_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{field}__gte": first, f"{field}__lte": last})

    return apply


def _date_year_choices(request):
    today = timezone.localdate()
    current = int(selectors.school_year_of(today)[:4])
    return [(f"{y}-{y + 1}", f"{y}-{y + 1}") for y in range(current + 1, current - 4, -1)]


class AreaTable(TablePage):
    """A table of the programs area, with the area's tabs, a "new" action for those who may
    create, and a link to the edit page for those who may change a row."""

    tab = ""
    policy = managed_policy
    new_url_name = ""
    new_label = gettext_lazy("New")
    edit_url_name = ""
    template_name = "programs/table.html"
    base_queryset = None

    def get_queryset(self, request):
        return self.policy.visible(request.user, self.base_queryset())

    def day(self, attr: str):
        """A date as 2026-10-08 on the page, and as a real date in the XLSX export."""

        def value(obj):
            day = getattr(obj, attr)
            if self.request.GET.get("export") == "xlsx" or day is None:
                return day
            return day.strftime("%Y-%m-%d")

        return value

    def edit_link(self, obj):
        if self.edit_url_name and self.policy.can_change(self.request.user, obj):
            return reverse(self.edit_url_name, args=[obj.public_id])
        return None

    def get_actions(self, request):
        if self.new_url_name and self.policy.can_create(request.user):
            return [Action(self.new_label, reverse(self.new_url_name))]
        return []

    def extra_context(self, request):
        return {"tabs": _tabs(self.tab)}


class AreaForm(FormPage):
    """A create/edit form of the programs area. People who may not read the area get 404."""

    policy = managed_policy
    list_url_name = ""
    selector = None
    template_name = "programs/form.html"

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        return get_object_or_404(self.policy.visible(request.user, self.selector()), public_id=kwargs["id"])

    def success_url(self, request, saved):
        return reverse(self.list_url_name)

    def render(self, request, form, obj, status=200):
        return render(
            request,
            self.template_name,
            {
                "title": self.title if obj is None else self.edit_title,
                "form": form,
                "object": obj,
                "back": reverse(self.list_url_name),
            },
            status=status,
        )


# Overview


@login_required
def index(request):
    if not managed_policy.can_read(request.user):
        raise Http404
    today = timezone.localdate()
    overview = selectors.programs_overview(today=today)
    kinds = [(label, overview["kind_counts"][value]) for value, label in ActivityKind.choices]
    return render(
        request,
        "programs/index.html",
        {
            "tabs": _tabs("programs:index"),
            "o": overview,
            "kinds": kinds,
            "kind_chart": {
                "labels": [str(label) for label, _n in kinds],
                "values": [n for _label, n in kinds],
            },
            "month_label": f"{today.year}-{today.month:02d}",
            "can_record_activity": activity_policy.can_create(request.user),
            "can_manage": managed_policy.can_create(request.user),
        },
    )


# Curriculum units


class UnitTable(AreaTable):
    title = gettext_lazy("Curriculum by grade (课程体系)")
    intro = gettext_lazy(
        "The mental-health course units of each grade, and how many sessions were delivered."
    )
    tab = "programs:units"
    export_name = "课程体系"
    empty_text = gettext_lazy("No curriculum units yet. Plan each grade's units for the school year.")
    new_url_name = "programs:unit_new"
    new_label = gettext_lazy("New unit")
    edit_url_name = "programs:unit_edit"
    filters = [
        Filter("school_year", gettext_lazy("School year"), choices=_year_choices),
        Filter("grade", gettext_lazy("Grade"), choices=[(str(v), label) for v, label in GRADE_CHOICES]),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ]

    def base_queryset(self):
        return selectors.curriculum_units()

    @property
    def columns(self):
        return [
            Column(gettext_lazy("School year"), "school_year"),
            Column(gettext_lazy("Grade"), "get_grade_display"),
            Column(gettext_lazy("Unit"), "title", link=self.edit_link),
            Column(gettext_lazy("Objectives"), "objectives"),
            Column(gettext_lazy("Planned sessions per class"), "planned_sessions", numeric=True),
            Column(
                gettext_lazy("Sessions delivered"),
                "delivered",
                numeric=True,
                link=lambda unit: (
                    f"{reverse('programs:sessions')}?unit={unit.public_id}" if unit.delivered else None
                ),
            ),
            Column(gettext_lazy("Classes reached"), "classes_reached", numeric=True),
        ]


class UnitForm(AreaForm):
    title = gettext_lazy("New curriculum unit")
    edit_title = gettext_lazy("Edit curriculum unit")
    form_class = CurriculumUnitForm
    list_url_name = "programs:units"
    success_message = gettext_lazy("Saved.")

    def selector(self):
        return selectors.curriculum_units()

    def initial(self, request):
        return {"school_year": selectors.school_year_of(timezone.localdate()), "planned_sessions": 4}

    def save(self, request, form, obj):
        if obj is None:
            return services.curriculum_unit_create(actor=request.user, **form.cleaned_data)
        return services.curriculum_unit_update(obj, actor=request.user, data=dict(form.cleaned_data))


# Class sessions


def _unit_choices(request):
    return [
        (str(unit.public_id), str(unit))
        for unit in selectors.curriculum_units().order_by("-school_year", "grade", "title")
    ]


class SessionTable(AreaTable):
    title = gettext_lazy("Class sessions delivered")
    intro = gettext_lazy("Lessons of the curriculum as they were taught, class by class.")
    tab = "programs:sessions"
    export_name = "心理课堂记录"
    empty_text = gettext_lazy("No class sessions recorded yet. Record each lesson after it is taught.")
    new_url_name = "programs:session_new"
    new_label = gettext_lazy("Record a session")
    edit_url_name = "programs:session_edit"
    filters = [
        Filter("school_year", gettext_lazy("School year"), choices=_year_choices, lookup="unit__school_year"),
        Filter(
            "grade",
            gettext_lazy("Grade"),
            choices=[(str(v), label) for v, label in GRADE_CHOICES],
            lookup="unit__grade",
        ),
        Filter("class_name", gettext_lazy("Class"), lookup="class_name__icontains"),
        Filter("unit", gettext_lazy("Curriculum unit"), choices=_unit_choices, lookup="unit__public_id"),
    ]

    def base_queryset(self):
        return selectors.class_sessions()

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Date"), self.day("held_on")),
            Column(gettext_lazy("Class"), "class_name"),
            Column(gettext_lazy("Unit"), "unit.title"),
            Column(gettext_lazy("Topic"), "topic", link=self.edit_link),
            Column(gettext_lazy("Teacher"), "teacher.display_name"),
            Column(gettext_lazy("Notes"), "notes"),
        ]


class SessionForm(AreaForm):
    title = gettext_lazy("Record a class session")
    edit_title = gettext_lazy("Edit class session")
    form_class = ClassSessionForm
    list_url_name = "programs:sessions"
    success_message = gettext_lazy("Saved.")

    def selector(self):
        return selectors.class_sessions()

    def initial(self, request):
        return {"held_on": timezone.localdate(), "teacher": request.user.pk}

    def save(self, request, form, obj):
        if obj is None:
            return services.class_session_create(actor=request.user, **form.cleaned_data)
        return services.class_session_update(obj, actor=request.user, data=dict(form.cleaned_data))


# Activities


def _month_filter(queryset, value):
    try:
        year, month = (int(part) for part in value.split("-"))
        first = f"{year:04d}-{month:02d}-01"
        last = f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    except (ValueError, calendar.IllegalMonthError):
        return queryset.none()
    return queryset.filter(held_on__gte=first, held_on__lte=last)


class ActivityTable(AreaTable):
    title = gettext_lazy("Activities (活动)")
    intro = gettext_lazy(
        "Lectures, themed class meetings, psychodrama, group counseling and stress-management workshops, with "
        "who took part. Homeroom teachers record their own class meetings."
    )
    tab = "programs:activities"
    policy = activity_policy
    export_name = "心理健康活动"
    empty_text = gettext_lazy(
        "No activities recorded yet. Record lectures, class meetings and workshops as they happen."
    )
    new_url_name = "programs:activity_new"
    new_label = gettext_lazy("Record an activity")
    edit_url_name = "programs:activity_edit"
    filters = [
        Filter("kind", gettext_lazy("Kind"), choices=list(ActivityKind.choices)),
        Filter(
            "school_year",
            gettext_lazy("School year"),
            choices=_date_year_choices,
            apply=_in_school_year("held_on"),
        ),
        Filter("month", gettext_lazy("Month (YYYY-MM)"), apply=_month_filter),
        Filter(
            "grade",
            gettext_lazy("Grade"),
            choices=[(str(v), label) for v, label in GRADE_CHOICES],
            apply=lambda qs, v: qs.filter(audience_grades__contains=[int(v)]) if v.isdigit() else qs.none(),
        ),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ]

    def base_queryset(self):
        return selectors.activities()

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Date"), self.day("held_on")),
            Column(gettext_lazy("Kind"), "get_kind_display"),
            Column(
                gettext_lazy("Title"),
                "title",
                link=lambda a: reverse("programs:activity", args=[a.public_id]),
            ),
            Column(gettext_lazy("Organiser"), "organiser.display_name"),
            Column(gettext_lazy("Audience"), "audience_display"),
            Column(gettext_lazy("Participants"), "participant_count", numeric=True),
        ]


class ActivityFormPage(AreaForm):
    title = gettext_lazy("Record an activity")
    edit_title = gettext_lazy("Edit activity")
    form_class = ActivityForm
    policy = activity_policy
    list_url_name = "programs:activities"
    success_message = gettext_lazy("Saved.")

    def selector(self):
        return selectors.activities()

    def form_kwargs(self, request, obj):
        kwargs = super().form_kwargs(request, obj)
        kwargs.update(user=request.user, manages_all=activity_policy.manages_all(request.user))
        return kwargs

    def initial(self, request):
        initial = {"held_on": timezone.localdate()}
        if not activity_policy.manages_all(request.user):
            initial["kind"] = ActivityKind.CLASS_MEETING
        return initial

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        upload = data.pop("attachment", None)
        files = [upload] if upload else []
        if obj is None:
            return services.activity_create(actor=request.user, files=files, **data)
        return services.activity_update(obj, actor=request.user, data=data, files=files)

    def success_url(self, request, saved):
        return reverse("programs:activity", args=[saved.public_id])


@login_required
def activity_detail(request, id):
    activity = get_object_or_404(activity_policy.visible(request.user, selectors.activities()), public_id=id)
    return render(
        request,
        "programs/activity_detail.html",
        {
            "tabs": _tabs("programs:activities"),
            "activity": activity,
            "attachments": selectors.attachments_of(activity),
            "can_change": activity_policy.can_change(request.user, activity),
        },
    )


@login_required
def activity_attachment(request, id, attachment_id):
    activity = get_object_or_404(activity_policy.visible(request.user, selectors.activities()), public_id=id)
    attachment = get_object_or_404(selectors.attachments_of(activity), public_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


# Subject-integration lessons


class LessonTable(AreaTable):
    title = gettext_lazy("Subject integration (学科融合)")
    intro = gettext_lazy(
        "Lessons in other subjects that bring in a mental-health theme, with the teacher's reflection."
    )
    tab = "programs:lessons"
    export_name = "学科融合"
    empty_text = gettext_lazy("No subject-integration lessons recorded yet.")
    new_url_name = "programs:lesson_new"
    new_label = gettext_lazy("Record a lesson")
    edit_url_name = "programs:lesson_edit"
    filters = [
        Filter("subject", gettext_lazy("Subject"), choices=list(Subject.choices)),
        Filter(
            "school_year",
            gettext_lazy("School year"),
            choices=_date_year_choices,
            apply=_in_school_year("held_on"),
        ),
        Filter("class_name", gettext_lazy("Class"), lookup="class_name__icontains"),
    ]

    def base_queryset(self):
        return selectors.integration_lessons()

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Date"), self.day("held_on")),
            Column(gettext_lazy("Subject"), "get_subject_display"),
            Column(gettext_lazy("Class"), "class_name"),
            Column(gettext_lazy("Topic"), "topic", link=self.edit_link),
            Column(gettext_lazy("Teacher"), "teacher.display_name"),
            Column(gettext_lazy("Reflection"), "reflection"),
        ]


class LessonForm(AreaForm):
    title = gettext_lazy("Record a subject-integration lesson")
    edit_title = gettext_lazy("Edit subject-integration lesson")
    form_class = IntegrationLessonForm
    list_url_name = "programs:lessons"
    success_message = gettext_lazy("Saved.")

    def selector(self):
        return selectors.integration_lessons()

    def initial(self, request):
        return {"held_on": timezone.localdate()}

    def save(self, request, form, obj):
        if obj is None:
            return services.integration_lesson_create(actor=request.user, **form.cleaned_data)
        return services.integration_lesson_update(obj, actor=request.user, data=dict(form.cleaned_data))


# Publicity


class CampaignTable(AreaTable):
    title = gettext_lazy("Publicity (宣传)")
    intro = gettext_lazy("Mental-health publicity on campus radio, bulletin boards and online platforms.")
    tab = "programs:campaigns"
    export_name = "心理健康宣传"
    empty_text = gettext_lazy("No publicity recorded yet.")
    new_url_name = "programs:campaign_new"
    new_label = gettext_lazy("New campaign")
    edit_url_name = "programs:campaign_edit"
    filters = [
        Filter("channel", gettext_lazy("Channel"), choices=list(Channel.choices)),
        Filter(
            "school_year",
            gettext_lazy("School year"),
            choices=_date_year_choices,
            apply=_in_school_year("starts_on"),
        ),
    ]

    def base_queryset(self):
        return selectors.publicity_campaigns()

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Channel"), "get_channel_display"),
            Column(gettext_lazy("Title"), "title", link=self.edit_link),
            Column(gettext_lazy("Starts on"), self.day("starts_on")),
            Column(gettext_lazy("Ends on"), self.day("ends_on")),
            Column(gettext_lazy("Audience"), "audience"),
            Column(gettext_lazy("Reach"), "reach", numeric=True),
        ]


class CampaignForm(AreaForm):
    title = gettext_lazy("New publicity campaign")
    edit_title = gettext_lazy("Edit publicity campaign")
    form_class = PublicityCampaignForm
    list_url_name = "programs:campaigns"
    success_message = gettext_lazy("Saved.")

    def selector(self):
        return selectors.publicity_campaigns()

    def initial(self, request):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today}

    def save(self, request, form, obj):
        if obj is None:
            return services.publicity_campaign_create(actor=request.user, **form.cleaned_data)
        return services.publicity_campaign_update(obj, actor=request.user, data=dict(form.cleaned_data))


# Parent lectures and training


def _attendance(event):
    if not event.invited_count:
        return ""
    return f"{round(event.attendance_count * 100 / event.invited_count)}%"


class ParentEventTable(AreaTable):
    title = gettext_lazy("Parent lectures and training (家校合作)")
    intro = gettext_lazy(
        "Parent lectures (家庭讲座) and parent training (家长培训): who spoke, who was invited, who came."
    )
    tab = "programs:parents"
    export_name = "家庭讲座与家长培训"
    empty_text = gettext_lazy("No parent lectures or training recorded yet.")
    new_url_name = "programs:parent_new"
    new_label = gettext_lazy("Record a lecture or training")
    edit_url_name = "programs:parent_edit"
    filters = [
        Filter("kind", gettext_lazy("Kind"), choices=list(ParentEventKind.choices)),
        Filter(
            "school_year",
            gettext_lazy("School year"),
            choices=_date_year_choices,
            apply=_in_school_year("held_on"),
        ),
    ]

    def base_queryset(self):
        return selectors.parent_events()

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Date"), self.day("held_on")),
            Column(gettext_lazy("Kind"), "get_kind_display"),
            Column(gettext_lazy("Title"), "title", link=self.edit_link),
            Column(gettext_lazy("Speaker"), "speaker"),
            Column(gettext_lazy("Invited"), "invited_count", numeric=True),
            Column(gettext_lazy("Attended"), "attendance_count", numeric=True),
            Column(gettext_lazy("Attendance rate"), _attendance, numeric=True),
        ]


class ParentEventFormPage(AreaForm):
    title = gettext_lazy("Record a parent lecture or training")
    edit_title = gettext_lazy("Edit parent lecture or training")
    form_class = ParentEventForm
    list_url_name = "programs:parents"
    success_message = gettext_lazy("Saved.")

    def selector(self):
        return selectors.parent_events()

    def initial(self, request):
        return {"held_on": timezone.localdate()}

    def save(self, request, form, obj):
        if obj is None:
            return services.parent_event_create(actor=request.user, **form.cleaned_data)
        return services.parent_event_update(obj, actor=request.user, data=dict(form.cleaned_data))
