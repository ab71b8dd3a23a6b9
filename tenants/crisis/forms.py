"""Forms of the crisis pages. The rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from tenants.care.access import CARE_TEAM
from tenants.crisis.models import STEP_ORDER, EmergencyPlan, IdentifiedHow, RiskLevel, Step
from tenants.students.models import Student

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def care_team_choices():
    people = [
        u
        for u in User.objects.filter(is_active=True).order_by("full_name", "username")
        if u.has_role(*CARE_TEAM)
    ]
    return User.objects.filter(pk__in=[u.pk for u in people]).order_by("full_name", "username")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StudentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.school_class}，{obj.student_number}）"


class PlanForm(forms.ModelForm):
    class Meta:
        model = EmergencyPlan
        fields = ["title", "version", "effective_on", "body"]
        widgets = {"effective_on": DATE, "body": forms.Textarea(attrs={"rows": 16})}


class CaseOpenForm(forms.Form):
    student = StudentChoice(label=_("Student"), queryset=Student.objects.none())
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    identified_how = forms.ChoiceField(label=_("Identified how"), choices=IdentifiedHow.choices)
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Encrypted; only the care team reads it."),
    )
    counselor = PersonChoice(
        label=_("Counselor in charge"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to take charge yourself."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = (
            Student.objects.filter(status="active")
            .select_related("school_class")
            .order_by("school_class__grade", "school_class__name", "student_number")
        )
        self.fields["counselor"].queryset = care_team_choices()


class StepForm(forms.Form):
    """Records the step due next; `step` is fixed by the page and posted hidden."""

    step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    done_at = forms.DateTimeField(
        label=_("Done at"),
        required=False,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Leave empty for now."),
    )
    level = forms.ChoiceField(label=_("Risk level"), required=False, choices=[("", "—"), *RiskLevel.choices])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted; only the care team reads it."),
    )
    skipped_reason = forms.CharField(
        label=_("Referral not needed, because"),
        required=False,
        max_length=200,
        help_text=_("Encrypted; only the care team reads it."),
    )
    summary = forms.CharField(
        label=_("Closing summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, step: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if step:
            self.fields["step"].initial = step
        current = (self.data.get("step") if self.is_bound else None) or step
        if current != "referral":
            del self.fields["skipped_reason"]
        if current != "closed":
            del self.fields["summary"]
        if current == "assessed":
            self.fields["level"].help_text = _("Required for the risk assessment.")


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The care team is told that you opened this case and why."),
    )


class TimeLimitForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    step = forms.ChoiceField(
        label=_("Step"), choices=[(s.value, s.label) for s in Step if s.value != STEP_ORDER[0]]
    )
    minutes = forms.IntegerField(
        label=_("Within (minutes)"), min_value=1, help_text=_("Counted from when the case was opened.")
    )


class DutyForm(forms.Form):
    user = PersonChoice(label=_("Counselor"), queryset=User.objects.none())
    on_date = forms.DateField(label=_("Date"), widget=DATE)
    days = forms.IntegerField(
        label=_("For how many days"),
        min_value=1,
        max_value=31,
        initial=1,
        help_text=_("One assignment per day from the date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = care_team_choices()
