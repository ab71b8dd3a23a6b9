from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import ServiceEntry


class EntryForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = ServiceEntry
        fields = [
            "kind",
            "name",
            "services",
            "age_min",
            "age_max",
            "phone",
            "address",
            "contact_person",
            "hours",
            "website",
            "notes",
            "active",
        ]
        widgets = {
            "services": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "age_max": _("99 means no upper limit."),
            "contact_person": _("The institution's contact, as it publishes it."),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age cannot be below the lower one."))
        return data

    def _post_clean(self):
        # Model validation runs in the service, so its errors come back by field there.
        pass
