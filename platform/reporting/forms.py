from django import forms
from django.utils.translation import gettext_lazy as _

from figures.models import DataElement, Period
from reporting.models import ExportFormat, ReportForm


class ReportFormForm(forms.ModelForm):
    elements = forms.ModelMultipleChoiceField(
        label=_("Data elements"),
        queryset=DataElement.objects.order_by("position", "code"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReportForm
        fields = ["code", "name", "period_kind", "deadline_days", "active", "elements"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ManualValueForm(forms.Form):
    element = forms.CharField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=16, decimal_places=4)
    comment = forms.CharField(
        label=_("Comment for the district"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class ExportForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Report form"), queryset=ReportForm.objects.order_by("code"), to_field_name="code"
    )
    period = forms.ModelChoiceField(
        label=_("Period"), queryset=Period.objects.order_by("-start"), to_field_name="code"
    )
    fmt = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)
    schools = forms.CharField(
        label=_("Schools"),
        required=False,
        help_text=_("School codes separated by spaces or commas; leave empty for all schools."),
    )

    def clean_schools(self):
        import re

        from district.models import School

        codes = sorted({c for c in re.split(r"[\s,，、]+", self.cleaned_data.get("schools") or "") if c})
        known = set(School.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("Unknown school codes: %(codes)s") % {"codes": ", ".join(unknown)})
        return codes

    def clean(self):
        data = super().clean()
        form, period = data.get("form"), data.get("period")
        if form and period and form.period_kind != period.kind:
            self.add_error(
                "period", _("This form is reported per %(kind)s.") % {"kind": form.get_period_kind_display()}
            )
        return data
