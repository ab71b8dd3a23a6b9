"""Forms of the budget pages. The rules are the models' and the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.finance.models import BudgetLine, Spending

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["school_year", "category", "title", "amount", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }


class SpendingForm(forms.ModelForm):
    receipt = forms.FileField(
        label=_("Receipt"), required=False, help_text=_("A scan or photo of the invoice (optional).")
    )

    class Meta:
        model = Spending
        fields = ["line", "spent_on", "amount", "payee", "purpose", "over_budget_reason", "receipt"]
        widgets = {
            "spent_on": DATE,
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
            "over_budget_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.order_by("-school_year", "category", "title")
