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
class Filter:
    name: str
    label: Any
    choices: list | Callable[[Any], list] | None = None  # None: free text
    apply: Callable[[Any, str], Any] | None = None  # (queryset, value) -> queryset
    lookup: str | None = None

    def options(self, request):
        return self.choices(request) if callable(self.choices) else self.choices

    def filter(self, queryset, value):
        if self.apply:
            return self.apply(queryset, value)
        return queryset.filter(**{self.lookup or self.name: value})


@dataclass
class Action:
    label: Any
    url: str
    primary: bool = True


class TablePage(LoginRequiredMixin, View):
    """Subclasses set title, columns, filters, and implement get_queryset(request)."""

    title: Any = ""
    intro: Any = ""
    columns: list[Column] = []
    filters: list[Filter] = []
    empty_text: Any = ""
    export_name: str = ""
    template_name = "pages/table.html"
    policy = None

    def get_queryset(self, request):
        raise NotImplementedError

    def get_actions(self, request) -> list[Action]:
        return []

    def extra_context(self, request) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        self.kwargs = kwargs
        if self.policy is not None and not self.policy.can_read(request.user):
            raise Http404
        queryset = self.get_queryset(request)
        active = {}
        for flt in self.filters:
            value = request.GET.get(flt.name, "").strip()
            if value:
                active[flt.name] = value
                queryset = flt.filter(queryset, value)
        if request.GET.get("export") == "xlsx" and self.export_name:
            from shared.xlsx import xlsx_response

            return xlsx_response(
                filename=self.export_name,
                title=str(self.title),
                headers=[str(c.label) for c in self.columns],
                rows=([c.get(obj) for c in self.columns] for obj in queryset),
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            [(c.get(obj), c.link(obj) if c.link else None, c.numeric) for c in self.columns] for obj in page
        ]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "intro": self.intro,
            "columns": self.columns,
            "filters": [(f, f.options(request), active.get(f.name, "")) for f in self.filters],
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(active),
            "empty_text": self.empty_text,
            "export": bool(self.export_name),
            "actions": self.get_actions(request),
        }
        context.update(self.extra_context(request))
        return render(request, self.template_name, context)


class FormPage(LoginRequiredMixin, View):
    """A create or edit form. Subclasses set form_class and implement save(request, form, obj)
    (calling a service) and, for edits, get_object(request, **kwargs)."""

    title: Any = ""
    form_class = None
    template_name = "pages/form.html"
    success_message: Any = ""
    policy = None

    def get_object(self, request, **kwargs):
        return None

    def check(self, request, obj):
        """People who may not read the area do not learn the page exists (404, as for a missing
        object); readers who may not write get 403."""
        if self.policy is None:
            return
        if not self.policy.can_read(request.user):
            raise Http404
        allowed = (
            self.policy.can_change(request.user, obj)
            if obj is not None
            else self.policy.can_create(request.user)
        )
        if not allowed:
            raise PermissionDenied

    def form_kwargs(self, request, obj) -> dict:
        return {"instance": obj} if obj is not None and hasattr(self.form_class, "_meta") else {}

    def initial(self, request) -> dict:
        return {}

    def save(self, request, form, obj):
        raise NotImplementedError

    def success_url(self, request, saved) -> str:
        return request.path

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.check(request, obj)
        form = self.form_class(initial=self.initial(request), **self.form_kwargs(request, obj))
        return self.render(request, form, obj)

    def post(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.check(request, obj)
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs(request, obj))
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(request, form, obj)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.success_url(request, saved))
        return self.render(request, form, obj, status=400)

    def render(self, request, form, obj, status=200):
        return render(
            request, self.template_name, {"title": self.title, "form": form, "object": obj}, status=status
        )


def _add_errors(form, exc: ValidationError):
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


__all__ = ["Action", "Column", "Filter", "FormPage", "TablePage", "field"]
