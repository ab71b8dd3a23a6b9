"""The district console's pages on the district host: schools (provision one, onboard many from
CSV, suspend, reactivate, archive), the review queue and the audit log. District admins act; the
analyst reads the schools and the audit log; the reviewer works the review queue. Anyone else
signed in gets 404; nobody signed in, the sign-in page (district.access)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from district import selectors, services
from district.access import (
    admin_policy,
    console_admin,
    console_reader,
    is_console_admin,
    readers_policy,
    reviewer,
)
from district.area import CONSOLE_AREA, console_tabs
from district.models import DistrictAuditEvent, OnboardingJob, School, SchoolStatus, SchoolType
from shared.pages import Action, Column, FormPage, TablePage, add_errors
from shared.resources import Filter

MB = 1024 * 1024


def _school_link(school) -> str:
    return reverse("district:school", args=[school.code])


def _local(value):
    return timezone.localtime(value) if value else None


class SchoolListPage(TablePage):
    title = gettext_lazy("Schools")
    intro = gettext_lazy(
        "Each school's status, its administrator, when its figures last arrived and the storage it uses."
    )
    policy = readers_policy
    area = CONSOLE_AREA
    tab = "schools"
    export_name = "学校"
    filters = [
        Filter("status", gettext_lazy("Status"), choices=list(SchoolStatus.choices)),
        Filter("type", gettext_lazy("Type"), choices=list(SchoolType.choices), lookup="school_type"),
        Filter(
            "q",
            gettext_lazy("Search"),
            apply=lambda qs, v: qs.filter(
                Q(name__icontains=v) | Q(code__icontains=v) | Q(number__icontains=v)
            ),
        ),
    ]
    empty_text = gettext_lazy(
        "No schools yet. Provision the first one, or onboard many at once from a CSV file."
    )

    def get_queryset(self, request):
        return selectors.school_table()

    def facts(self, school) -> dict:
        if not hasattr(self, "_facts"):
            # One query for every school of the registry (a few hundred at most).
            self._facts = selectors.school_side_facts(School.objects.values_list("schema_name", flat=True))
        return self._facts.get(school.schema_name, {})

    def _bytes(self, n):
        if self.exporting:
            return round((n or 0) / MB, 2)
        return filesizeformat(n or 0)

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Number"), "number"),
            Column(gettext_lazy("Name"), "name", link=_school_link),
            Column(gettext_lazy("Code"), "code"),
            Column(gettext_lazy("Type"), "get_school_type_display"),
            Column(gettext_lazy("Status"), "get_status_display"),
            Column(gettext_lazy("Administrator"), lambda s: self.facts(s).get("admin_name", "")),
            Column(gettext_lazy("Administrator's email"), lambda s: self.facts(s).get("admin_email", "")),
            Column(
                gettext_lazy("Figures last arrived"),
                lambda s: _local(s.figures_at) or ("" if self.exporting else _("never")),
            ),
            Column(
                gettext_lazy("Database (MB)") if self.exporting else gettext_lazy("Database"),
                lambda s: self._bytes(s.db_bytes),
                numeric=True,
            ),
            Column(
                gettext_lazy("Files (MB)") if self.exporting else gettext_lazy("Files"),
                lambda s: self._bytes(self.facts(s).get("file_bytes", 0)),
                numeric=True,
            ),
        ]

    def get_actions(self, request):
        if not is_console_admin(request.user):
            return []
        return [
            Action(_("Provision a school"), reverse("district:school_new")),
            Action(_("Onboard from CSV"), reverse("district:onboard"), primary=False),
        ]


@console_reader
def school_detail(request, code):
    school = get_object_or_404(selectors.school_table(), code=code)
    facts = selectors.school_side_facts([school.schema_name]).get(school.schema_name, {})
    events = DistrictAuditEvent.objects.filter(school=school).order_by("-at", "-id")[:10]
    context = {
        "school": school,
        "facts": facts,
        "events": events,
        "can_act": is_console_admin(request.user),
        "changes": _changes_for(school),
        **console_tabs(request, "schools"),
    }
    return render(request, "district/console/school.html", context)


def _changes_for(school) -> list[tuple[str, str, str]]:
    """(change, button label, confirmation) offered for the school's current status."""
    offered = {
        SchoolStatus.ACTIVE: ["suspend", "archive"],
        SchoolStatus.SUSPENDED: ["reactivate", "archive"],
        SchoolStatus.ARCHIVED: ["reactivate"],
    }[school.status]
    labels = {
        "suspend": (
            _("Suspend"),
            _("Its site will answer that it is suspended, and nobody there can sign in. Suspend it?"),
        ),
        "reactivate": (_("Reactivate"), _("Its site opens again for its accounts. Reactivate it?")),
        "archive": (
            _("Archive"),
            _("Its site disappears; its records are kept and it can be reactivated. Archive it?"),
        ),
    }
    return [(change, *labels[change]) for change in offered]


@console_admin
def school_status(request, code, change):
    if request.method != "POST":
        raise Http404
    school = get_object_or_404(School, code=code)
    try:
        services.school_status_change(school=school, change=change, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now %(status)s.")
            % {"name": school.name, "status": School.objects.get(pk=school.pk).get_status_display()},
        )
    return redirect("district:school", code=school.code)


@console_admin
def school_admin_link(request, code):
    if request.method != "POST":
        raise Http404
    school = get_object_or_404(School, code=code)
    try:
        username, link = services.school_admin_link(school=school, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("district:school", code=school.code)
    context = {"school": school, "username": username, "link": link, **console_tabs(request, "schools")}
    return render(request, "district/console/school_link.html", context)


class SchoolForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=30,
        help_text=gettext_lazy(
            "The school's subdomain: 2-30 lowercase letters or digits, starting with a letter."
        ),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    school_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=SchoolType.choices)
    number = forms.CharField(label=gettext_lazy("District school number"), max_length=30)
    student_count = forms.IntegerField(label=gettext_lazy("Student count"), min_value=0, initial=0)
    admin_name = forms.CharField(label=gettext_lazy("School administrator's name"), max_length=50)
    admin_email = forms.EmailField(label=gettext_lazy("School administrator's email"))


class SchoolCreatePage(FormPage):
    """Provisions through district.services.school_provision; the new admin's one-time link is shown
    on the page that answers the form, once."""

    title = gettext_lazy("Provision a school")
    form_class = SchoolForm
    policy = admin_policy
    area = CONSOLE_AREA
    tab = "schools"

    def post(self, request, **kwargs):
        self.check(request, None)
        form = self.make_form(request, None, request.POST)
        if form.is_valid():
            try:
                result = services.school_provision(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                context = {
                    "school": result.school,
                    "username": result.admin_username,
                    "link": result.set_password_url,
                    "created": True,
                    **console_tabs(request, "schools"),
                }
                return render(request, "district/console/school_link.html", context)
        return self.render(request, form, None, status=400)


class OnboardForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: code, name, type, number, student_count, admin_name, admin_email. "
            "UTF-8 (with or without BOM) or GBK; one school per line."
        ),
    )


@console_admin
def onboard(request):
    form = OnboardForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.onboarding_start(actor=request.user, data=upload.read(), file_name=upload.name)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("district:onboarding_job", id=job.public_id)
        status = 400
    context = {
        "form": form,
        "jobs": selectors.onboarding_jobs()[:20],
        **console_tabs(request, "schools"),
    }
    return render(request, "district/console/onboard.html", context, status=status)


def _job_context(request, id) -> dict:
    job = get_object_or_404(OnboardingJob.objects.defer("csv_text"), public_id=id)
    links = services.onboarding_links_take(job=job, actor=request.user) if job.finished else {}
    rows = [dict(row, link=links.get(str(row["line"]))) for row in job.rows]
    return {"job": job, "rows": rows, "links_now": bool(links)}


@console_admin
def onboarding_job(request, id):
    context = {**_job_context(request, id), **console_tabs(request, "schools")}
    return render(request, "district/console/onboarding_job.html", context)


@console_admin
def onboarding_progress(request, id):
    """The job's progress and lines, polled by HTMX every second until it ends."""
    return render(request, "district/console/_onboarding_progress.html", _job_context(request, id))


REVIEW_KINDS = {
    "case_study": gettext_lazy("Case study"),
    "report": gettext_lazy("Reported post"),
}


@reviewer
def review(request):
    items = [
        dict(item, kind_label=REVIEW_KINDS.get(item.get("kind"), item.get("kind")))
        for item in selectors.review_queue()
    ]
    return render(
        request, "district/console/review.html", {"items": items, **console_tabs(request, "review")}
    )


def _school_choices(request):
    return list(School.objects.order_by("number").values_list("code", "name"))


def _action_choices(request):
    return [
        (a, a)
        for a in DistrictAuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    ]


class AuditLogPage(TablePage):
    title = gettext_lazy("Audit log")
    intro = gettext_lazy(
        "Every district action: who, what, when and at which school. Entries cannot be changed or removed."
    )
    policy = readers_policy
    area = CONSOLE_AREA
    tab = "audit"
    export_name = "区级操作日志"
    filters = [
        Filter("action", gettext_lazy("Action"), choices=_action_choices),
        Filter("school", gettext_lazy("School"), choices=_school_choices, lookup="school__code"),
        Filter("actor", gettext_lazy("Who"), lookup="actor__icontains"),
        Filter("from", gettext_lazy("From (YYYY-MM-DD)"), kind="date", lookup="at__date__gte"),
        Filter("to", gettext_lazy("To (YYYY-MM-DD)"), kind="date", lookup="at__date__lte"),
    ]
    columns = [
        Column(gettext_lazy("When"), lambda e: _local(e.at)),
        Column(gettext_lazy("Who"), lambda e: e.actor or _("platform")),
        Column(gettext_lazy("Action"), "action"),
        Column(gettext_lazy("School"), lambda e: e.school.name if e.school_id else ""),
        Column(gettext_lazy("Record"), "target"),
        Column(gettext_lazy("What"), "summary"),
    ]
    empty_text = gettext_lazy("No district actions recorded yet.")

    def get_queryset(self, request):
        return DistrictAuditEvent.objects.select_related("school").order_by("-at", "-id")
