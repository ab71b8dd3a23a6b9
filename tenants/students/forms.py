"""Forms of the roster pages. The rules are the models' and the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.students import selectors
from tenants.students.models import SchoolClass, Student

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class StudentForm(forms.ModelForm):
    school_class = ClassChoiceField(
        label=_("class"),
        queryset=SchoolClass.objects.none(),
        help_text=_("Changing the class here is recorded as a class move."),
    )

    class Meta:
        model = Student
        fields = [
            "student_number",
            "name",
            "gender",
            "date_of_birth",
            "school_class",
            "guardian_name",
            "guardian_phone",
        ]
        widgets = {"date_of_birth": DATE}
        help_texts = {"guardian_phone": _("An 11-digit mobile number, or a landline with its area code.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.order_by("grade", "name")

    def validate_unique(self):
        # The service checks uniqueness (model full_clean) and names the field.
        pass


class ClassForm(forms.ModelForm):
    homeroom_teacher = forms.ModelChoiceField(
        label=_("homeroom teacher"),
        queryset=selectors.homeroom_teacher_choices(),
        required=False,
        help_text=_("Only active accounts with the homeroom teacher role can be chosen."),
    )

    class Meta:
        model = SchoolClass
        fields = ["grade", "name", "homeroom_teacher"]
        widgets = {"grade": forms.NumberInput(attrs={"min": 1, "max": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homeroom_teacher"].queryset = selectors.homeroom_teacher_choices()
        self.fields["homeroom_teacher"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"

    def validate_unique(self):
        pass


class MoveForm(forms.Form):
    school_class = ClassChoiceField(label=_("Move to class"), queryset=SchoolClass.objects.none())

    def __init__(self, *args, student=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = SchoolClass.objects.order_by("grade", "name")
        if student is not None:
            qs = qs.exclude(pk=student.school_class_id)
        self.fields["school_class"].queryset = qs


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for leaving"),
        max_length=200,
        help_text=_(
            "For example: transferred to another school, graduated, moved away. "
            "Encrypted; only the care team reads it."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("CSV (UTF-8 or GBK, as Excel saves it) or XLSX, with the columns of the template."),
    )
    only_good_rows = forms.BooleanField(
        label=_("Import only the good rows"),
        required=False,
        help_text=_("Without this, a file with any error imports nothing."),
    )
