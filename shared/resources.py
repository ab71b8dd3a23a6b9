"""Resources, declared once: who may see them, how they are read and written, how they are filtered
and whether reading them is audited. Pages (shared.pages) and the API (api/school/base.py) are built
from these declarations, so need-to-know and auditing hold by construction rather than by each view
remembering.

An area declares its resources in `<area>/resources.py`:

    budget_lines = Resource(
        name="budget-lines", model=BudgetLine, policy=budget_policy, selector=selectors.budget_lines,
        create=services.budget_line_create, update=services.budget_line_update,
        delete=services.budget_line_delete, filters=[Filter("category", _("Category"), choices=...)],
    )

A declaration imports nothing from `api/`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# Every declared resource, by name. The role-matrix test checks each has an entry.
REGISTRY: dict[str, "Resource"] = {}
# The resource whose policy narrows choices of a model (forms' selects, the API's related fields).
_BY_MODEL: dict[type, "Resource"] = {}

# How reads of student data are written to the audit trail. Set by the school layer (tenants.care)
# at start-up; shared code may not import it.
_auditor: Callable[..., Any] | None = None


def set_auditor(fn: Callable[..., Any]) -> None:
    global _auditor
    _auditor = fn


YES_NO = [("yes", _lazy("Yes")), ("no", _lazy("No"))]


@dataclass(eq=False)
class Filter:
    """One filter, for the page's filter bar, the API's query parameters and the OpenAPI document.

    `kind` decides how a value is checked: "choice" (one of `choices`), "flag" (yes-only; also takes
    `true` and `1`), "bool" (yes/no, also true/false and 1/0; `apply` gets True or False), "uuid",
    "date", "text".
    A bad value is a field error on the API and an ignored filter, with a message, on the page.
    """

    name: str
    label: Any
    choices: list | Callable[[Any], list] | None = None  # static, or (request) -> [(value, label)]
    apply: Callable[[Any, Any], Any] | None = None  # (queryset, cleaned value) -> queryset
    lookup: str | None = None
    kind: str = ""  # "" means: "choice" when choices are given, else "text"

    def __post_init__(self):
        if not self.kind:
            self.kind = "choice" if self.choices is not None else "text"
        if self.kind == "bool" and self.choices is None:
            self.choices = YES_NO

    def options(self, request):
        """The choices offered to this request's person. Callable choices are computed once per
        request: checking a value and drawing the filter bar use the same list."""
        if not callable(self.choices):
            return self.choices
        cache = request.__dict__.setdefault("_filter_options", {})
        if id(self) not in cache:
            cache[id(self)] = self.choices(request)
        return cache[id(self)]

    def clean(self, value: str, request=None):
        if self.kind == "bool":
            # yes / no on the page; the API also takes true / false and 1 / 0.
            spelled = value.lower()
            if spelled in ("yes", "true", "1"):
                return True
            if spelled in ("no", "false", "0"):
                return False
            raise ValidationError({self.name: [_("Not one of the choices.")]})
        if self.kind == "flag":
            # A yes-only filter ("overdue only"); the API's boolean spellings mean the same.
            if value.lower() in ("yes", "true", "1"):
                return "yes"
            raise ValidationError({self.name: [_("Not one of the choices.")]})
        if self.kind == "uuid":
            try:
                return uuid.UUID(value)
            except ValueError:
                raise ValidationError({self.name: [_("Not a valid id.")]})
        if self.kind == "date":
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                raise ValidationError({self.name: [_("Enter the date as YYYY-MM-DD.")]})
        if self.kind == "choice":
            # Callable choices are what this person may pick from: a value outside them finds nothing.
            if callable(self.choices):
                options = self.options(request) if request is not None else None
            else:
                options = self.choices
            if options is not None and value not in {str(v) for v, _label in options}:
                raise ValidationError({self.name: [_("Not one of the choices.")]})
        return value

    def filter(self, queryset, value):
        if self.apply:
            return self.apply(queryset, value)
        return queryset.filter(**{self.lookup or self.name: value})


@dataclass(eq=False)
class Resource:
    """A plain resource: a model read through a selector, narrowed by a policy, written by services.

    - `selector()` returns the queryset every read starts from (it owns select_related etc.).
    - `create(actor=..., **data)`, `update(obj, actor=..., data=...)` and `delete(obj, actor=...)` are
      the services; a missing one means the operation is not offered.
    - `audit` is the audit-trail subject of its reads ("students.student"); when set, a list or an
      export writes one event and a detail read one event naming the student (`student_of`).
    """

    name: str
    model: type
    policy: Any
    selector: Callable[[], Any]
    label: Any = ""
    filters: Sequence[Filter] = ()
    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    delete: Callable[..., Any] | None = None
    audit: str = ""
    student_of: Callable[[Any], Any] | None = None
    narrows: bool = True  # this resource's policy narrows choices of its model elsewhere

    def __post_init__(self):
        if self.name in REGISTRY:
            raise ImproperlyConfigured(f"resource {self.name!r} is declared twice")
        REGISTRY[self.name] = self
        if self.narrows:
            _BY_MODEL.setdefault(self.model, self)

    # Reads
    def queryset(self, user):
        return self.policy.visible(user, self.selector())

    def filtered(self, request, params, *, strict: bool):
        """The visible queryset with the filters in `params` applied, and the active values.
        strict: a bad value raises a ValidationError naming the parameter (the API); otherwise it
        is skipped and reported in the third item (pages)."""
        queryset = self.queryset(request.user)
        return apply_filters(self.filters, queryset, params, request=request, strict=strict)

    def get_for(self, user, public_id):
        """The object, or Http404 for missing and not-yours alike."""
        try:
            return self.queryset(user).get(public_id=public_id)
        except (self.model.DoesNotExist, ValidationError, ValueError):
            raise Http404

    def reload(self, obj):
        """After a write: the object as its selector reads it (with annotations the output needs)."""
        return self.selector().get(pk=obj.pk)

    # Writes
    def save(self, *, actor, obj, data: dict):
        saved = self.create(actor=actor, **data) if obj is None else self.update(obj, actor=actor, data=data)
        return self.reload(saved if saved is not None else obj)

    # Audit
    def audit_list(self, user, *, action: str = "list"):
        if self.audit:
            _require_auditor()(actor=user, action=action, subject=self.audit)

    def audit_read(self, user, obj):
        if self.audit:
            student = self.student_of(obj) if self.student_of else getattr(obj, "student", None)
            _require_auditor()(actor=user, action="view", subject=self.audit, student=student, obj=obj)


def apply_filters(filters, queryset, params, *, request=None, strict: bool):
    active, errors = {}, {}
    for flt in filters:
        raw = (params.get(flt.name) or "").strip()
        if not raw:
            continue
        try:
            value = flt.clean(raw, request)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        active[flt.name] = raw
        queryset = flt.filter(queryset, value)
    if errors and strict:
        raise ValidationError(errors)
    return queryset, active, errors


def _require_auditor():
    if _auditor is None:
        raise ImproperlyConfigured("no auditor is set: reads of student data cannot be audited")
    return _auditor


def resource_for_model(model) -> Resource | None:
    for klass in model.__mro__:
        if klass in _BY_MODEL:
            return _BY_MODEL[klass]
    return None


def visible_choices(queryset, user):
    """A choice field's queryset narrowed to what `user` may see, through the policy of the resource
    declared for its model. A model with no declared resource is left as it is here, and
    tests/foundation/test_resources.py fails for any page or API that offers one."""
    load_all()
    resource = resource_for_model(queryset.model)
    if resource is None:
        return queryset
    return resource.policy.visible(user, queryset)


def narrow_form_choices(form, user) -> None:
    """Narrow every model choice field of a Django form to what `user` may see."""
    from django.forms import ModelChoiceField

    for form_field in form.fields.values():
        if isinstance(form_field, ModelChoiceField):
            form_field.queryset = visible_choices(form_field.queryset, user)


_loaded = False


def load_all() -> dict[str, Resource]:
    """Import every installed app's `resources` module, so REGISTRY is complete."""
    global _loaded
    if _loaded:
        return REGISTRY
    import importlib

    from django.apps import apps

    _loaded = True
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.resources")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.resources":
                raise
    return REGISTRY


@dataclass(eq=False)
class Tab:
    """One tab of an area: a URL name (or a path) and who sees it (`shown(user)`; everyone by default)."""

    key: str
    url: str  # "finance:index", or a path such as "/care/"
    label: Any
    shown: Callable[[Any], bool] | None = None

    def href(self) -> str:
        from django.urls import reverse

        return self.url if self.url.startswith("/") else reverse(self.url)


@dataclass(eq=False)
class Area:
    """An area of the workspace, declared once: its URL namespace, its label and its tabs.
    Pages name their area and tab; the tab bar is built here for everyone the same way."""

    namespace: str
    label: Any
    tabs: Sequence[Tab] = ()

    def tabs_for(self, user, current: str) -> list[tuple[str, Any, bool]]:
        return [(t.href(), t.label, t.key == current) for t in self.tabs if t.shown is None or t.shown(user)]
