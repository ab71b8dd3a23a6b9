"""Library pages on the district host (browse, publish, review) and on a school's host (browse,
import, propose, see the outcome). Access rules are in library.access."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from library import access, importing, selectors, services
from library.forms import DistrictItemForm, ImportForm, ProposalForm, ReturnForm
from library.models import IMPORTABLE_KINDS, ItemKind, ItemStatus
from shared.pages import Action, Column, TablePage, add_errors
from shared.resources import Area, Filter, Tab
from tenants.programs.models import GRADE_CHOICES


def _has(roles):
    return lambda user: user.is_authenticated and user.has_role(*roles)


DISTRICT_AREA = Area(
    namespace="library",
    label=gettext_lazy("Resource library"),
    tabs=(
        Tab("index", "library:index", gettext_lazy("Library"), shown=_has(access.DISTRICT_READERS)),
        Tab(
            "review",
            "library:review_list",
            gettext_lazy("Review queue"),
            shown=_has(access.DISTRICT_PUBLISHERS),
        ),
        Tab(
            "create",
            "library:create",
            gettext_lazy("Publish an item"),
            shown=_has(access.DISTRICT_PUBLISHERS),
        ),
    ),
)
SCHOOL_AREA = Area(
    namespace="library",
    label=gettext_lazy("Resource library"),
    tabs=(
        Tab("index", "library:index", gettext_lazy("Library"), shown=_has(access.SCHOOL_READERS)),
        Tab(
            "proposals", "library:proposals", gettext_lazy("Our proposals"), shown=_has(access.PROPOSER_ROLES)
        ),
        Tab(
            "propose",
            "library:propose",
            gettext_lazy("Propose to the district library"),
            shown=_has(access.PROPOSER_ROLES),
        ),
    ),
)


def _tabs(area, request, current):
    return {"area_tabs": area.tabs_for(request.user, current), "area_label": area.label}


class _Check:
    """A TablePage policy from a request check (library.access)."""

    def __init__(self, check):
        self.check = check
        self.request = None

    def can_read(self, user):
        return self.check(self.request)


def _tag_options(request):
    return [(t, t) for t in selectors.all_tags()[:100]]


LIBRARY_FILTERS = [
    Filter("q", gettext_lazy("Search"), apply=selectors.search),
    Filter("kind", gettext_lazy("Type"), choices=ItemKind.choices),
    Filter(
        "tag", gettext_lazy("Tag"), choices=_tag_options, apply=lambda qs, v: qs.filter(tags__contains=[v])
    ),
    Filter(
        "grade",
        gettext_lazy("Grade"),
        choices=GRADE_CHOICES,
        apply=lambda qs, v: qs.filter(grades__contains=[int(v)]),
    ),
]


def _library_columns(detail_name):
    return [
        Column(gettext_lazy("Title"), "title", link=lambda i: reverse(detail_name, args=[i.public_id])),
        Column(gettext_lazy("Type"), lambda i: i.get_kind_display()),
        Column(gettext_lazy("Source"), lambda i: i.source_name),
        Column(gettext_lazy("Grades"), lambda i: i.grades_display),
        Column(gettext_lazy("Tags"), lambda i: "、".join(i.tags)),
        Column(gettext_lazy("Downloads"), "download_count", numeric=True),
        Column(gettext_lazy("Imports"), "import_count", numeric=True),
        Column(gettext_lazy("Published"), lambda i: i.published_at.date() if i.published_at else ""),
    ]


class _LibraryPage(TablePage):
    check = None

    def get_policy(self):
        policy = _Check(type(self).check)
        policy.request = self.request
        return policy

    def area_context(self, request):
        return _tabs(self.area, request, self.tab)


class _PublishedList(_LibraryPage):
    """The published items, on either host: the same filters, columns, rows and export."""

    filters = LIBRARY_FILTERS
    export_name = "library.xlsx"

    @property
    def columns(self):
        return _library_columns("library:detail")

    def get_queryset(self, request):
        return selectors.published_items()


# --------------------------------------------------------------------------------------------
# District host


class DistrictLibrary(_PublishedList):
    check = staticmethod(access.can_read_district)
    area = DISTRICT_AREA
    tab = "index"
    title = gettext_lazy("Resource library")
    intro = gettext_lazy(
        "Published by the district and by schools. Search looks in titles, summaries and tags."
    )
    empty_text = gettext_lazy(
        "Nothing is published yet. Publish the first item: courseware, a plan template, an instrument…"
    )

    def get_actions(self, request):
        if access.can_publish(request):
            return [Action(_("Publish an item"), reverse("library:create"))]
        return []


district_list = DistrictLibrary.as_view()


class ReviewQueue(_LibraryPage):
    check = staticmethod(access.can_publish)
    area = DISTRICT_AREA
    tab = "review"
    title = gettext_lazy("Proposals waiting for review")
    intro = gettext_lazy(
        "Schools' proposals, oldest first. Approve to publish under the school's name, or return with a reason."
    )
    empty_text = gettext_lazy("No proposal is waiting. Schools propose from their library page.")
    filters = [Filter("kind", gettext_lazy("Type"), choices=ItemKind.choices)]
    export_name = "library-review.xlsx"
    columns = [
        Column(gettext_lazy("Title"), "title", link=lambda i: reverse("library:review", args=[i.public_id])),
        Column(gettext_lazy("Type"), lambda i: i.get_kind_display()),
        Column(gettext_lazy("School"), lambda i: i.source_name),
        Column(
            gettext_lazy("Submitted at"),
            lambda i: i.submitted_at.strftime("%Y-%m-%d %H:%M") if i.submitted_at else "",
        ),
    ]

    def get_queryset(self, request):
        return selectors.pending_proposals()


review_list = ReviewQueue.as_view()


@access.guarded(access.can_publish)
def district_create(request):
    form = DistrictItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    item = services.item_publish(
                        actor=request.user,
                        kind=data["kind"],
                        title=data["title"],
                        summary=data["summary"],
                        body=data["body"],
                        tags=data["tags"],
                        grades=data["grades"],
                        licence=data["licence"],
                        structured={name: data.get(name) for name in DistrictItemForm.STRUCTURED},
                        files=data.get("files") or [],
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Published."))
                return redirect("library:detail", item.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"title": _("Publish an item"), "form": form, **_tabs(DISTRICT_AREA, request, "create")}
    return render(request, "library/district_form.html", context, status=status)


def _district_items(request):
    if access.can_publish(request):
        return selectors._base()  # reviewers see proposals in every state
    return selectors.published_items()


@access.guarded(access.can_read_district)
def district_detail(request, id):
    item = selectors.item_get(_district_items(request), id)
    if request.method == "POST":
        if not access.can_publish(request):
            raise PermissionDenied
        if request.POST.get("action") == "withdraw":
            services.item_withdraw(item, actor=request.user)
            messages.success(request, _("The item was withdrawn from the library."))
            return redirect("library:index")
        raise Http404
    return _render_detail(request, item, host="district", tabs=_tabs(DISTRICT_AREA, request, "index"))


@access.guarded(access.can_publish)
def review(request, id):
    item = selectors.item_get(selectors._base().filter(school__isnull=False), id)
    form = ReturnForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                services.proposal_approve(item, actor=request.user)
                messages.success(request, _("Approved and published under the school's name."))
                return redirect("library:review_list")
            if request.POST.get("action") == "return":
                form = ReturnForm(request.POST)
                if form.is_valid():
                    services.proposal_return(item, actor=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("Returned to the school with your reason."))
                    return redirect("library:review_list")
            else:
                raise Http404
        except ValidationError as exc:
            add_errors(form, exc)
        item.refresh_from_db()
        return _render_detail(
            request,
            item,
            host="district",
            review_form=form,
            status=400,
            tabs=_tabs(DISTRICT_AREA, request, "review"),
        )
    return _render_detail(
        request, item, host="district", review_form=form, tabs=_tabs(DISTRICT_AREA, request, "review")
    )


def _serve(request, items):
    stored = selectors.file_get(items, request.resolver_match.kwargs["id"])
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    services.file_downloaded(stored)
    return FileResponse(handle, as_attachment=True, filename=stored.name)


@access.guarded(access.can_read_district)
def district_file(request, id):
    return _serve(request, _district_items(request))


# --------------------------------------------------------------------------------------------
# School host


class SchoolLibrary(_PublishedList):
    check = staticmethod(access.can_read_school)
    area = SCHOOL_AREA
    tab = "index"
    title = gettext_lazy("Resource library")
    intro = gettext_lazy(
        "Courseware, designs, templates and instruments shared by the district and by schools. "
        "Import a copy into your workspace: after that it is your own."
    )
    empty_text = gettext_lazy(
        "Nothing is published yet. The district publishes items here; you can also propose your own."
    )

    def get_actions(self, request):
        if access.can_propose(request):
            return [Action(_("Propose to the district library"), reverse("library:propose"))]
        return []


school_list = SchoolLibrary.as_view()


class SchoolProposals(_LibraryPage):
    check = staticmethod(access.can_propose)
    area = SCHOOL_AREA
    tab = "proposals"
    title = gettext_lazy("Our proposals")
    intro = gettext_lazy("What your school proposed to the district library, and the district's answer.")
    empty_text = gettext_lazy("Your school has proposed nothing yet. Choose one of your records to propose.")
    filters = [Filter("status", gettext_lazy("Status"), choices=ItemStatus.choices)]
    export_name = "library-proposals.xlsx"
    columns = [
        Column(gettext_lazy("Title"), "title", link=lambda i: reverse("library:detail", args=[i.public_id])),
        Column(gettext_lazy("Type"), lambda i: i.get_kind_display()),
        Column(gettext_lazy("Status"), lambda i: i.get_status_display()),
        Column(gettext_lazy("Reason"), "review_reason"),
        Column(
            gettext_lazy("Submitted at"),
            lambda i: i.submitted_at.strftime("%Y-%m-%d %H:%M") if i.submitted_at else "",
        ),
        Column(gettext_lazy("Imports"), "import_count", numeric=True),
    ]

    def get_queryset(self, request):
        return selectors.school_proposals(request.tenant)

    def get_actions(self, request):
        return [Action(_("Propose to the district library"), reverse("library:propose"))]


proposals = SchoolProposals.as_view()


def _school_items(request):
    return selectors.items_for_school(request.tenant)


@access.guarded(access.can_read_school)
def school_detail(request, id):
    item = selectors.item_get(_school_items(request), id)
    form = None
    if item.status == ItemStatus.PUBLISHED and item.kind in IMPORTABLE_KINDS:
        if importing.import_policy_allows(request.user, item.kind):
            form = ImportForm(item=item)
    return _render_detail(
        request, item, host="school", import_form=form, tabs=_tabs(SCHOOL_AREA, request, "index")
    )


_RECORD_URLS = {
    "programs.activity": "programs:activity",
    "programs.curriculumunit": None,
    "governance.plan": "governance:plan",
    "screening.instrumentdefinition": None,
}
_LIST_URLS = {
    "programs.activity": "/programs/activities/",
    "programs.curriculumunit": "/programs/curriculum/",
    "governance.plan": "/governance/plans/",
    "screening.instrumentdefinition": "/screening/instruments/",
}


def _record_url(label, record) -> str:
    name = _RECORD_URLS.get(label)
    if name:
        try:
            return reverse(name, args=[record.public_id])
        except Exception:  # noqa: BLE001 - a missing URL name falls back to the list
            pass
    return _LIST_URLS.get(label, "/")


@access.guarded(access.can_read_school)
def school_import(request, id):
    if request.method != "POST":
        return redirect("library:detail", id)
    item = selectors.item_get(_school_items(request).filter(status=ItemStatus.PUBLISHED), id)
    if item.kind not in IMPORTABLE_KINDS:
        raise Http404
    if not importing.import_policy_allows(request.user, item.kind):
        raise PermissionDenied
    form = ImportForm(request.POST, item=item)
    if form.is_valid():
        try:
            with transaction.atomic():
                record = services.item_import(
                    item, actor=request.user, school=request.tenant, options=form.cleaned_data
                )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Imported: the copy is now your school's own record."))
            return redirect(_record_url(_label_of(record), record))
    item.refresh_from_db()
    return _render_detail(
        request, item, host="school", import_form=form, status=400, tabs=_tabs(SCHOOL_AREA, request, "index")
    )


def _label_of(record) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}"


@access.guarded(access.can_read_school)
def school_file(request, id):
    return _serve(request, _school_items(request))


@access.guarded(access.can_propose)
def propose(request):
    """The school's records this person may propose; choosing one opens the proposal form."""
    model = request.GET.get("model", "")
    if model and model not in importing.SOURCE_MODELS:
        model = ""
    sources = importing.school_sources(request.user, model=model)
    context = {
        "title": _("Propose to the district library"),
        "sources": sources,
        "models": [(label, ItemKind(kind).label) for label, kind in importing.SOURCE_MODELS.items()],
        "model": model,
        **_tabs(SCHOOL_AREA, request, "propose"),
    }
    return render(request, "library/propose.html", context)


@access.guarded(access.can_propose)
def propose_form(request, model, id):
    try:
        source = importing.source_get(request.user, model=model, public_id=id)
    except ValidationError:
        raise Http404 from None
    described = importing.describe_source(model, source)
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    item = services.proposal_submit(
                        actor=request.user,
                        school=request.tenant,
                        source_model=model,
                        source_id=source.public_id,
                        title=data["title"],
                        summary=data["summary"],
                        body=data["body"],
                        tags=data["tags"],
                        files=data.get("files") or [],
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Sent to the district for review. The outcome shows under “Our proposals”.")
                )
                return redirect("library:detail", item.public_id)
        status = 400
    else:
        form = ProposalForm(initial={"title": described["title"], "body": described["body"]})
        status = 200
    context = {
        "title": _("Propose to the district library"),
        "form": form,
        "kind_label": ItemKind(importing.SOURCE_MODELS[model]).label,
        "described": described,
        **_tabs(SCHOOL_AREA, request, "propose"),
    }
    return render(request, "library/propose_form.html", context, status=status)


# --------------------------------------------------------------------------------------------


def _render_detail(request, item, *, host, tabs, import_form=None, review_form=None, status=200):
    from tenants.governance.models import PlanKind
    from tenants.programs.models import ActivityKind

    content = item.content or {}
    facts = []
    if item.kind == ItemKind.ACTIVITY_DESIGN and content.get("activity_kind") in ActivityKind.values:
        facts.append((_("Activity kind"), ActivityKind(content["activity_kind"]).label))
    if item.kind == ItemKind.CURRICULUM_UNIT:
        facts.append((_("Planned lessons"), content.get("planned_sessions")))
    if item.kind == ItemKind.PLAN_TEMPLATE and content.get("plan_kind") in PlanKind.values:
        facts.append((_("Plan kind"), PlanKind(content["plan_kind"]).label))
    if item.kind == ItemKind.INSTRUMENT:
        if content.get("builtin"):
            facts.append(
                (
                    _("Instrument"),
                    _("Built into every school's registry (%(code)s)") % {"code": content["builtin"]},
                )
            )
        else:
            facts.append((_("Code"), content.get("code")))
            facts.append((_("Items"), content.get("items")))
            facts.append((_("Answer range"), f"{content.get('item_min')}–{content.get('item_max')}"))
            facts.append(
                (
                    _("Bands"),
                    "；".join(
                        f"{b.get('lower')}–{b.get('upper')} {b.get('label_zh', '')}"
                        for b in content.get("bands") or []
                    ),
                )
            )
    context = {
        "item": item,
        "host": host,
        "facts": facts,
        "key_tasks": content.get("key_tasks") or [],
        "item_texts": content.get("item_texts") or [],
        "files": list(item.files.all()),
        "import_form": import_form,
        "review_form": review_form,
        "can_publish": host == "district" and access.can_publish(request),
        "importable": item.kind in IMPORTABLE_KINDS,
        **tabs,
    }
    return render(request, "library/detail.html", context, status=status)
