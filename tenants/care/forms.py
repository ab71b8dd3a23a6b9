"""Forms of the record pages. The rules are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.care.models import AttentionLevel, ConsentStatus, ObservationKind
from tenants.students.models import Student

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.school_class} {student.name}（{student.student_number}）"


def student_field(queryset, **kwargs):
    return StudentChoiceField(
        queryset=queryset.select_related("school_class"),
        to_field_name="public_id",
        label=_("Student"),
        **kwargs,
    )


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("New attention level"), choices=AttentionLevel.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the level changes: kept in the record's history."),
    )


class ObservationForm(forms.Form):
    student = forms.ModelChoiceField(queryset=Student.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ObservationKind.choices, initial="observation")
    observed_on = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(
        label=_("What you observed"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facts you saw or heard, and when. Only the counselors read it."),
    )

    def __init__(self, *args, students=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"] = student_field(students if students is not None else Student.objects.none())
        if not self.is_bound:
            self.initial.setdefault("observed_on", timezone.localdate())


class ConsentForm(forms.Form):
    student = forms.ModelChoiceField(queryset=Student.objects.none())
    status = forms.ChoiceField(label=_("Answer"), choices=ConsentStatus.choices)
    guardian_name = forms.CharField(label=_("Guardian"), max_length=50)
    recorded_on = forms.DateField(label=_("Date of the answer"), widget=DATE)
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Encrypted; only the care team reads it."),
    )

    def __init__(self, *args, students=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"] = student_field(
            students if students is not None else Student.objects.filter(status="active")
        )


class ExportForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=300,
        help_text=_("For example: the guardian's written request of 3 March (监护人申请)."),
    )
    file_format = forms.ChoiceField(
        label=_("File"),
        initial="pdf",
        widget=forms.RadioSelect,
        choices=[("pdf", _("PDF, to print or give to the guardian")), ("xlsx", _("Excel workbook (XLSX)"))],
    )
