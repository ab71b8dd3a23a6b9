"""Forms of the evaluation pages. Model rules run in the services, whose errors come back by field."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from tenants.common.roles import STAFF
from tenants.evaluation.models import (
    Commendation,
    ImprovementAction,
    Indicator,
    IndicatorSet,
    Question,
    QuestionKind,
    Questionnaire,
    SelfAssessment,
)
from tenants.evaluation.services import MAX_LINKS_PER_BATCH


def staff_people():
    from django.db.models import Q

    condition = Q()
    for role in STAFF:
        condition |= Q(roles__contains=[role])
    return User.objects.filter(condition, is_active=True).order_by("full_name", "username")


def current_term(today=None) -> str:
    today = today or timezone.localdate()
    return "first" if today.month >= 9 or today.month == 1 else "second"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class DateInput(forms.DateInput):
    input_type = "date"


class _ServiceValidated(forms.ModelForm):
    def _post_clean(self):
        # The service runs the model's rules and names the field of each error.
        pass


class IndicatorSetForm(_ServiceValidated):
    class Meta:
        model = IndicatorSet
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(_ServiceValidated):
    class Meta:
        model = Indicator
        fields = ["name", "description", "target_value", "target_unit", "target_text", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "target_value": _(
                "A number target with its unit (e.g. 100 and %), or leave it empty and write a text target."
            ),
            "weight": _("How much this indicator counts in the weighted score (0 or more)."),
        }

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight < 0:
            raise forms.ValidationError(_("The weight cannot be negative."))
        return weight


class AssessmentForm(_ServiceValidated):
    indicator_set = forms.ModelChoiceField(
        queryset=IndicatorSet.objects.all(), to_field_name="public_id", label=_("Indicator set")
    )

    class Meta:
        model = SelfAssessment
        fields = ["indicator_set", "school_year", "term", "assessed_on", "summary"]
        widgets = {"assessed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"school_year": _("e.g. 2026-2027")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["indicator_set"].disabled = True
            self.fields["indicator_set"].initial = self.instance.indicator_set


class ScoresForm(forms.Form):
    """One row per indicator: a score 0–100, the evidence, and optionally a file."""

    def __init__(self, *args, assessment: SelfAssessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        existing = {s.indicator_id: s for s in assessment.scores.all()}
        self.rows = []
        for indicator in assessment.indicator_set.indicators.all():
            key = indicator.public_id.hex
            score = existing.get(indicator.pk)
            self.fields[f"score_{key}"] = forms.DecimalField(
                label=_("Score"),
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=4,
                decimal_places=1,
                initial=score.score if score else None,
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.evidence if score else "",
            )
            self.fields[f"file_{key}"] = forms.FileField(label=_("Evidence file"), required=False)
            self.rows.append((indicator, key, score))

    def bound_rows(self):
        return [
            (indicator, score, self[f"score_{key}"], self[f"evidence_{key}"], self[f"file_{key}"])
            for indicator, key, score in self.rows
        ]

    def clean(self):
        data = super().clean()
        for _indicator, key, _score in self.rows:
            has_value = data.get(f"score_{key}") is not None
            if not has_value and (data.get(f"evidence_{key}") or data.get(f"file_{key}")):
                self.add_error(f"score_{key}", _("Give a score with the evidence."))
        return data

    def scores(self) -> list[dict]:
        rows = []
        for indicator, key, _score in self.rows:
            value = self.cleaned_data.get(f"score_{key}")
            if value is None:
                continue
            upload = self.cleaned_data.get(f"file_{key}")
            rows.append(
                {
                    "indicator": indicator,
                    "score": value,
                    "evidence": self.cleaned_data.get(f"evidence_{key}", ""),
                    "files": [upload] if upload else [],
                }
            )
        return rows


class ImprovementActionForm(_ServiceValidated):
    owner = PersonChoice(queryset=User.objects.none(), label=_("Responsible person"))
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), required=False, to_field_name="public_id", label=_("Indicator")
    )

    class Meta:
        model = ImprovementAction
        fields = ["title", "indicator", "owner", "due_on", "description"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, assessment: SelfAssessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_people()
        self.fields["indicator"].queryset = assessment.indicator_set.indicators.all()


class QuestionnaireForm(_ServiceValidated):
    class Meta:
        model = Questionnaire
        fields = ["title", "audience", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(_ServiceValidated):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Choice questions: one option per line, at least two."),
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text",
            "required",
            "options",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "max_length",
        ]
        help_texts = {
            "scale_min": _("Scale questions only, e.g. 1 to 5."),
            "max_length": _("Text questions only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options"] = "\n".join(o.text for o in self.instance.options.all())
        self.fields["max_length"].required = False

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        lines = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        data["option_list"] = lines
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(lines) < 2:
            self.add_error("options", _("A choice question needs at least two options."))
        if kind == QuestionKind.SCALE:
            if data.get("scale_min") is None:
                self.add_error("scale_min", _("A scale needs its lowest value."))
            if data.get("scale_max") is None:
                self.add_error("scale_max", _("A scale needs its highest value."))
        return data

    def service_data(self) -> tuple[dict, list[str] | None]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("options", "option_list")}
        kind = data.get("kind")
        options = (
            self.cleaned_data["option_list"] if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else []
        )
        return data, options


class LinksForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of links"),
        min_value=1,
        max_value=MAX_LINKS_PER_BATCH,
        initial=30,
        help_text=_("Each link can be answered once."),
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=90,
        required=False,
        help_text=_("e.g. the class the links are for: 初一(3)班家长. Links are numbered after it."),
    )


class CommendationForm(_ServiceValidated):
    recipient_user = PersonChoice(queryset=User.objects.none(), required=False, label=_("Staff recipient"))

    class Meta:
        model = Commendation
        fields = ["title", "recipient_user", "recipient_name", "awarded_on", "level", "reason"]
        widgets = {"awarded_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "recipient_name": _("For a student or a class; leave empty when a staff member is chosen.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_user"].queryset = staff_people()
