"""监督评估 pages. Tables and forms of the declared resources (tenants/evaluation/resources.py) are
declarations; what stays written out is what is not plain: the overview, detail pages, the scores
sheet, forms created under a parent (an indicator of a set, an action of an assessment, a question of
a questionnaire), the answer links, the results and the public answer page (`answer`), the only page
that works without signing in. Evidence files download through workspace:file."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from figures.school_view import school_vs_district
from shared.calendar import school_year_bounds, school_year_of
from shared.pages import Action, Column, FormPage, TablePage, add_errors, is_uuid
from tenants.evaluation import selectors, services
from tenants.evaluation.forms import (
    AssessmentForm,
    CommendationForm,
    ImprovementActionForm,
    IndicatorForm,
    IndicatorSetForm,
    LinksForm,
    QuestionForm,
    QuestionnaireForm,
    ScoresForm,
    current_term,
)
from tenants.evaluation.models import (
    ImprovementAction,
    IndicatorSet,
    Question,
    QuestionKind,
    QuestionnaireStatus,
)
from tenants.evaluation.policies import answers_policy
from tenants.evaluation.resources import (
    area,
    commendations,
    improvement_actions,
    indicator_sets,
    indicators,
    questionnaire_links,
    questionnaire_questions,
    questionnaires,
    self_assessments,
)
from tenants.ledger.models import OPEN_STATUSES, TaskStatus

policy = indicator_sets.policy  # the area's policy: staff read, principal and secretary manage


def _url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def _task_url(task):
    try:
        return reverse("ledger:task", args=[task.public_id]) if task else None
    except NoReverseMatch:
        return None


def _readable(request):
    if not policy.can_read(request.user):
        raise Http404


def _tabs(request, tab):
    return area.tabs_for(request.user, tab)


class _Table(TablePage):
    area = area
    new_url_name = ""
    new_label = ""

    def get_actions(self, request):
        if self.new_url_name and self.resource.policy.can_create(request.user):
            return [Action(self.new_label, _url(self.new_url_name))]
        return []


class _Form(FormPage):
    """Readers who may not manage get 403; people outside the staff (invited attendees, the
    school admin) get 404, as for every page of the area."""

    area = area


# ---------------------------------------------------------------------------------------------
# Landing


@login_required
def index(request):
    _readable(request)
    today = timezone.localdate()
    year = school_year_of(today)
    assessments = list(selectors.assessment_list()[:5])
    latest = assessments[0] if assessments else None
    open_questionnaires = list(selectors.questionnaire_list().filter(status=QuestionnaireStatus.OPEN)[:5])
    actions = ImprovementAction.objects.aggregate(
        open=Count("id", filter=Q(task__status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(task__status__in=OPEN_STATUSES, task__due_on__lt=today)),
        done=Count("id", filter=Q(task__status=TaskStatus.DONE)),
    )
    first, last = school_year_bounds(year)
    this_year = selectors.commendation_list().filter(awarded_on__gte=first, awarded_on__lte=last)
    context = {
        "area_tabs": _tabs(request, "index"),
        "set_count": IndicatorSet.objects.count(),
        "latest": latest,
        "latest_totals": selectors.assessment_totals(latest) if latest else None,
        "assessments": [(a, selectors.assessment_totals(a)) for a in assessments],
        "actions": actions,
        "open_questionnaires": open_questionnaires,
        "response_total": sum(q.response_count for q in open_questionnaires),
        "commendation_count": this_year.count(),
        "recent_commendations": list(selectors.commendation_list()[:5]),
        "school_year": year,
        "can_manage": policy.can_create(request.user),
        # The school against the district (figures.school_view): the leadership group only.
        "vs_district": school_vs_district(request.user, getattr(request, "tenant", None)),
    }
    return render(request, "evaluation/index.html", context)


# ---------------------------------------------------------------------------------------------
# Indicator sets


class IndicatorSetListPage(_Table):
    title = gettext_lazy("Indicator sets (评估指标体系)")
    intro = gettext_lazy("The indicators the school assesses its mental-health education work against.")
    resource = indicator_sets
    tab = "sets"
    columns = [
        Column(gettext_lazy("Name"), "name", link=lambda s: _url("set", s.public_id)),
        Column(gettext_lazy("Indicators"), "indicator_count", numeric=True),
        Column(gettext_lazy("Self-assessments"), "assessment_count", numeric=True),
        Column(gettext_lazy("Updated"), lambda s: timezone.localtime(s.updated_at).date()),
    ]
    export_name = "评估指标体系"
    empty_text = gettext_lazy(
        "No indicator sets yet. Set up the indicators before the first self-assessment."
    )
    new_url_name = "set_new"
    new_label = gettext_lazy("New indicator set")


class IndicatorSetCreatePage(_Form):
    title = gettext_lazy("New indicator set")
    form_class = IndicatorSetForm
    resource = indicator_sets
    tab = "sets"
    success_message = gettext_lazy("The indicator set was created. Add its indicators now.")

    def success_url(self, request, saved):
        return _url("set", saved.public_id)


class IndicatorSetEditPage(IndicatorSetCreatePage):
    title = gettext_lazy("Edit indicator set")
    success_message = gettext_lazy("Saved.")


@login_required
def indicator_set_detail(request, id):
    indicator_set = indicator_sets.get_for(request.user, id)
    rows = list(indicator_set.indicators.annotate(score_count=Count("scores")))
    assessments = [
        (a, selectors.assessment_totals(a))
        for a in selectors.assessment_list().filter(indicator_set=indicator_set)
    ]
    return render(
        request,
        "evaluation/set_detail.html",
        {
            "area_tabs": _tabs(request, "sets"),
            "set": indicator_set,
            "indicators": rows,
            "assessments": assessments,
            "weight_total": sum((i.weight for i in rows), 0),
            "can_manage": policy.can_change(request.user, indicator_set),
        },
    )


class IndicatorCreatePage(_Form):
    """Not plain: the indicator belongs to the set in the URL (404 when it may not be seen)."""

    title = gettext_lazy("New indicator")
    form_class = IndicatorForm
    resource = indicators
    tab = "sets"
    success_message = gettext_lazy("The indicator was added.")

    def get_object(self, request, set_id):
        self.indicator_set = indicator_sets.get_for(request.user, set_id)
        return None

    def save(self, request, form, obj):
        data = {**form.cleaned_data, "indicator_set": self.indicator_set}
        return self.resource.save(actor=request.user, obj=None, data=data)

    def success_url(self, request, saved):
        return _url("set", saved.indicator_set.public_id)


class IndicatorEditPage(_Form):
    title = gettext_lazy("Edit indicator")
    form_class = IndicatorForm
    resource = indicators
    tab = "sets"
    success_message = gettext_lazy("Saved.")

    def success_url(self, request, saved):
        return _url("set", saved.indicator_set.public_id)


# ---------------------------------------------------------------------------------------------
# Self-assessments


def _score_text(a):
    totals = selectors.assessment_totals(a)
    return totals.weighted_score if totals.weighted_score is not None else "—"


class AssessmentListPage(_Table):
    title = gettext_lazy("Self-assessments (自评)")
    intro = gettext_lazy(
        "Each indicator is scored 0–100; the weighted score is Σ(score × weight) ÷ Σ(weight) of the scored indicators."
    )
    resource = self_assessments
    tab = "assessments"
    columns = [
        Column(
            gettext_lazy("Indicator set"),
            "indicator_set.name",
            link=lambda a: _url("assessment", a.public_id),
        ),
        Column(gettext_lazy("Period"), "period"),
        Column(gettext_lazy("Assessment date"), "assessed_on"),
        Column(gettext_lazy("Weighted score"), _score_text, numeric=True),
        Column(gettext_lazy("Points"), lambda a: selectors.assessment_totals(a).points, numeric=True),
        Column(gettext_lazy("Of"), lambda a: selectors.assessment_totals(a).points_possible, numeric=True),
        Column(
            gettext_lazy("Indicators scored"), lambda a: f"{a.scored_count}/{a.indicator_count}", numeric=True
        ),
    ]
    export_name = "自评"
    empty_text = gettext_lazy("No self-assessments yet.")
    new_url_name = "assessment_new"
    new_label = gettext_lazy("New self-assessment")


class AssessmentCreatePage(_Form):
    title = gettext_lazy("New self-assessment")
    form_class = AssessmentForm
    resource = self_assessments
    tab = "assessments"
    success_message = gettext_lazy("The self-assessment was created. Enter the scores now.")

    def initial(self, request):
        today = timezone.localdate()
        wanted = request.GET.get("set")
        return {
            "school_year": school_year_of(today),
            "term": current_term(today),
            "assessed_on": today,
            "indicator_set": (
                indicator_sets.queryset(request.user).filter(public_id=wanted).first()
                if wanted and is_uuid(wanted)
                else None
            ),
        }

    def success_url(self, request, saved):
        return _url("assessment_scores", saved.public_id)


class AssessmentEditPage(_Form):
    """The indicator set is shown but cannot change (the service refuses it)."""

    title = gettext_lazy("Edit self-assessment")
    form_class = AssessmentForm
    resource = self_assessments
    tab = "assessments"
    success_message = gettext_lazy("Saved.")

    def success_url(self, request, saved):
        return _url("assessment", saved.public_id)


@login_required
def assessment_detail(request, id):
    assessment = self_assessments.get_for(request.user, id)
    scores = {s.indicator_id: s for s in assessment.scores.all()}
    rows = [(i, scores.get(i.pk)) for i in assessment.indicator_set.indicators.all()]
    actions = [(a, _task_url(a.task)) for a in selectors.action_list().filter(assessment=assessment)]
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "area_tabs": _tabs(request, "assessments"),
            "assessment": assessment,
            "totals": selectors.assessment_totals(assessment),
            "rows": rows,
            "actions": actions,
            "can_manage": policy.can_change(request.user, assessment),
        },
    )


@login_required
def assessment_scores(request, id):
    """Not a plain form: one row per indicator of the set, each with an optional evidence file."""
    assessment = self_assessments.get_for(request.user, id)
    if not policy.can_change(request.user, assessment):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ScoresForm(request.POST, request.FILES, assessment=assessment)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.assessment_set_scores(assessment, actor=request.user, scores=form.scores())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Scores saved."))
                return redirect(_url("assessment", assessment.public_id))
        status = 400
    else:
        form = ScoresForm(assessment=assessment)
    return render(
        request,
        "evaluation/assessment_scores.html",
        {"area_tabs": _tabs(request, "assessments"), "assessment": assessment, "form": form},
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Improvement actions


def _task_status(action):
    if action.task is None:
        return _("(task removed from the ledger)")
    if action.task.status in OPEN_STATUSES and action.task.due_on < timezone.localdate():
        return _("%(status)s, overdue") % {"status": action.task.get_status_display()}
    return action.task.get_status_display()


class ActionListPage(_Table):
    title = gettext_lazy("Improvement actions (整改措施)")
    intro = gettext_lazy("Each improvement action is a task in the ledger; its status is the task's status.")
    resource = improvement_actions
    tab = "actions"
    columns = [
        Column(gettext_lazy("Improvement action"), "title", link=lambda a: _url("action", a.public_id)),
        Column(gettext_lazy("Self-assessment"), lambda a: str(a.assessment)),
        Column(gettext_lazy("Indicator"), "indicator.name"),
        Column(gettext_lazy("Responsible person"), "owner.display_name"),
        Column(gettext_lazy("Due date"), "due_on"),
        Column(gettext_lazy("Task status"), _task_status),
    ]
    export_name = "整改措施"
    empty_text = gettext_lazy("No improvement actions yet. Add them from a self-assessment.")


class ActionCreatePage(_Form):
    """Not plain: the action belongs to the self-assessment in the URL, and its indicator is one of
    that assessment's set."""

    title = gettext_lazy("New improvement action")
    form_class = ImprovementActionForm
    resource = improvement_actions
    tab = "actions"
    success_message = gettext_lazy("The improvement action was added to the ledger as a task.")

    def get_object(self, request, assessment_id):
        self.assessment = self_assessments.get_for(request.user, assessment_id)
        return None

    def form_kwargs(self, request, obj):
        return {"assessment": self.assessment}

    def initial(self, request):
        wanted = request.GET.get("indicator")
        indicator = (
            self.assessment.indicator_set.indicators.filter(public_id=wanted).first()
            if wanted and is_uuid(wanted)
            else None
        )
        return {"indicator": indicator}

    def save(self, request, form, obj):
        data = {**form.cleaned_data, "assessment": self.assessment}
        return self.resource.save(actor=request.user, obj=None, data=data)

    def success_url(self, request, saved):
        return _url("action", saved.public_id)


class ActionEditPage(_Form):
    title = gettext_lazy("Edit improvement action")
    form_class = ImprovementActionForm
    resource = improvement_actions
    tab = "actions"
    success_message = gettext_lazy("Saved; the ledger task follows.")

    def form_kwargs(self, request, obj):
        return {"instance": obj, "assessment": obj.assessment}

    def success_url(self, request, saved):
        return _url("action", saved.public_id)


@login_required
def action_detail(request, id):
    action = improvement_actions.get_for(request.user, id)
    return render(
        request,
        "evaluation/action_detail.html",
        {
            "area_tabs": _tabs(request, "actions"),
            "action": action,
            "task_url": _task_url(action.task),
            "task_status": _task_status(action),
            "overdue": bool(
                action.task
                and action.task.status in OPEN_STATUSES
                and action.task.due_on < timezone.localdate()
            ),
            "can_manage": policy.can_change(request.user, action),
        },
    )


# ---------------------------------------------------------------------------------------------
# Questionnaires


class QuestionnaireListPage(_Table):
    title = gettext_lazy("Questionnaires (问卷)")
    intro = gettext_lazy("Answered without an account through one-time links, by staff, parents or students.")
    resource = questionnaires
    tab = "questionnaires"
    columns = [
        Column(gettext_lazy("Title"), "title", link=lambda q: _url("questionnaire", q.public_id)),
        Column(gettext_lazy("Audience"), "get_audience_display"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Questions"), "question_count", numeric=True),
        Column(gettext_lazy("Links"), "link_count", numeric=True),
        Column(gettext_lazy("Responses"), "response_count", numeric=True),
    ]
    export_name = "问卷"
    empty_text = gettext_lazy("No questionnaires yet.")
    new_url_name = "questionnaire_new"
    new_label = gettext_lazy("New questionnaire")


class QuestionnaireCreatePage(_Form):
    title = gettext_lazy("New questionnaire")
    form_class = QuestionnaireForm
    resource = questionnaires
    tab = "questionnaires"
    success_message = gettext_lazy("The questionnaire was created as a draft. Add its questions now.")

    def success_url(self, request, saved):
        return _url("questionnaire", saved.public_id)


class QuestionnaireEditPage(QuestionnaireCreatePage):
    title = gettext_lazy("Edit questionnaire")
    success_message = gettext_lazy("Saved.")


@login_required
def questionnaire_detail(request, id):
    """The questions, with the status changes and question moves (operations, not plain edits)."""
    questionnaire = questionnaires.get_for(request.user, id)
    can_manage = policy.can_change(request.user, questionnaire)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            with transaction.atomic():
                if action == "status":
                    services.questionnaire_update(
                        questionnaire, actor=request.user, data={"status": request.POST.get("status", "")}
                    )
                    messages.success(request, _("The status was changed."))
                elif action in ("up", "down", "delete_question"):
                    wanted = request.POST.get("question", "")
                    if not is_uuid(wanted):
                        raise Http404
                    question = get_object_or_404(Question, questionnaire=questionnaire, public_id=wanted)
                    if action == "delete_question":
                        services.question_delete(question, actor=request.user)
                        messages.success(request, _("The question was deleted."))
                    else:
                        services.question_move(question, actor=request.user, up=action == "up")
                else:
                    raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return render(
                request,
                "evaluation/questionnaire_detail.html",
                _questionnaire_context(request, questionnaire, can_manage),
                status=400,
            )
        return redirect(_url("questionnaire", questionnaire.public_id))
    return render(
        request,
        "evaluation/questionnaire_detail.html",
        _questionnaire_context(request, questionnaire, can_manage),
    )


def _questionnaire_context(request, questionnaire, can_manage):
    editable = questionnaire.status == QuestionnaireStatus.DRAFT and not questionnaire.response_count
    return {
        "area_tabs": _tabs(request, "questionnaires"),
        "questionnaire": questionnaire,
        "questions": list(questionnaire.questions.prefetch_related("options").order_by("order")),
        "can_manage": can_manage,
        "editable": can_manage and editable,
        "can_links": questionnaire_links.policy.can_read(request.user),
        "Status": QuestionnaireStatus,
    }


class QuestionCreatePage(_Form):
    """Not plain: the question belongs to the questionnaire in the URL, and its options are typed
    one per line."""

    title = gettext_lazy("New question")
    form_class = QuestionForm
    resource = questionnaire_questions
    tab = "questionnaires"
    success_message = gettext_lazy("The question was added.")

    def get_object(self, request, questionnaire_id):
        self.questionnaire = questionnaires.get_for(request.user, questionnaire_id)
        return None

    def initial(self, request):
        return {
            "kind": QuestionKind.SINGLE,
            "required": True,
            "scale_min": 1,
            "scale_max": 5,
            "max_length": 500,
        }

    def save(self, request, form, obj):
        data, options = form.service_data()
        data = {**data, "options": options, "questionnaire": self.questionnaire}
        return self.resource.save(actor=request.user, obj=None, data=data)

    def success_url(self, request, saved):
        return _url("questionnaire", saved.questionnaire.public_id)


class QuestionEditPage(_Form):
    title = gettext_lazy("Edit question")
    form_class = QuestionForm
    resource = questionnaire_questions
    tab = "questionnaires"
    success_message = gettext_lazy("Saved.")

    def save(self, request, form, obj):
        data, options = form.service_data()
        return self.resource.save(actor=request.user, obj=obj, data={**data, "options": options})

    def success_url(self, request, saved):
        return _url("questionnaire", saved.questionnaire.public_id)


def _sheet_safe(text: str) -> str:
    return re.sub(r"[\\/?*\[\]:]", " ", text).strip()[:31] or "Sheet"


def _answer_url(request, link):
    """The answer page of a link just made: only then is its token known (shared.links)."""
    return request.build_absolute_uri(_url("answer", link.token))


class LinksPage(TablePage):
    """The questionnaire's answer links (managers only): generate in bulk, then copy, print or
    download the new links at once; they are shown only then, since only each token's SHA-256 is
    kept. The table lists every link's label, expiry and whether it was answered. Not plain: the
    links are those of the questionnaire in the URL, and the page also generates them."""

    resource = questionnaire_links
    area = area
    tab = "questionnaires"
    template_name = "evaluation/links.html"
    export_name = "问卷链接"
    empty_text = gettext_lazy("No links yet. Generate a batch of links and hand them out, one per person.")
    columns = [
        Column(gettext_lazy("Label"), "label"),
        Column(gettext_lazy("Expires at"), "expires_at"),
        Column(gettext_lazy("Answered"), lambda link: _("Yes") if link.used else _("No")),
        Column(gettext_lazy("Answered at"), "answered_at"),
    ]

    @property
    def title(self):
        text = _("Answer links: %(title)s") % {"title": self.questionnaire.title}
        # The export uses the title as the sheet's name, where some characters are not allowed.
        return _sheet_safe(text) if self.request.GET.get("export") else text

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not questionnaire_links.policy.can_read(request.user):
                if policy.can_read(request.user):
                    raise PermissionDenied
                raise Http404
            self.questionnaire = questionnaires.get_for(request.user, kwargs["questionnaire_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(questionnaire=self.questionnaire)

    def extra_context(self, request):
        return {
            "questionnaire": self.questionnaire,
            "form": getattr(self, "bound_form", None) or LinksForm(),
            "can_generate": self.questionnaire.status != QuestionnaireStatus.CLOSED,
            "new_links": getattr(self, "new_links", None),
        }

    def post(self, request, *args, **kwargs):
        if not questionnaire_links.policy.can_create(request.user):
            raise PermissionDenied
        form = LinksForm(request.POST)
        if form.is_valid():
            try:
                links = services.links_generate(
                    actor=request.user, questionnaire=self.questionnaire, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if request.POST.get("as_xlsx"):
                    from shared.xlsx import xlsx_response

                    return xlsx_response(
                        filename=_sheet_safe(f"问卷链接-{self.questionnaire.title}"),
                        title=_sheet_safe(self.questionnaire.title),
                        headers=[_("Label"), _("Link"), _("Expires at")],
                        rows=([link.label, _answer_url(request, link), link.expires_at] for link in links),
                    )
                messages.success(request, _("%(n)s links were generated.") % {"n": len(links)})
                # Shown this once: the page is the answer to the POST, not a redirect.
                self.new_links = [
                    {"label": link.label, "url": _answer_url(request, link), "expires_at": link.expires_at}
                    for link in links
                ]
                self.bound_form = LinksForm()
                return super().get(request, *args, **kwargs)
        self.bound_form = form
        response = super().get(request, *args, **kwargs)
        response.status_code = 400
        return response


@login_required
def results(request, id):
    """Summaries for staff readers; text answers and the XLSX of all responses for managers."""
    _readable(request)
    questionnaire = questionnaires.get_for(request.user, id)
    managers = answers_policy.can_read(request.user)
    if request.GET.get("export") == "xlsx":
        if not managers:
            raise PermissionDenied
        from shared.xlsx import xlsx_response

        headers, rows = selectors.response_rows(questionnaire)
        return xlsx_response(
            filename=_sheet_safe(f"问卷答卷-{questionnaire.title}"),
            title=_sheet_safe(questionnaire.title),
            headers=[_("Link"), _("Submitted at"), *headers],
            rows=rows,
        )
    summary = selectors.questionnaire_summary(questionnaire, include_texts=managers)
    charts = []
    for item in summary.questions:
        if item.options:
            charts.append(
                {
                    "id": f"chart-{item.question.public_id.hex}",
                    "labels": [o["option"].text for o in item.options],
                    "counts": [o["count"] for o in item.options],
                }
            )
        elif item.scale:
            charts.append(
                {
                    "id": f"chart-{item.question.public_id.hex}",
                    "labels": [str(s["value"]) for s in item.scale],
                    "counts": [s["count"] for s in item.scale],
                }
            )
    return render(
        request,
        "evaluation/results.html",
        {
            "area_tabs": _tabs(request, "questionnaires"),
            "questionnaire": questionnaire,
            "summary": summary,
            "charts": charts,
            "managers": managers,
            "Kind": QuestionKind,
        },
    )


# ---------------------------------------------------------------------------------------------
# The public answer page: no account, one answer per link


@never_cache
def answer(request, token):
    link = selectors.link_by_token(token)
    questionnaire = link.questionnaire
    context = {"questionnaire": questionnaire, "link": link}

    def closed(reason, status):
        return render(request, "evaluation/answer_closed.html", {**context, "reason": reason}, status=status)

    # Showing why a link takes no answer is a plain page; posting an answer to it is a conflict.
    refused = 409 if request.method == "POST" else 200
    if link.used:
        return closed("used", refused)
    if link.expired:
        return closed("expired", 410)
    if questionnaire.status != QuestionnaireStatus.OPEN:
        return closed(questionnaire.status, refused)
    questions = list(questionnaire.questions.prefetch_related("options").order_by("order"))
    errors, given = {}, {}
    if request.method == "POST":
        given = {str(q.public_id): request.POST.getlist(f"q-{q.public_id}") for q in questions}
        try:
            services.response_submit(token=token, answers=given)
        except services.LinkAlreadyUsed:
            return closed("used", 409)
        except services.LinkExpired:
            return closed("expired", 410)
        except services.QuestionnaireNotOpen:
            return closed("closed", 409)
        except ValidationError as exc:
            errors = {key: " ".join(msgs) for key, msgs in exc.message_dict.items()}
        else:
            return render(request, "evaluation/answer_thanks.html", context)
    items = [
        {
            "question": q,
            "error": errors.get(str(q.public_id), ""),
            "given": given.get(str(q.public_id), []),
            "text": "\n".join(given.get(str(q.public_id), [])),
            "name": f"q-{q.public_id}",
        }
        for q in questions
    ]
    return render(
        request,
        "evaluation/answer.html",
        {
            **context,
            "items": items,
            "form_error": errors.get("__all__", ""),
            "has_errors": bool(errors),
            "Kind": QuestionKind,
        },
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Commendations


class CommendationListPage(_Table):
    title = gettext_lazy("Commendations (表彰)")
    intro = gettext_lazy("Incentives and commendations of advanced individuals and groups (表彰先进).")
    resource = commendations
    tab = "commendations"
    export_name = "表彰"
    empty_text = gettext_lazy("No commendations recorded yet.")
    new_url_name = "commendation_new"
    new_label = gettext_lazy("New commendation")

    def get(self, request, *args, **kwargs):
        edit = (lambda c: _url("commendation_edit", c.public_id)) if policy.can_create(request.user) else None
        self.columns = [
            Column(gettext_lazy("Title"), "title", link=edit),
            Column(gettext_lazy("Recipient"), "recipient_display"),
            Column(gettext_lazy("Level"), "get_level_display"),
            Column(gettext_lazy("Date"), "awarded_on"),
            Column(gettext_lazy("Reason for commendation"), "reason"),
        ]
        return super().get(request, *args, **kwargs)


class CommendationCreatePage(_Form):
    title = gettext_lazy("New commendation")
    form_class = CommendationForm
    resource = commendations
    tab = "commendations"
    success_message = gettext_lazy("The commendation was recorded.")

    def initial(self, request):
        return {"awarded_on": timezone.localdate()}

    def success_url(self, request, saved):
        return _url("commendations")


class CommendationEditPage(CommendationCreatePage):
    title = gettext_lazy("Edit commendation")
    success_message = gettext_lazy("Saved.")


# ---------------------------------------------------------------------------------------------
# Deleting, through each resource's delete service


_DELETABLE = {
    "set": (indicator_sets, "sets"),
    "indicator": (indicators, None),
    "assessment": (self_assessments, "assessments"),
    "action": (improvement_actions, "actions"),
    "questionnaire": (questionnaires, "questionnaires"),
    "commendation": (commendations, "commendations"),
}


@login_required
@require_POST
def delete(request, kind, id):
    if kind not in _DELETABLE:
        raise Http404
    resource, back = _DELETABLE[kind]
    obj = resource.get_for(request.user, id)
    if not resource.policy.can_delete(request.user, obj):
        raise PermissionDenied
    try:
        with transaction.atomic():
            resource.delete(obj, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        back_to = request.POST.get("next", "")
        return redirect(back_to if back_to.startswith("/evaluation/") else _url("index"))
    messages.success(request, _("Deleted."))
    if back is None:
        return redirect(_url("set", obj.indicator_set.public_id))
    return redirect(_url(back))
