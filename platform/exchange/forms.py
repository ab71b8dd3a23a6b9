"""Exchange forms. They only parse input; services validate and check for personal data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.models import EventKind, PostKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Write for colleagues in other schools: no student names, student numbers, phone numbers "
            "or ID numbers. A case study is read by the district before anyone else sees it."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Post anonymously"),
        required=False,
        help_text=_(
            "Other schools see “Anonymous” instead of your school and role; the district still sees who wrote it."
        ),
    )


class CaseStudyEditForm(PostForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(label=_("Reply anonymously"), required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why report it?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    reply = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}))


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    remind = forms.BooleanField(label=_("Send a reminder the day before"), required=False, initial=True)


class SignUpForm(forms.Form):
    username = forms.ChoiceField(label=_("Staff member"))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].choices = [("", "—")] + list(choices)
