from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from library.models import ItemKind
from shared.calendar import school_year_of
from tenants.common.choices import Term
from tenants.governance.models import PlanKind
from tenants.ledger.forms import MultipleFileField
from tenants.programs.models import GRADE_CHOICES, ActivityKind


def _files_help():
    return _("Optional. Allowed: %(ext)s; at most %(mb)d MB each.") % {
        "ext": " ".join(settings.UPLOAD_ALLOWED_EXTENSIONS),
        "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    }


class GradesField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Grades"))
        super().__init__(
            choices=GRADE_CHOICES,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}),
            **kwargs,
        )


class ItemTextForm(forms.Form):
    """The fields every library item has, whoever writes it: title, introduction, content, tags and
    files. Subclasses say in `help_texts` what to put in them (the district and a proposing school
    are told different things) and `field_order` where their own fields go."""

    help_texts: dict = {}

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Brief introduction"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    tags = forms.CharField(label=_("Tags"), required=False)
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in self.help_texts.items():
            self.fields[name].help_text = text
        self.fields["files"].help_text = _files_help()


class DistrictItemForm(ItemTextForm):
    """An item the district publishes; the fields under "for imports" apply to one type each."""

    help_texts = {
        "summary": _("What it is and who it suits."),
        "body": _(
            "Plain text. For an activity design it becomes the activity's description, for a curriculum "
            "unit its objectives, for a plan template the plan's goals."
        ),
        "tags": _("Separate tags with commas, 、 or spaces, e.g. 情绪 压力 新生"),
    }
    field_order = ["kind", "title", "summary", "body", "tags", "grades", "files"]

    kind = forms.ChoiceField(label=_("Type"), choices=[("", "—")] + list(ItemKind.choices))
    grades = GradesField()
    activity_kind = forms.ChoiceField(
        label=_("Activity kind (activity designs)"),
        required=False,
        choices=[("", "—")] + list(ActivityKind.choices),
    )
    planned_sessions = forms.IntegerField(
        label=_("Planned lessons (curriculum units)"), required=False, min_value=1, max_value=100
    )
    plan_kind = forms.ChoiceField(
        label=_("Plan kind (plan templates)"), required=False, choices=[("", "—")] + list(PlanKind.choices)
    )
    key_tasks = forms.CharField(
        label=_("Key tasks (plan templates)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    instrument_code = forms.CharField(
        label=_("Instrument code (instruments)"),
        required=False,
        max_length=30,
        help_text=_("phq9, gad7 or k6 register a built-in instrument; any other code describes a new one."),
    )
    items = forms.IntegerField(label=_("Number of items"), required=False, min_value=1, max_value=200)
    item_min = forms.IntegerField(label=_("Lowest answer"), required=False)
    item_max = forms.IntegerField(label=_("Highest answer"), required=False)
    bands = forms.CharField(
        label=_("Bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: code lower-upper label, e.g. “low 0-7 低”."),
    )
    item_texts = forms.CharField(
        label=_("Item wording"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    licence = forms.CharField(
        label=_("Licence terms (instruments)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    STRUCTURED = (
        "activity_kind",
        "planned_sessions",
        "plan_kind",
        "key_tasks",
        "instrument_code",
        "items",
        "item_min",
        "item_max",
        "bands",
        "item_texts",
    )


class ProposalForm(ItemTextForm):
    """A school's record proposed to the district library."""

    help_texts = {
        "summary": _("What it is, who it suits, and what went well."),
        "body": _("Taken from your record; shorten or reword it here. Other schools read this."),
        "tags": _("Separate tags with commas, 、 or spaces."),
    }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The school sees this on its library page."),
    )


class ImportForm(forms.Form):
    """What an import needs besides the item: the fields depend on the item's type."""

    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        today = timezone.localdate()
        self.fields["title"].initial = item.title
        if item.kind == ItemKind.ACTIVITY_DESIGN:
            self.fields["held_on"] = forms.DateField(
                label=_("Date"), initial=today, widget=forms.DateInput(attrs={"type": "date"})
            )
        if item.kind in (ItemKind.CURRICULUM_UNIT, ItemKind.PLAN_TEMPLATE):
            self.fields["school_year"] = forms.CharField(
                label=_("School year"),
                max_length=9,
                initial=school_year_of(today),
                help_text=_("For example 2026-2027"),
            )
        if item.kind == ItemKind.CURRICULUM_UNIT:
            self.fields["grade"] = forms.TypedChoiceField(
                label=_("Grade"),
                choices=GRADE_CHOICES,
                coerce=int,
                initial=(sorted(item.grades)[0] if item.grades else None),
            )
        if item.kind == ItemKind.PLAN_TEMPLATE and item.content.get("plan_kind") == "phase":
            self.fields["term"] = forms.ChoiceField(label=_("Term"), choices=Term.choices)
        if item.kind == ItemKind.INSTRUMENT:
            self.fields["code"] = forms.SlugField(
                label=_("Code in your registry"),
                max_length=30,
                initial=item.content.get("code", ""),
                help_text=_("Change it if your registry already uses this code."),
            )
