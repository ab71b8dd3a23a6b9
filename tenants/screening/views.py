"""Screening pages (心理测评): campaigns with coverage, the instrument registry, answer entry by a
counselor, one-time student links, responses. The student's link page (`take`) is the only page
that works without signing in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, Filter, FormPage, TablePage
from tenants.care.access import reads_clinical
from tenants.care.instruments import AnswerError
from tenants.screening import registry, selectors, services
from tenants.screening.forms import AnswersForm, CampaignForm, InstrumentForm
from tenants.screening.items_zh import items_for, stem_for
from tenants.screening.models import InstrumentDefinition
from tenants.screening.policies import campaign_policy, instrument_policy
from tenants.screening.resources import area, campaigns, instruments, responses

COVERAGE_DEFINITION = gettext_lazy(
    "Coverage = screened ÷ (eligible − excluded). Eligible: the active students of the campaign's grade "
    "or class. Excluded: eligible students whose guardian has not granted consent to screening (refused, "
    "withdrawn, or no answer recorded); they are not screened. Screened: students with consent who have "
    "a response in this campaign."
)


def _scope(campaign) -> str:
    if campaign.school_class_id:
        return str(campaign.school_class)
    return _("Grade %(g)d") % {"g": campaign.grade}


def _campaign(request, id):
    return campaigns.get_for(request.user, id)


# --------------------------------------------------------------------------------------------
# Campaigns


class CampaignTable(TablePage):
    title = gettext_lazy("Screening campaigns (心理测评)")
    intro = COVERAGE_DEFINITION
    resource = campaigns
    area = area
    tab = "index"
    export_name = "心理测评计划"
    empty_text = gettext_lazy(
        "No screening campaigns yet. Start one for a grade or a class; record guardians' "
        "consent before students are screened."
    )

    @property
    def columns(self):
        exporting = self.exporting
        cov = selectors.campaign_coverage
        return [
            Column(
                gettext_lazy("Title"),
                "title",
                link=lambda c: reverse("screening:campaign", args=[c.public_id]),
            ),
            Column(gettext_lazy("Instrument"), lambda c: registry.instrument_name(c.instrument_code)),
            Column(gettext_lazy("Grade or class"), _scope),
            Column(gettext_lazy("Opens on"), "opens_on"),
            Column(gettext_lazy("Closes on"), "closes_on"),
            Column(gettext_lazy("Eligible"), lambda c: cov(c).eligible, numeric=True),
            Column(gettext_lazy("Excluded (no consent)"), lambda c: cov(c).excluded, numeric=True),
            Column(gettext_lazy("Screened"), lambda c: cov(c).screened, numeric=True),
            Column(
                gettext_lazy("Coverage"),
                (lambda c: cov(c).percent) if exporting else (lambda c: cov(c).display),
                numeric=True,
            ),
        ]

    def get_actions(self, request):
        if campaign_policy.can_create(request.user):
            return [Action(gettext_lazy("New screening campaign"), reverse("screening:campaign_new"))]
        return []


class CampaignFormPage(FormPage):
    form_class = CampaignForm
    resource = campaigns
    area = area
    tab = "index"
    success_message = gettext_lazy("The campaign was saved.")

    @property
    def title(self):
        return _("Edit campaign") if self.kwargs.get("id") else _("New screening campaign")

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        return super().get_object(request, **kwargs)

    def form_kwargs(self, request, obj):
        return {"instance": obj}

    def success_url(self, request, saved):
        return reverse("screening:campaign", args=[saved.public_id])


STATUS_CHOICES = [
    ("screened", gettext_lazy("Screened")),
    ("not_screened", gettext_lazy("Not yet screened")),
    ("excluded", gettext_lazy("Excluded: no guardian consent")),
]


def _status(student) -> str:
    if student.consent != selectors.GRANTED:
        return "excluded"
    return "screened" if student.screened else "not_screened"


def _status_filter(qs, value):
    from django.db.models import Q

    not_granted = Q(consent__isnull=True) | ~Q(consent=selectors.GRANTED)
    if value == "excluded":
        return qs.filter(not_granted)
    if value == "screened":
        return qs.filter(consent=selectors.GRANTED, screened=True)
    if value == "not_screened":
        return qs.filter(consent=selectors.GRANTED, screened=False)
    return qs


class CampaignDetail(TablePage):
    """The campaign's eligible students and the status of each. Bands and answers only for the care
    team; the principal sees who is screened, not how they scored. The students are the campaign's
    (its grade or class), not a declared resource: the read is audited through the campaign's
    declaration, one event per visit and per export."""

    policy = campaign_policy
    area = area
    tab = "index"
    template_name = "screening/campaign_detail.html"
    empty_text = gettext_lazy("No active students in this grade or class yet. Import the roster first.")
    filters = [
        Filter("status", gettext_lazy("Status"), choices=STATUS_CHOICES, apply=_status_filter),
        Filter("q", gettext_lazy("Search"), lookup="name__icontains"),
    ]

    @property
    def title(self):
        return self.campaign.title

    @property
    def export_name(self):
        return "测评名单"

    def get_queryset(self, request):
        return selectors.eligible_students(self.campaign)

    def status_label(self, student):
        code = _status(student)
        label = dict(STATUS_CHOICES)[code]
        if self.exporting:
            return str(label)
        css = {"screened": "badge-done", "not_screened": "badge-todo", "excluded": "badge-overdue"}[code]
        return format_html('<span class="badge {}">{}</span>', css, label)

    def band(self, student):
        response = self.latest.get(student.pk)
        if response is None:
            return ""
        instrument = registry.instrument_for(response.instrument_code)
        label = response.band
        if instrument and response.band:
            label = instrument.band_label(response.band)
        if not response.complete:
            label = _("Incomplete")
        flag = _(" · safety flag") if response.safety_flag else ""
        return f"{label} ({response.total if response.total is not None else '—'}){flag}"

    def actions_for(self, student):
        if self.exporting or not campaign_policy.can_create(self.request.user):
            return ""
        if _status(student) == "excluded":
            return ""
        enter = reverse("screening:enter", args=[self.campaign.public_id, student.public_id])
        link = reverse("screening:link_issue", args=[self.campaign.public_id, student.public_id])
        response = self.latest.get(student.pk)
        view = ""
        if response is not None:
            view = format_html(
                ' · <a href="{}">{}</a>',
                reverse("screening:response", args=[response.public_id]),
                _("View response"),
            )
        return format_html(
            '<a href="{}">{}</a> · <form method="post" action="{}" class="inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="link" style="color:var(--brand)">{}</button></form>{}',
            enter,
            _("Enter answers"),
            link,
            self._csrf(),
            _("Student link"),
            view,
        )

    def _csrf(self):
        from django.middleware.csrf import get_token

        return get_token(self.request)

    @property
    def columns(self):
        cols = [
            Column(gettext_lazy("Student number"), "student_number"),
            Column(gettext_lazy("Full name"), "name"),
            Column(gettext_lazy("Class"), lambda s: str(s.school_class)),
            Column(gettext_lazy("Status"), self.status_label),
        ]
        if self.clinical:
            cols.append(Column(gettext_lazy("Band (total)"), self.band))
            cols.append(Column(gettext_lazy("Actions"), self.actions_for))
        return cols

    def get(self, request, *args, **kwargs):
        self.campaign = _campaign(request, kwargs["id"])
        self.clinical = reads_clinical(request.user)
        self.latest = {}
        if self.clinical:
            for response in selectors.responses().filter(campaign=self.campaign).order_by("taken_at", "id"):
                self.latest[response.student_id] = response
        return super().get(request, *args, **kwargs)

    def audit_read(self, request, action: str):
        campaigns.audit_students(request.user, self.campaign, action=action)

    def get_actions(self, request):
        actions = []
        if campaign_policy.can_change(request.user, self.campaign):
            actions.append(
                Action(
                    gettext_lazy("Edit campaign"),
                    reverse("screening:campaign_edit", args=[self.campaign.public_id]),
                    primary=False,
                )
            )
        return actions

    def extra_context(self, request):
        return {
            "campaign": self.campaign,
            "coverage": selectors.coverage_of(self.campaign),
            "definition": COVERAGE_DEFINITION,
            "scope": _scope(self.campaign),
            "instrument_name": registry.instrument_name(self.campaign.instrument_code),
        }


# --------------------------------------------------------------------------------------------
# Entry by a counselor


def _render_entry(request, campaign, student, instrument, form, status=200):
    return render(
        request,
        "screening/entry.html",
        {
            "title": _("Enter answers"),
            "campaign": campaign,
            "student": student,
            "instrument": instrument,
            "form": form,
            "stem": stem_for(instrument),
            "area_tabs": area.tabs_for(request.user, "index"),
        },
        status=status,
    )


@login_required
def enter(request, id, student_id):
    campaign = _campaign(request, id)
    if not campaign_policy.can_create(request.user):
        raise PermissionDenied
    student = get_object_or_404(selectors.eligible_students(campaign), public_id=student_id)
    instrument = registry.instrument_for(campaign.instrument_code)
    if instrument is None:
        raise Http404
    items = items_for(instrument)
    form = AnswersForm(request.POST or None, items=items)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    response = services.screening_record(
                        student=student,
                        instrument=instrument,
                        answers=form.answers(),
                        actor=request.user,
                        campaign=campaign,
                    )
            except AnswerError as exc:
                form.add_answer_errors(exc)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if response.crisis_case is not None:
                    return redirect(reverse("crisis:case", args=[response.crisis_case.public_id]))
                return redirect(reverse("screening:response", args=[response.public_id]))
        return _render_entry(request, campaign, student, instrument, form, status=400)
    if student.consent != selectors.GRANTED:
        form.add_error(
            None,
            _(
                "No guardian consent to screening is in force for this student: they cannot be "
                "screened. Record the guardian's consent first."
            ),
        )
    return _render_entry(request, campaign, student, instrument, form)


# --------------------------------------------------------------------------------------------
# One-time student links


@login_required
@require_POST
def link_issue(request, id, student_id):
    campaign = _campaign(request, id)
    if not campaign_policy.can_create(request.user):
        raise PermissionDenied
    student = get_object_or_404(selectors.eligible_students(campaign), public_id=student_id)
    context = {
        "title": _("Student link"),
        "campaign": campaign,
        "student": student,
        "area_tabs": area.tabs_for(request.user, "index"),
        "days": services.LINK_DAYS,
    }
    try:
        token = services.link_issue(actor=request.user, campaign=campaign, student=student)
    except ValidationError as exc:
        return render(request, "screening/link_issued.html", {**context, "errors": exc.messages}, status=400)
    context["url"] = request.build_absolute_uri(reverse("screening:take", args=[token]))
    return render(request, "screening/link_issued.html", context)


@never_cache
def take(request, token):
    """The student's page: no account, works once, shows the items in Chinese, thanks after submit
    and never shows the score."""
    try:
        link = services.link_by_token(token)
    except services.LinkUnusable as exc:
        return render(
            request,
            "screening/take_closed.html",
            {"reason": exc.reason},
            status=410 if exc.reason != "unknown" else 404,
        )
    instrument = registry.instrument_for(link.campaign.instrument_code)
    if instrument is None:
        return render(request, "screening/take_closed.html", {"reason": "unknown"}, status=404)
    items = items_for(instrument)
    form = AnswersForm(request.POST or None, items=items, choices_widget=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.link_submit(token=token, answers=form.answers())
            except services.LinkUnusable as exc:
                return render(request, "screening/take_closed.html", {"reason": exc.reason}, status=410)
            except AnswerError as exc:
                form.add_answer_errors(exc)
            except ValidationError:
                return render(request, "screening/take_closed.html", {"reason": "closed"}, status=410)
            else:
                return render(request, "screening/take_thanks.html", {})
    return render(
        request,
        "screening/take.html",
        {
            "instrument": instrument,
            "form": form,
            "stem": stem_for(instrument),
            "notice": instrument.notice,
        },
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------------------------
# Responses (care team only)


class ResponseTable(TablePage):
    title = gettext_lazy("Screening responses")
    intro = gettext_lazy(
        "Every response, newest first. A safety flag (PHQ-9 item 9 ≥ 1) opens a crisis case."
    )
    resource = responses
    area = area
    tab = "responses"
    export_name = "测评结果"
    empty_text = gettext_lazy("No responses yet. Open a campaign and enter answers, or send a student link.")
    # The API's student and campaign ids are not offered on the page.
    filters = [f for f in responses.filters if f.name not in ("student", "campaign")]

    @property
    def columns(self):
        return [
            Column(
                gettext_lazy("Taken at"),
                lambda r: r.taken_at.strftime("%Y-%m-%d %H:%M"),
                link=lambda r: reverse("screening:response", args=[r.public_id]),
            ),
            Column(gettext_lazy("Student"), "student.name"),
            Column(gettext_lazy("Class"), lambda r: str(r.student.school_class)),
            Column(gettext_lazy("Instrument"), lambda r: registry.instrument_name(r.instrument_code)),
            Column(gettext_lazy("Total score"), "total", numeric=True),
            Column(gettext_lazy("Band"), "band"),
            Column(gettext_lazy("Safety flag"), lambda r: _("Yes") if r.safety_flag else ""),
            Column(gettext_lazy("Follow-up"), self.follow_up),
            Column(gettext_lazy("Campaign"), lambda r: r.campaign.title if r.campaign else ""),
        ]

    def follow_up(self, response):
        if not response.positive:
            return ""
        return _("Followed up") if response.followed_up else _("Waiting for follow-up")


@login_required
def response_detail(request, id):
    response = responses.get_for(request.user, id)
    responses.audit_read(request.user, response)
    instrument = registry.instrument_for(response.instrument_code)
    answers = services.answers_of(response)
    rows = []
    items = items_for(instrument) if instrument else []
    for index, value in enumerate(answers):
        item = items[index] if index < len(items) else {"text": "", "choices": []}
        label = dict(item["choices"]).get(value, "") if value is not None else _("No answer")
        rows.append({"number": index + 1, "text": item["text"], "value": value, "label": label})
    band_label = ""
    if instrument and response.band:
        band_label = instrument.band_label(response.band)
    return render(
        request,
        "screening/response_detail.html",
        {
            "title": _("Screening response"),
            "response": response,
            "instrument": instrument,
            "rows": rows,
            "band_label": band_label,
            "case": services.crisis_case_of(response),
            "area_tabs": area.tabs_for(request.user, "responses"),
        },
    )


# --------------------------------------------------------------------------------------------
# Instrument registry


def _instrument_rows():
    definitions = {d.code: d for d in InstrumentDefinition.objects.all()}
    rows = []
    for instrument in registry.all_instruments():
        rows.append({"instrument": instrument, "definition": definitions.get(instrument.code)})
    return rows


class InstrumentTable(TablePage):
    title = gettext_lazy("Screening instruments (量表)")
    intro = gettext_lazy(
        "Built-in instruments are scored exactly as published. A school may define its own: item "
        "range, sum scoring and bands, with the licence terms under which it may be used."
    )
    # Rows are the built-in instruments and the school's own (not one queryset): the page's own rows.
    policy = instrument_policy
    area = area
    tab = "instruments"
    export_name = "测评量表"
    empty_text = gettext_lazy("No instruments.")
    filters = [
        Filter(
            "kind",
            gettext_lazy("Kind"),
            choices=[
                ("builtin", gettext_lazy("Built-in")),
                ("defined", gettext_lazy("Defined by the school")),
            ],
            apply=lambda rows, v: [r for r in rows if r["instrument"].builtin == (v == "builtin")],
        ),
    ]

    def edit_link(self, row):
        if row["definition"] is not None and instrument_policy.can_change(
            self.request.user, row["definition"]
        ):
            return reverse("screening:instrument_edit", args=[row["definition"].public_id])
        return None

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Code"), lambda r: r["instrument"].code),
            Column(gettext_lazy("Name"), lambda r: r["instrument"].name_zh, link=self.edit_link),
            Column(gettext_lazy("Items"), lambda r: r["instrument"].item_count, numeric=True),
            Column(
                gettext_lazy("Answer range"),
                lambda r: f"{r['instrument'].item_min}-{r['instrument'].item_max}",
            ),
            Column(
                gettext_lazy("Bands"),
                lambda r: "；".join(f"{b.lower}-{b.upper} {b.label_zh}" for b in r["instrument"].bands),
            ),
            Column(gettext_lazy("Licence terms"), lambda r: r["instrument"].licence),
            Column(
                gettext_lazy("Kind"),
                lambda r: _("Built-in") if r["instrument"].builtin else _("Defined by the school"),
            ),
        ]

    def get_queryset(self, request):
        return _instrument_rows()

    def get_actions(self, request):
        if instrument_policy.can_create(request.user):
            return [Action(gettext_lazy("Define an instrument"), reverse("screening:instrument_new"))]
        return []


class InstrumentFormPage(FormPage):
    form_class = InstrumentForm
    policy = instrument_policy
    success_message = gettext_lazy("The instrument was saved.")

    @property
    def title(self):
        return _("Edit instrument") if self.kwargs.get("id") else _("Define an instrument")

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        if not kwargs.get("id"):
            return None
        return instruments.get_for(request.user, kwargs["id"])

    def form_kwargs(self, request, obj):
        return {"instance": obj}

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.instrument_define(actor=request.user, **data)
        data.pop("code", None)
        return services.instrument_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("screening:instruments")
