"""Forms of the programs pages. Validation beyond the field level is the model's (full_clean) and
the services'; these forms only shape the input."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from tenants.common.roles import STAFF
from tenants.programs.models import (
    GRADE_CHOICES,
    Activity,
    ActivityKind,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    PublicityCampaign,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "queryset",
            User.objects.filter(is_active=True, roles__overlap=list(STAFF)).order_by("full_name", "username"),
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return obj.display_name


class ClassListField(forms.CharField):
    """Class names separated by commas, 、 or spaces: "七年级1班、七年级2班"."""

    def to_python(self, value):
        value = super().to_python(value)
        return [part for part in re.split(r"[,，、;；\s]+", value or "") if part]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "、".join(value)
        return value


class CurriculumUnitForm(forms.ModelForm):
    class Meta:
        model = CurriculumUnit
        fields = ["school_year", "grade", "title", "objectives", "planned_sessions"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4})}


class ClassSessionForm(forms.ModelForm):
    teacher = PersonChoiceField(label=_("Teacher"))

    class Meta:
        model = ClassSession
        fields = ["unit", "class_name", "held_on", "teacher", "topic", "notes"]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = CurriculumUnit.objects.order_by("-school_year", "grade", "title")


class ActivityForm(forms.ModelForm):
    organiser = PersonChoiceField(label=_("Organiser"))
    audience_grades = forms.TypedMultipleChoiceField(
        label=_("Audience grades"),
        choices=GRADE_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}),
    )
    audience_classes = ClassListField(
        label=_("Audience classes"),
        required=False,
        help_text=_("Separate classes with commas or 、, e.g. 七年级1班、七年级2班"),
    )
    attachment = forms.FileField(
        label=_("Add an attachment"),
        required=False,
        help_text=_("Photos, slides or the sign-in sheet (optional)."),
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "held_on",
            "organiser",
            "audience_grades",
            "audience_classes",
            "participant_count",
            "description",
        ]
        widgets = {"held_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, manages_all=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not manages_all:
            # Homeroom teachers record their own themed class meetings (主题班会).
            self.fields["kind"].choices = [
                (ActivityKind.CLASS_MEETING.value, ActivityKind.CLASS_MEETING.label)
            ]
            self.fields["kind"].initial = ActivityKind.CLASS_MEETING
            del self.fields["organiser"]
        elif user is not None and not self.instance.pk:
            self.fields["organiser"].initial = user.pk


class IntegrationLessonForm(forms.ModelForm):
    teacher = PersonChoiceField(label=_("Teacher"))

    class Meta:
        model = IntegrationLesson
        fields = ["subject", "teacher", "class_name", "held_on", "topic", "reflection"]
        widgets = {"held_on": DATE, "reflection": forms.Textarea(attrs={"rows": 4})}


class PublicityCampaignForm(forms.ModelForm):
    class Meta:
        model = PublicityCampaign
        fields = ["channel", "title", "starts_on", "ends_on", "audience", "reach", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}


class ParentEventForm(forms.ModelForm):
    class Meta:
        model = ParentEvent
        fields = ["kind", "title", "held_on", "speaker", "invited_count", "attendance_count", "notes"]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
