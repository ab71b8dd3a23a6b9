"""Structured content of importable items: what a school's record becomes when proposed, what the
district writes when it publishes, and the real record an import creates in a school's workspace.

The shapes of `LibraryItem.content` (the long text is the item's `body`):
- activity_design: {"activity_kind": ActivityKind}; the audience grades are the item's grades;
  `body` becomes the activity's description.
- curriculum_unit: {"planned_sessions": int}; `body` becomes the unit's objectives.
- plan_template: {"plan_kind": "annual" | "phase", "key_tasks": [title, ...]}; `body` becomes the
  plan's goals, each key task a ledger task of the plan.
- instrument: {"code", "items", "item_min", "item_max", "bands": [...], "item_texts": [...]}, or
  {"builtin": "phq9"} for an instrument built into every school's registry; the licence terms are
  the item's `licence`.

Every import goes through the owning area's own service (programs, governance, screening), so the
record is validated and stored exactly as one typed in by hand; after that it is the school's own.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from library.models import ItemKind

# --------------------------------------------------------------------------------------------
# Sources a school can propose


@dataclass(frozen=True)
class Source:
    """One of a school's records offered for proposal."""

    model: str  # "programs.activity", ...
    public_id: str
    kind: str  # the ItemKind it becomes
    title: str
    detail: str  # a short line for the list


SOURCE_MODELS = {
    "programs.activity": ItemKind.ACTIVITY_DESIGN,
    "programs.curriculumunit": ItemKind.CURRICULUM_UNIT,
    "governance.plan": ItemKind.PLAN_TEMPLATE,
    "screening.instrumentdefinition": ItemKind.INSTRUMENT,
}


def _source_querysets(user):
    """Each source model with what this person may read of it (the area's own policy)."""
    from tenants.governance.models import Plan
    from tenants.governance.policies import plan_policy
    from tenants.programs.models import Activity, CurriculumUnit
    from tenants.programs.policies import activity_policy, managed_policy
    from tenants.screening.models import InstrumentDefinition
    from tenants.screening.policies import instrument_policy

    return {
        "programs.activity": activity_policy.visible(user, Activity.objects.all()),
        "programs.curriculumunit": managed_policy.visible(user, CurriculumUnit.objects.all()),
        "governance.plan": plan_policy.visible(user, Plan.objects.all()),
        "screening.instrumentdefinition": instrument_policy.visible(user, InstrumentDefinition.objects.all()),
    }


def school_sources(user, *, model: str = "") -> list[Source]:
    """The current school's records this person may propose, newest first within each model."""
    from tenants.programs.models import grade_label

    result = []
    for label, queryset in _source_querysets(user).items():
        if model and label != model:
            continue
        kind = SOURCE_MODELS[label]
        for obj in queryset.order_by("-created_at")[:200]:
            if label == "programs.activity":
                detail = f"{obj.get_kind_display()} · {obj.held_on:%Y-%m-%d}"
            elif label == "programs.curriculumunit":
                detail = f"{obj.school_year} {grade_label(obj.grade)}"
            elif label == "governance.plan":
                detail = f"{obj.get_kind_display()} · {obj.school_year}"
            else:
                detail = obj.code
            title = obj.name if label == "screening.instrumentdefinition" else obj.title
            result.append(Source(label, str(obj.public_id), kind, title, detail))
    return result


def source_get(user, *, model: str, public_id):
    """The school's record, as this person may read it, or ValidationError on `source`."""
    querysets = _source_querysets(user)
    if model not in querysets:
        raise ValidationError({"source": _("Choose one of your school's records.")})
    try:
        obj = querysets[model].filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None:
        raise ValidationError({"source": _("Choose one of your school's records.")})
    return obj


def describe_source(model: str, obj) -> dict:
    """What a school's record offers to the library: title, body, grades, licence and content."""
    if model == "programs.activity":
        return {
            "title": obj.title,
            "body": obj.description,
            "grades": sorted(obj.audience_grades or []),
            "licence": "",
            "content": {"activity_kind": obj.kind},
        }
    if model == "programs.curriculumunit":
        return {
            "title": obj.title,
            "body": obj.objectives,
            "grades": [obj.grade],
            "licence": "",
            "content": {"planned_sessions": obj.planned_sessions},
        }
    if model == "governance.plan":
        return {
            "title": obj.title,
            "body": obj.goals,
            "grades": [],
            "licence": "",
            "content": {
                "plan_kind": obj.kind,
                "key_tasks": [t.title for t in obj.tasks.order_by("due_on", "id")][:50],
            },
        }
    if model == "screening.instrumentdefinition":
        return {
            "title": obj.name,
            "body": "",
            "grades": [],
            "licence": obj.licence,
            "content": {
                "code": obj.code,
                "items": obj.items,
                "item_min": obj.item_min,
                "item_max": obj.item_max,
                "bands": obj.bands,
                "item_texts": list(obj.item_texts or []),
            },
        }
    raise ValidationError({"source": _("Choose one of your school's records.")})


def content_texts(content: dict) -> list[tuple[str, str, str]]:
    """The free text inside structured content, as (field, label, text) for the personal-data check."""
    texts = []
    if content.get("key_tasks"):
        texts.append(("body", _("Key tasks"), "\n".join(content["key_tasks"])))
    if content.get("item_texts"):
        texts.append(("body", _("Item wording"), "\n".join(str(t) for t in content["item_texts"])))
    if content.get("bands"):
        labels = [str(b.get("label_zh", "")) for b in content["bands"] if isinstance(b, dict)]
        texts.append(("body", _("Bands"), "\n".join(labels)))
    return texts


# --------------------------------------------------------------------------------------------
# Content the district writes


def build_content(kind: str, data: dict) -> dict:
    """Structured content from the district's form; ValidationError keyed by the form's fields."""
    from tenants.care.instruments import BUILTIN_INSTRUMENTS
    from tenants.governance.models import PlanKind
    from tenants.programs.models import ActivityKind

    errors = {}
    content: dict = {}
    if kind == ItemKind.ACTIVITY_DESIGN:
        value = data.get("activity_kind") or ""
        if value not in ActivityKind.values:
            errors["activity_kind"] = _("Choose the kind of activity.")
        content = {"activity_kind": value}
    elif kind == ItemKind.CURRICULUM_UNIT:
        sessions = data.get("planned_sessions")
        if sessions is None or sessions < 1:
            errors["planned_sessions"] = _("Give the number of lessons, 1 or more.")
        content = {"planned_sessions": sessions}
    elif kind == ItemKind.PLAN_TEMPLATE:
        value = data.get("plan_kind") or ""
        if value not in PlanKind.values:
            errors["plan_kind"] = _("Choose the kind of plan.")
        tasks = [line.strip()[:200] for line in (data.get("key_tasks") or "").splitlines() if line.strip()]
        content = {"plan_kind": value, "key_tasks": tasks}
    elif kind == ItemKind.INSTRUMENT:
        code = (data.get("instrument_code") or "").strip().lower()
        if code in BUILTIN_INSTRUMENTS:
            content = {"builtin": code}
        else:
            content, instrument_errors = _instrument_content(code, data)
            errors.update(instrument_errors)
    if errors:
        raise ValidationError(errors)
    return content


def _instrument_content(code: str, data: dict) -> tuple[dict, dict]:
    from tenants.care.instruments import validate_bands
    from tenants.screening.registry import bands_from_json, bands_from_text

    errors = {}
    if not code:
        errors["instrument_code"] = _("Give the instrument a code (letters, digits, hyphens).")
    items, item_min, item_max = data.get("items"), data.get("item_min"), data.get("item_max")
    if not items or items < 1:
        errors["items"] = _("An instrument needs at least one item.")
    if item_min is None:
        item_min = 0
    if item_max is None or item_max <= item_min:
        errors["item_max"] = _("The highest answer must be above the lowest.")
    try:
        bands = bands_from_text(data.get("bands") or "")
        if not errors:
            validate_bands(bands_from_json(bands), items * item_min, items * item_max)
    except ValueError as exc:
        errors["bands"] = str(exc)
        bands = []
    texts = [line.strip() for line in (data.get("item_texts") or "").splitlines() if line.strip()]
    if texts and items and len(texts) != items:
        errors["item_texts"] = _("Write one line per item: %(items)d items, %(texts)d lines.") % {
            "items": items,
            "texts": len(texts),
        }
    content = {
        "code": code,
        "items": items,
        "item_min": item_min,
        "item_max": item_max,
        "bands": bands,
        "item_texts": texts,
    }
    return content, errors


# --------------------------------------------------------------------------------------------
# Imports into a school


def import_policy_allows(user, kind: str) -> bool:
    """Whether this person may create the record an import of `kind` makes (the area's own rule)."""
    from tenants.common.roles import is_manager
    from tenants.governance.policies import plan_policy
    from tenants.programs.policies import managed_policy
    from tenants.screening.policies import instrument_policy

    if kind == ItemKind.ACTIVITY_DESIGN:
        return is_manager(user)  # any kind of activity, for any audience: managers
    if kind == ItemKind.CURRICULUM_UNIT:
        return managed_policy.can_create(user)
    if kind == ItemKind.PLAN_TEMPLATE:
        return plan_policy.can_create(user)
    if kind == ItemKind.INSTRUMENT:
        return instrument_policy.can_create(user)
    return False


def import_into_school(item, *, actor, options: dict):
    """The real record the import creates in the current school: (model label, object)."""
    if not import_policy_allows(actor, item.kind):
        raise PermissionDenied
    if item.kind == ItemKind.ACTIVITY_DESIGN:
        from tenants.programs.services import activity_create

        obj = activity_create(
            actor=actor,
            kind=item.content.get("activity_kind", "other"),
            title=options.get("title") or item.title,
            held_on=options.get("held_on") or timezone.localdate(),
            organiser=actor,
            audience_grades=item.grades or (),
            description=item.body or item.summary,
        )
        return "programs.activity", obj
    if item.kind == ItemKind.CURRICULUM_UNIT:
        from shared.calendar import school_year_of
        from tenants.programs.services import curriculum_unit_create

        grade = options.get("grade") or (sorted(item.grades)[0] if item.grades else None)
        if not grade:
            raise ValidationError({"grade": _("Choose the grade the unit is for.")})
        obj = curriculum_unit_create(
            actor=actor,
            school_year=options.get("school_year") or school_year_of(timezone.localdate()),
            grade=int(grade),
            title=options.get("title") or item.title,
            objectives=item.body or item.summary,
            planned_sessions=int(item.content.get("planned_sessions") or 1),
        )
        return "programs.curriculumunit", obj
    if item.kind == ItemKind.PLAN_TEMPLATE:
        return "governance.plan", _import_plan(item, actor=actor, options=options)
    if item.kind == ItemKind.INSTRUMENT:
        return "screening.instrumentdefinition", _import_instrument(item, actor=actor, options=options)
    raise ValidationError({"item": _("This kind of item is downloaded, not imported.")})


def _plan_dates(school_year: str, kind: str, term: str) -> tuple[date, date]:
    from shared.calendar import school_year_bounds
    from tenants.governance.services import default_terms

    try:
        first, last = school_year_bounds(school_year)
    except ValueError:
        raise ValidationError(
            {"school_year": _("Write the school year as two consecutive years, for example 2026-2027.")}
        ) from None
    if kind != "phase":
        return first, last
    terms = default_terms(school_year)
    if term == "first":
        return terms["first_term_start"], terms["first_term_end"]
    if term == "second":
        return terms["second_term_start"], terms["second_term_end"]
    raise ValidationError({"term": _("A phase plan belongs to a term: choose one.")})


def _import_plan(item, *, actor, options: dict):
    from shared.calendar import school_year_of
    from tenants.governance.services import plan_create, plan_key_task_add

    kind = item.content.get("plan_kind") or "annual"
    school_year = options.get("school_year") or school_year_of(timezone.localdate())
    term = options.get("term") or ""
    starts_on, ends_on = _plan_dates(school_year, kind, term)
    plan = plan_create(
        actor=actor,
        title=options.get("title") or item.title,
        school_year=school_year,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=item.body or item.summary,
        kind=kind,
        term=term if kind == "phase" else "",
    )
    # Each key task becomes a ledger task of the plan, owned by whoever imported it and due at the
    # plan's end: the draft's owner reassigns and re-dates them.
    for title in item.content.get("key_tasks") or ():
        plan_key_task_add(plan, actor=actor, title=title, owner=actor, due_on=ends_on)
    return plan


def _import_instrument(item, *, actor, options: dict):
    from tenants.screening.models import InstrumentDefinition
    from tenants.screening.services import instrument_define

    if item.content.get("builtin"):
        raise ValidationError(
            {
                "code": _(
                    "This instrument is built into every school's registry already: "
                    "use it in a screening campaign."
                )
            }
        )
    code = (options.get("code") or item.content.get("code") or "").strip().lower()
    if InstrumentDefinition.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("Your registry already has an instrument with this code: choose another code.")}
        )
    return instrument_define(
        actor=actor,
        code=code,
        name=options.get("title") or item.title,
        items=item.content.get("items"),
        item_min=item.content.get("item_min", 0),
        item_max=item.content.get("item_max"),
        bands=item.content.get("bands") or [],
        licence=item.licence,
        item_texts=item.content.get("item_texts") or (),
    )
