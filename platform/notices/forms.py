"""Forms of the notices pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from district.models import School, SchoolStatus, SchoolType
from notices.models import Audience, NoticeKind, RobotKind
from shared.accounts.models import User
from tenants.ledger.forms import DateInput, MultipleFileField, PersonChoice, people


class SchoolChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    asks_action = forms.BooleanField(
        label=_("Asks for action"),
        required=False,
        help_text=_("Schools can make a ledger task of it in one step."),
    )
    audience = forms.ChoiceField(
        label=_("Send to"), choices=Audience.choices, initial=Audience.ALL, widget=forms.RadioSelect
    )
    school_types = forms.MultipleChoiceField(
        label=_("School types"),
        choices=SchoolType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("When sending to schools of the chosen types."),
    )
    schools = SchoolChoice(
        label=_("Schools"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("When sending to chosen schools."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.filter(status=SchoolStatus.ACTIVE).order_by("code")


class TaskForm(forms.Form):
    """Pick the responsible person and the due date (the notice's deadline by default)."""

    owner = PersonChoice(queryset=User.objects.none(), label=_("Responsible person"))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class RobotForm(forms.Form):
    kind = forms.ChoiceField(label=_("Robot"), choices=RobotKind.choices)
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Copied from the group robot's settings. Leave empty to keep the stored one."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("DingTalk's 加签 secret (SEC…). Stored encrypted; leave empty to keep the stored one."),
    )
    enabled = forms.BooleanField(label=_("Send messages"), required=False, initial=True)
