"""Pages of the programs area: an overview, and a table and forms for each kind of record. The
resources, their filters and the area's tabs are declared in tenants/programs/resources.py."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shared.calendar import school_year_of
from shared.pages import Action, Column, FormPage, TablePage
from tenants.programs import selectors
from tenants.programs.forms import (
    ActivityForm,
    ClassSessionForm,
    CurriculumUnitForm,
    IntegrationLessonForm,
    ParentEventForm,
    PublicityCampaignForm,
)
from tenants.programs.models import ActivityKind
from tenants.programs.resources import (
    activities,
    area,
    class_sessions,
    curriculum_units,
    integration_lessons,
    parent_events,
    publicity_campaigns,
)


class AreaTable(TablePage):
    """A table of the programs area, with a "new" action for those who may create, and a link to the
    edit page for those who may change a row."""

    area = area
    new_url_name = ""
    new_label = gettext_lazy("New")
    edit_url_name = ""

    def day(self, attr: str):
        """A date as 2026-10-08 on the page, and as a real date in the XLSX export."""

        def value(obj):
            day = getattr(obj, attr)
            if self.exporting or day is None:
                return day
            return day.strftime("%Y-%m-%d")

        return value

    def edit_link(self, obj):
        if self.edit_url_name and self.resource.policy.can_change(self.request.user, obj):
            return reverse(self.edit_url_name, args=[obj.public_id])
        return None

    def get_actions(self, request):
        if self.new_url_name and self.resource.policy.can_create(request.user):
            return [Action(self.new_label, reverse(self.new_url_name))]
        return []


class AreaForm(FormPage):
    """A create/edit form of the programs area: back to its list once saved."""

    area = area
    list_url_name = ""
    success_message = gettext_lazy("Saved.")

    def success_url(self, request, saved):
        return reverse(self.list_url_name)


# Overview


@login_required
def index(request):
    """The landing page: numbers and charts, not a table of one resource."""
    if not curriculum_units.policy.can_read(request.user):
        raise Http404
    today = timezone.localdate()
    overview = selectors.programs_overview(today=today)
    kinds = [(label, overview["kind_counts"][value]) for value, label in ActivityKind.choices]
    return render(
        request,
        "programs/index.html",
        {
            "area_tabs": area.tabs_for(request.user, "index"),
            "o": overview,
            "kinds": kinds,
            "kind_chart": {
                "labels": [str(label) for label, _n in kinds],
                "values": [n for _label, n in kinds],
            },
            "month_label": f"{today.year}-{today.month:02d}",
            "can_record_activity": activities.policy.can_create(request.user),
            "can_manage": class_sessions.policy.can_create(request.user),
        },
    )


# Curriculum units


class UnitTable(AreaTable):
    title = gettext_lazy("Curriculum by grade (课程体系)")
    intro = gettext_lazy(
        "The mental-health course units of each grade, and how many sessions were delivered."
    )
    resource = curriculum_units
    tab = "units"
    export_name = "课程体系"
    empty_text = gettext_lazy("No curriculum units yet. Plan each grade's units for the school year.")
    new_url_name = "programs:unit_new"
    new_label = gettext_lazy("New unit")
    edit_url_name = "programs:unit_edit"

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
    resource = curriculum_units
    tab = "units"
    list_url_name = "programs:units"

    def initial(self, request):
        return {"school_year": school_year_of(timezone.localdate()), "planned_sessions": 4}


# Class sessions


class SessionTable(AreaTable):
    title = gettext_lazy("Class sessions delivered")
    intro = gettext_lazy("Lessons of the curriculum as they were taught, class by class.")
    resource = class_sessions
    tab = "sessions"
    export_name = "心理课堂记录"
    empty_text = gettext_lazy("No class sessions recorded yet. Record each lesson after it is taught.")
    new_url_name = "programs:session_new"
    new_label = gettext_lazy("Record a session")
    edit_url_name = "programs:session_edit"

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
    resource = class_sessions
    tab = "sessions"
    list_url_name = "programs:sessions"

    def initial(self, request):
        return {"held_on": timezone.localdate(), "teacher": request.user.pk}


# Activities


class ActivityTable(AreaTable):
    title = gettext_lazy("Activities (活动)")
    intro = gettext_lazy(
        "Lectures, themed class meetings, psychodrama, group counseling and stress-management workshops, with "
        "who took part. Homeroom teachers record their own class meetings."
    )
    resource = activities
    tab = "activities"
    export_name = "心理健康活动"
    empty_text = gettext_lazy(
        "No activities recorded yet. Record lectures, class meetings and workshops as they happen."
    )
    new_url_name = "programs:activity_new"
    new_label = gettext_lazy("Record an activity")
    edit_url_name = "programs:activity_edit"

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
    """Not plain in two ways: homeroom teachers get a narrower form (their own class meetings), and
    the form takes an optional attachment that the services store with the activity."""

    title = gettext_lazy("Record an activity")
    edit_title = gettext_lazy("Edit activity")
    form_class = ActivityForm
    resource = activities
    tab = "activities"
    template_name = "programs/form.html"

    def form_kwargs(self, request, obj):
        kwargs = super().form_kwargs(request, obj)
        kwargs.update(user=request.user, manages_all=activities.policy.manages_all(request.user))
        return kwargs

    def initial(self, request):
        initial = {"held_on": timezone.localdate()}
        if not activities.policy.manages_all(request.user):
            initial["kind"] = ActivityKind.CLASS_MEETING
        return initial

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        upload = data.pop("attachment", None)
        files = [upload] if upload else []
        if obj is None:
            saved = activities.create(actor=request.user, files=files, **data)
        else:
            saved = activities.update(obj, actor=request.user, data=data, files=files)
        return activities.reload(saved)

    def success_url(self, request, saved):
        return reverse("programs:activity", args=[saved.public_id])


@login_required
def activity_detail(request, id):
    """One activity with its attachments (downloaded through workspace:file, which asks this
    resource's policy)."""
    activity = activities.get_for(request.user, id)
    return render(
        request,
        "programs/activity_detail.html",
        {
            "area_tabs": area.tabs_for(request.user, "activities"),
            "activity": activity,
            "attachments": selectors.attachments_of(activity),
            "can_change": activities.policy.can_change(request.user, activity),
        },
    )


# Subject-integration lessons


class LessonTable(AreaTable):
    title = gettext_lazy("Subject integration (学科融合)")
    intro = gettext_lazy(
        "Lessons in other subjects that bring in a mental-health theme, with the teacher's reflection."
    )
    resource = integration_lessons
    tab = "lessons"
    export_name = "学科融合"
    empty_text = gettext_lazy("No subject-integration lessons recorded yet.")
    new_url_name = "programs:lesson_new"
    new_label = gettext_lazy("Record a lesson")
    edit_url_name = "programs:lesson_edit"

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
    resource = integration_lessons
    tab = "lessons"
    list_url_name = "programs:lessons"

    def initial(self, request):
        return {"held_on": timezone.localdate()}


# Publicity


class CampaignTable(AreaTable):
    title = gettext_lazy("Publicity (宣传)")
    intro = gettext_lazy("Mental-health publicity on campus radio, bulletin boards and online platforms.")
    resource = publicity_campaigns
    tab = "campaigns"
    export_name = "心理健康宣传"
    empty_text = gettext_lazy("No publicity recorded yet.")
    new_url_name = "programs:campaign_new"
    new_label = gettext_lazy("New campaign")
    edit_url_name = "programs:campaign_edit"

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
    resource = publicity_campaigns
    tab = "campaigns"
    list_url_name = "programs:campaigns"

    def initial(self, request):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today}


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
    resource = parent_events
    tab = "parents"
    export_name = "家庭讲座与家长培训"
    empty_text = gettext_lazy("No parent lectures or training recorded yet.")
    new_url_name = "programs:parent_new"
    new_label = gettext_lazy("Record a lecture or training")
    edit_url_name = "programs:parent_edit"

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
    resource = parent_events
    tab = "parents"
    list_url_name = "programs:parents"

    def initial(self, request):
        return {"held_on": timezone.localdate()}
