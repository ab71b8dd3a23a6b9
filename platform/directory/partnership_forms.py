from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import PartnershipStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnershipForm(forms.Form):
    """A partnership's form. The partner is picked when it is recorded (among the district's other
    active schools, by public id) and stays the same afterwards."""

    partner = forms.ChoiceField(label=_("Partner school"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Joint work"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the two schools do together (joint lessons, shared training, visits...). The partner "
            "school and the district read it: name no student, and no phone or ID number."
        ),
    )
    started_on = forms.DateField(label=_("Start date"), widget=DATE)
    ended_on = forms.DateField(label=_("End date"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PartnershipStatus.choices)

    def __init__(self, *args, candidates=None, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "description": instance.description,
                    "started_on": instance.started_on,
                    "ended_on": instance.ended_on,
                    "status": instance.status,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["partner"]
        else:
            self.fields["partner"].choices = [("", "—")] + [
                (str(s.public_id), s.name) for s in (candidates if candidates is not None else [])
            ]
            self.fields["status"].initial = PartnershipStatus.ACTIVE

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        if data.get("status") == PartnershipStatus.ENDED and not ended and "ended_on" not in self.errors:
            self.add_error("ended_on", _("Give the end date of a partnership that has ended."))
        return data
