"""Forms of the governance pages. Model validation runs in the services, whose errors come back by
field; the forms only parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from tenants.common.choices import Department
from tenants.common.roles import STAFF
from tenants.governance.models import GroupAttendee, GroupMember, InfoReport, Plan, RuleCategory
from tenants.ledger.models import Priority


def staff_people():
    return User.objects.filter(is_active=True, roles__overlap=list(STAFF)).order_by("full_name", "username")


def active_people():
    return User.objects.filter(is_active=True).order_by("full_name", "username")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceValidatedForm(forms.ModelForm):
    def _post_clean(self):
        # The service validates the model; its errors are added to this form by field.
        pass


class MemberForm(ServiceValidatedForm):
    person = PersonChoice(queryset=User.objects.none(), label=_("Person"))

    class Meta:
        model = GroupMember
        fields = ["person", "role", "department", "duties", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_people()


class MemberEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day on the group"), widget=DateInput())


class AttendeeForm(ServiceValidatedForm):
    person = PersonChoice(
        queryset=User.objects.none(),
        label=_("School account"),
        required=False,
        help_text=_("Only if this person has an account at the school."),
    )

    class Meta:
        model = GroupAttendee
        fields = ["kind", "name", "person", "affiliation", "starts_on", "ends_on", "note"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = active_people()


class PlanForm(ServiceValidatedForm):
    class Meta:
        model = Plan
        fields = ["title", "kind", "school_year", "term", "starts_on", "ends_on", "goals"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 6}),
        }


class PlanCloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("What was achieved, what was not, and what carries over."),
    )


class KeyTaskForm(forms.Form):
    title = forms.CharField(label=_("Key task"), max_length=200)
    owner = PersonChoice(queryset=User.objects.none(), label=_("Responsible person"))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    department = forms.ChoiceField(
        label=_("Department"), choices=[("", "—"), *Department.choices], required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_people()


class RuleDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=RuleCategory.choices)
    effective_on = forms.DateField(label=_("Effective from"), widget=DateInput())
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    file = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Word or similar; optional if the text is given."),
    )
    change_note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RuleDocumentEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=RuleCategory.choices)


class RuleVersionForm(forms.Form):
    effective_on = forms.DateField(label=_("Effective from"), widget=DateInput())
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    file = forms.FileField(label=_("Attachment"), required=False)
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class ReportForm(ServiceValidatedForm):
    class Meta:
        model = InfoReport
        fields = ["kind", "title", "school_year", "term", "period_start", "period_end", "due_on", "content"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "due_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 10}),
        }


class ReportScheduleForm(forms.Form):
    school_year = forms.RegexField(
        label=_("School year"),
        regex=r"^\d{4}-\d{4}$",
        max_length=9,
        help_text=_("For example 2026-2027"),
        error_messages={"invalid": _("Write the school year as two consecutive years, e.g. 2026-2027.")},
    )
    first_term_start = forms.DateField(label=_("First term starts"), widget=DateInput())
    first_term_end = forms.DateField(label=_("First term ends"), widget=DateInput())
    second_term_start = forms.DateField(label=_("Second term starts"), widget=DateInput())
    second_term_end = forms.DateField(label=_("Second term ends"), widget=DateInput())
