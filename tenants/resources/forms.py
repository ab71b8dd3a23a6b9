"""Forms of the resources pages. They only collect input; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.resources.models import CounselingRoom, Material, MaterialIssue, MaterialProcurement


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"
    # xinyu.css styles text and date inputs but not time inputs yet.
    STYLE = "padding:.45rem .55rem; border:1px solid #bcccdc; border-radius:5px; font:inherit"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("attrs", {"style": self.STYLE, "step": 300})
        super().__init__(**kwargs)


class RoomForm(forms.ModelForm):
    class Meta:
        model = CounselingRoom
        fields = ["name", "kind", "location", "area_m2", "facilities", "opening_hours", "is_active"]
        widgets = {"facilities": forms.Textarea(attrs={"rows": 3})}


class BookingForm(forms.Form):
    room = forms.ModelChoiceField(
        label=_("room"), queryset=CounselingRoom.objects.filter(is_active=True), to_field_name="public_id"
    )
    day = forms.DateField(label=_("date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("starts at"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("ends at"), widget=TimeInput())
    purpose = forms.CharField(label=_("purpose"), max_length=200)


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "category", "unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class _MaterialChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.stock}{obj.unit}）"


class ProcurementForm(forms.ModelForm):
    material = _MaterialChoice(
        label=_("material"), queryset=Material.objects.all(), to_field_name="public_id"
    )

    class Meta:
        model = MaterialProcurement
        fields = ["material", "procured_on", "quantity", "unit_price", "supplier", "notes"]
        widgets = {"procured_on": DateInput()}


class IssueForm(forms.ModelForm):
    material = _MaterialChoice(
        label=_("material"), queryset=Material.objects.all(), to_field_name="public_id"
    )

    class Meta:
        model = MaterialIssue
        fields = ["material", "issued_on", "quantity", "recipient", "purpose"]
        widgets = {"issued_on": DateInput()}
