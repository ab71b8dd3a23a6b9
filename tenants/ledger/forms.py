from django import forms
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from tenants.governance.models import Plan
from tenants.ledger.models import Meeting, Task


def people():
    return (
        User.objects.filter(is_active=True)
        .exclude(roles=["invited_attendee"])
        .order_by("full_name", "username")
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TaskForm(forms.ModelForm):
    owner = PersonChoice(queryset=User.objects.none(), label=_("Responsible person"))
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), required=False, label=_("Work plan"))

    class Meta:
        model = Task
        fields = ["title", "owner", "due_on", "priority", "status", "department", "plan", "description"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()

    def _post_clean(self):
        # Model validation runs in the service, so its errors come back by field there.
        pass


class OwnTaskForm(forms.ModelForm):
    """What the responsible person may change on their own task."""

    class Meta:
        model = Task
        fields = ["status", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence (files)"), required=False)


class MeetingForm(forms.ModelForm):
    chair = PersonChoice(queryset=User.objects.none(), label=_("Chair"))
    invitees = PeopleChoice(
        queryset=User.objects.none(), label=_("Invitees"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "chair", "agenda"]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = User.objects.filter(is_active=True).order_by("full_name", "username")
        self.fields["chair"].queryset = people()
        self.fields["invitees"].queryset = everyone
        if self.instance.pk:
            self.fields["invitees"].initial = list(
                self.instance.invitations.values_list("person_id", flat=True)
            )

    def _post_clean(self):
        pass


class RecordForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))
    attended = PeopleChoice(
        queryset=User.objects.none(), required=False, label=_("Attended"), widget=forms.CheckboxSelectMultiple
    )
    decisions = forms.CharField(
        label=_("Decisions (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["attended"].queryset = User.objects.filter(
                pk__in=meeting.invitations.values("person_id")
            )


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action item"), max_length=300)
    owner = PersonChoice(queryset=User.objects.none(), label=_("Responsible person"))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()
