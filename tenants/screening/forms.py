"""Forms of the screening pages. The rules are the services' (tenants.screening.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.screening import registry
from tenants.students.models import SchoolClass

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstrumentForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=30,
        help_text=_("Short letters and digits used in the API, e.g. “sleep5”."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    items = forms.IntegerField(label=_("Number of items"), min_value=1, max_value=200)
    item_min = forms.IntegerField(label=_("Lowest answer of each item"), initial=0)
    item_max = forms.IntegerField(label=_("Highest answer of each item"))
    bands = forms.CharField(
        label=_("Bands"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One band per line: code, lowest-highest total, label, e.g. “low 0-7 低”. Bands must be "
            "contiguous and cover every possible total. Scoring is the sum of the answers."
        ),
    )
    item_texts = forms.CharField(
        label=_("Item wording"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item per line, in order, as the student reads it. Leave empty to show “第 N 题”."),
    )
    licence = forms.CharField(
        label=_("Licence terms"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who holds the copyright and on what terms the school may use it."),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": instance.code,
                    "name": instance.name,
                    "items": instance.items,
                    "item_min": instance.item_min,
                    "item_max": instance.item_max,
                    "bands": registry.bands_as_text(instance.bands),
                    "licence": instance.licence,
                    "active": instance.active,
                    "item_texts": "\n".join(instance.item_texts or []),
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["code"].disabled = True

    def clean_item_texts(self):
        return [line.strip() for line in self.cleaned_data["item_texts"].splitlines() if line.strip()]

    def clean_bands(self):
        try:
            return registry.bands_from_text(self.cleaned_data["bands"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def _grade_choices():
    grades = sorted(set(SchoolClass.objects.values_list("grade", flat=True)))
    return [("", "—")] + [(g, _("Grade %(g)d") % {"g": g}) for g in grades]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instrument_code = forms.ChoiceField(label=_("Instrument"))
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Screen a whole grade, or choose one class below instead."),
    )
    school_class = forms.ModelChoiceField(
        label=_("Class"), required=False, queryset=SchoolClass.objects.none()
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "instrument_code": instance.instrument_code,
                    "grade": instance.grade,
                    "school_class": instance.school_class,
                    "opens_on": instance.opens_on,
                    "closes_on": instance.closes_on,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["instrument_code"].choices = registry.instrument_choices()
        self.fields["grade"].choices = _grade_choices()
        self.fields["school_class"].queryset = SchoolClass.objects.order_by("grade", "name")

    def clean(self):
        data = super().clean()
        if data.get("grade") is not None and data.get("school_class") is not None:
            self.add_error("school_class", _("Choose either a grade or one class, not both."))
        elif data.get("grade") is None and data.get("school_class") is None and "grade" not in self.errors:
            self.add_error("grade", _("Choose a grade or a class."))
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The campaign cannot close before it opens."))
        return data


class AnswersForm(forms.Form):
    """One input per item, named item_0 .. item_n-1, each with the item's range. The range itself is
    checked by the scoring (errors come back keyed answers[i] and are shown on item_i)."""

    def __init__(self, *args, items=(), choices_widget=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            low, high = item["choices"][0][0], item["choices"][-1][0]
            if choices_widget:
                field = forms.TypedChoiceField(
                    label=f"{item['number']}. {item['text']}",
                    coerce=int,
                    widget=forms.RadioSelect,
                    choices=[(v, label) for v, label in item["choices"]],
                    error_messages={"required": _("Please answer item %(n)d.") % {"n": item["number"]}},
                )
            else:
                field = forms.IntegerField(
                    label=f"{item['number']}. {item['text']}",
                    widget=forms.NumberInput(attrs={"min": low, "max": high, "step": 1}),
                    help_text=_("%(low)d-%(high)d: %(labels)s")
                    % {
                        "low": low,
                        "high": high,
                        "labels": "，".join(f"{v} {label}" for v, label in item["choices"]),
                    },
                    error_messages={
                        "required": _("Item %(n)d needs an answer.") % {"n": item["number"]},
                        "invalid": _("Item %(n)d must be a whole number.") % {"n": item["number"]},
                    },
                )
            self.fields[f"item_{item['index']}"] = field

    def answers(self) -> list:
        return [self.cleaned_data.get(f"item_{item['index']}") for item in self.items]

    def add_answer_errors(self, exc):
        for key, messages in exc.message_dict.items():
            if key.startswith("answers[") and key.endswith("]"):
                self.add_error(f"item_{key[8:-1]}", messages)
            elif key in self.fields:
                self.add_error(key, messages)
            else:
                self.add_error(None, messages)
