"""Generic pages: a table with filters, pagination and XLSX export; a form with inline errors.

Areas describe their tables and forms; these views render them the same way on every page.
"""

from dataclasses import dataclass, field
from typing import Any, Callable

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared.resources import Filter, apply_filters, narrow_form_choices

PAGE_SIZE = 25


@dataclass
class Column:
    label: Any
    value: Callable[[Any], Any] | str
    link: Callable[[Any], str] | None = None
    numeric: bool = False

    def get(self, obj):
        if callable(self.value):
            return self.value(obj)
        current = obj
        for part in self.value.split("."):
            current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
            if current is None:
                return ""
            if callable(current) and part.startswith("get_"):
                current = current()
        return current


@dataclass
class Action:
    label: Any
    url: str
    primary: bool = True


class DeclaredPage(LoginRequiredMixin, View):
    """What tables and forms share: the declared resource (or a policy of its own, for a page that is
    not one) and the area's tab bar."""

    policy = None
    resource = None
    area = None
    tab: str = ""

    def get_policy(self):
        return self.policy or (self.resource.policy if self.resource else None)

    def area_context(self, request) -> dict:
        """The area's tab bar (partials/tabs.html) as this person sees it."""
        if self.area is None:
            return {"area_tabs": None, "area_label": ""}
        return {"area_tabs": self.area.tabs_for(request.user, self.tab), "area_label": self.area.label}


class TablePage(DeclaredPage):
    """A table with filters, pagination and XLSX export.

    Declared pages set `resource` (shared.resources.Resource): the rows are what its policy lets the
    person see, its filters are the page's, and reads of an audited resource write one audit event
    per list and per export. Pages that are not a plain resource implement get_queryset(request).
    `area` and `tab` draw the area's tab bar."""

    title: Any = ""
    intro: Any = ""
    columns: list[Column] = []
    filters: list[Filter] | None = None
    empty_text: Any = ""
    export_name: str = ""
    template_name = "pages/table.html"

    def get_filters(self) -> list[Filter]:
        if self.filters is not None:
            return list(self.filters)
        return list(self.resource.filters) if self.resource else []

    def get_queryset(self, request):
        if self.resource is None:
            raise NotImplementedError
        return self.resource.queryset(request.user)

    def get_actions(self, request) -> list[Action]:
        return []

    def extra_context(self, request) -> dict:
        return {}

    @property
    def exporting(self) -> bool:
        """This request asks for the XLSX export: columns give plain values (real dates, numbers)."""
        return self.request.GET.get("export") == "xlsx" and bool(self.export_name)

    def audit_read(self, request, action: str):
        if self.resource is not None:
            self.resource.audit_list(request.user, action=action)

    def get(self, request, *args, **kwargs):
        self.kwargs = kwargs
        policy = self.get_policy()
        if policy is not None and not policy.can_read(request.user):
            raise Http404
        filters = self.get_filters()
        queryset, active, errors = apply_filters(
            filters, self.get_queryset(request), request.GET, request=request, strict=False
        )
        for name, problems in errors.items():
            messages.warning(
                request, f"{next((f.label for f in filters if f.name == name), name)}: {problems[0]}"
            )
        if self.exporting:
            from shared.xlsx import xlsx_response

            self.audit_read(request, "export")
            return xlsx_response(
                filename=self.export_name,
                title=str(self.title),
                headers=[str(c.label) for c in self.columns],
                rows=([c.get(obj) for c in self.columns] for obj in queryset),
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        self.audit_read(request, "list")
        rows = [
            [(c.get(obj), c.link(obj) if c.link else None, c.numeric) for c in self.columns] for obj in page
        ]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "intro": self.intro,
            "columns": self.columns,
            "filters": [(f, f.options(request), active.get(f.name, "")) for f in filters],
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(active),
            "empty_text": self.empty_text,
            "export": bool(self.export_name),
            "actions": self.get_actions(request),
            **self.area_context(request),
        }
        context.update(self.extra_context(request))
        return render(request, self.template_name, context)


class FormPage(DeclaredPage):
    """A create or edit form with inline errors.

    Declared pages set `resource` and `form_class`: the object is found through the resource (404
    when missing or not the person's), saved through its create/update services and reloaded
    through its selector, and every choice in the form is narrowed to what the person may see.
    Pages that are not plain override get_object(request, **kwargs) and save(request, form, obj)."""

    title: Any = ""
    edit_title: Any = ""
    form_class = None
    template_name = "pages/form.html"
    success_message: Any = ""

    def get_object(self, request, **kwargs):
        if self.resource is None or "id" not in kwargs:
            return None
        obj = self.resource.get_for(request.user, kwargs["id"])
        if request.method == "GET":
            # Showing a stored record is a read; a POST is a change, which its service records.
            self.resource.audit_read(request.user, obj)
        return obj

    def check(self, request, obj):
        """People who may not read the area do not learn the page exists (404, as for a missing
        object); readers who may not write get 403."""
        policy = self.get_policy()
        if policy is None:
            return
        if not policy.can_read(request.user):
            raise Http404
        allowed = policy.can_change(request.user, obj) if obj is not None else policy.can_create(request.user)
        if not allowed:
            raise PermissionDenied

    def form_kwargs(self, request, obj) -> dict:
        return {"instance": obj} if obj is not None and hasattr(self.form_class, "_meta") else {}

    def initial(self, request) -> dict:
        return {}

    def make_form(self, request, obj, data=None, files=None):
        if data is None:
            form = self.form_class(initial=self.initial(request), **self.form_kwargs(request, obj))
        else:
            form = self.form_class(data, files, **self.form_kwargs(request, obj))
        narrow_form_choices(form, request.user)
        return form

    def save(self, request, form, obj):
        if self.resource is None:
            raise NotImplementedError
        return self.resource.save(actor=request.user, obj=obj, data=dict(form.cleaned_data))

    def success_url(self, request, saved) -> str:
        return request.path

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.check(request, obj)
        return self.render(request, self.make_form(request, obj), obj)

    def post(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.check(request, obj)
        form = self.make_form(request, obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(request, form, obj)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.success_url(request, saved))
        return self.render(request, form, obj, status=400)

    def render(self, request, form, obj, status=200):
        title = self.edit_title if obj is not None and self.edit_title else self.title
        context = {
            "title": title,
            "form": form,
            "object": obj,
            **self.area_context(request),
        }
        return render(request, self.template_name, context, status=status)


def add_errors(form, exc: ValidationError):
    """A service's ValidationError shown on the form, each message beside its field."""
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def is_uuid(value) -> bool:
    """Whether a query parameter can name an object by its public id. Pages use it to ignore a
    malformed `?student=` or `?line=` (finding nothing) instead of failing on it."""
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def empty_or(text, fallback=None):
    return text or fallback or _("Nothing here yet.")


__all__ = ["Action", "Column", "DeclaredPage", "Filter", "FormPage", "TablePage", "add_errors", "field"]
