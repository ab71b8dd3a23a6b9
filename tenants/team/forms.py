"""Forms of the team pages. They only collect input; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StaffForm(forms.ModelForm):
    account = _PersonChoice(
        label=_("school account"),
        queryset=User.objects.filter(is_active=True).order_by("full_name", "username"),
        to_field_name="public_id",
        required=False,
        help_text=_("Optional: link the record to the person's account on this site."),
    )

    class Meta:
        model = StaffMember
        fields = [
            "name",
            "account",
            "position",
            "psychology_post",
            "qualification",
            "certificate_number",
            "is_active",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class TrainingPlanForm(forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["title", "school_year", "audience", "planned_hours", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"school_year": _("1 September to 31 August, written 2026-2027.")}


class TrainingRecordForm(forms.ModelForm):
    staff = forms.ModelChoiceField(
        label=_("staff member"), queryset=StaffMember.objects.all(), to_field_name="public_id"
    )
    plan = forms.ModelChoiceField(
        label=_("training plan"),
        queryset=TrainingPlan.objects.all(),
        to_field_name="public_id",
        required=False,
    )
    attachment = forms.FileField(
        label=_("certificate file"),
        required=False,
        help_text=_("Optional: a scan of the certificate or the sign-in sheet."),
    )

    class Meta:
        model = TrainingRecord
        fields = ["staff", "plan", "title", "trained_on", "hours", "provider", "certificate"]
        widgets = {"trained_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the training plan's title.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and cleaned.get("plan") is not None:
            cleaned["title"] = cleaned["plan"].title
            self.instance.title = cleaned["title"]
        return cleaned
