"""Read use cases of 监督评估. Each owns its joins. Who may see what is declared in resources.py."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from shared.links import link_expired, token_hash
from tenants.evaluation.models import (
    Answer,
    AnswerLink,
    Commendation,
    ImprovementAction,
    Indicator,
    IndicatorScore,
    IndicatorSet,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    SelfAssessment,
)

ONE_PLACE = Decimal("0.1")


def _round(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Indicators and assessments


def indicator_set_list():
    return (
        IndicatorSet.objects.annotate(
            indicator_count=Count("indicators", distinct=True),
            assessment_count=Count("assessments", distinct=True),
        )
        .prefetch_related("indicators")
        .order_by("name")
    )


def indicator_list():
    return Indicator.objects.select_related("indicator_set")


def _set_weight_total():
    return Subquery(
        Indicator.objects.filter(indicator_set=OuterRef("indicator_set"))
        .values("indicator_set")
        .annotate(total=Sum("weight"))
        .values("total")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _set_indicator_count():
    return Subquery(
        Indicator.objects.filter(indicator_set=OuterRef("indicator_set"))
        .values("indicator_set")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )


def assessment_list():
    """Assessments with what their total is derived from (see assessment_totals)."""
    return (
        SelfAssessment.objects.select_related("indicator_set")
        .annotate(
            scored_count=Count("scores"),
            scored_weight=Sum("scores__indicator__weight"),
            weighted_sum=Sum(F("scores__score") * F("scores__indicator__weight")),
            mean_score=Avg("scores__score"),
            weight_total=Coalesce(_set_weight_total(), Value(Decimal("0")), output_field=DecimalField()),
            indicator_count=Coalesce(_set_indicator_count(), Value(0)),
        )
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=IndicatorScore.objects.select_related("indicator").prefetch_related("attachments"),
            )
        )
        .order_by("-assessed_on", "-id")
    )


@dataclass
class Totals:
    """Scores are 0 to 100 per indicator. The weighted score is Σ(score × weight) / Σ(weight) over the
    scored indicators (0 to 100; the plain mean when every weight is 0). Points are Σ(score × weight)
    / 100, out of the sum of all weights of the set."""

    weighted_score: Decimal | None
    points: Decimal | None
    points_possible: Decimal
    scored: int
    indicators: int

    @property
    def complete(self) -> bool:
        return self.indicators > 0 and self.scored >= self.indicators


def assessment_totals(assessment: SelfAssessment) -> Totals:
    if not hasattr(assessment, "scored_count"):
        assessment = assessment_list().get(pk=assessment.pk)
    weight = assessment.scored_weight or Decimal("0")
    if not assessment.scored_count:
        weighted = None
    elif weight > 0:
        weighted = assessment.weighted_sum / weight
    else:
        weighted = assessment.mean_score
    points = _round(assessment.weighted_sum / 100) if assessment.weighted_sum is not None else None
    return Totals(
        weighted_score=_round(weighted),
        points=points,
        points_possible=_round(assessment.weight_total or 0),
        scored=assessment.scored_count,
        indicators=assessment.indicator_count,
    )


def action_list():
    return ImprovementAction.objects.select_related(
        "assessment__indicator_set", "indicator", "owner", "task", "task__owner"
    )


# ---------------------------------------------------------------------------------------------
# Questionnaires


def questionnaire_list():
    return (
        Questionnaire.objects.annotate(
            question_count=Count("questions", distinct=True),
            link_count=Count("links", distinct=True),
            response_count=Count("responses", distinct=True),
        )
        .prefetch_related(Prefetch("questions", queryset=Question.objects.prefetch_related("options")))
        .order_by("-created_at", "-id")
    )


def question_list():
    return Question.objects.select_related("questionnaire").prefetch_related("options")


def link_list():
    return (
        AnswerLink.objects.select_related("questionnaire")
        .annotate(
            used=Exists(Response.objects.filter(link=OuterRef("pk"))),
            answered_at=Subquery(Response.objects.filter(link=OuterRef("pk")).values("submitted_at")[:1]),
        )
        .order_by("id")
    )


def link_by_token(token: str) -> AnswerLink:
    """The link of this school with this token (found by the token's SHA-256), or Http404. A token
    of another school means nothing here: each school's links live in its own schema. The link
    says whether it is `used` and `expired`."""
    if not token or len(token) > 64:
        raise Http404
    try:
        link = (
            AnswerLink.objects.select_related("questionnaire")
            .annotate(used=Exists(Response.objects.filter(link=OuterRef("pk"))))
            .get(token_hash=token_hash(token))
        )
    except AnswerLink.DoesNotExist:
        raise Http404
    link.expired = link_expired(link.expires_at)
    return link


def _percent(part: int, whole: int) -> Decimal:
    return _round(Decimal(part) * 100 / whole) if whole else Decimal("0.0")


@dataclass
class QuestionSummary:
    question: Question
    answered: int  # respondents who answered this question
    options: list = field(default_factory=list)  # [{"option", "count", "percent"}]
    scale: list = field(default_factory=list)  # [{"value", "count", "percent"}]
    mean: Decimal | None = None
    texts: list = field(default_factory=list)


@dataclass
class Summary:
    responses: int
    links: int
    questions: list[QuestionSummary]


def questionnaire_summary(questionnaire: Questionnaire, *, include_texts: bool) -> Summary:
    """Counts per option with percent of the respondents who answered the question, the mean and
    distribution of each scale, and (for managers only) the text answers. Four queries in all."""
    questions = list(questionnaire.questions.prefetch_related("options").order_by("order"))
    answers = Answer.objects.filter(response__questionnaire=questionnaire)
    answered = dict(
        answers.values("question").annotate(n=Count("response", distinct=True)).values_list("question", "n")
    )
    option_counts = dict(
        answers.filter(option__isnull=False)
        .values("option")
        .annotate(n=Count("id"))
        .values_list("option", "n")
    )
    scale_counts: dict[int, dict[int, int]] = {}
    for question_id, number, n in (
        answers.filter(number__isnull=False)
        .values("question", "number")
        .annotate(n=Count("id"))
        .values_list("question", "number", "n")
    ):
        scale_counts.setdefault(question_id, {})[number] = n
    texts: dict[int, list[str]] = {}
    if include_texts:
        for question_id, text in (
            answers.exclude(text="").order_by("response__submitted_at", "id").values_list("question", "text")
        ):
            texts.setdefault(question_id, []).append(text)

    result = []
    for q in questions:
        n = answered.get(q.pk, 0)
        item = QuestionSummary(question=q, answered=n)
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for option in q.options.all():
                count = option_counts.get(option.pk, 0)
                item.options.append({"option": option, "count": count, "percent": _percent(count, n)})
        elif q.kind == QuestionKind.SCALE:
            counts = scale_counts.get(q.pk, {})
            total = sum(value * c for value, c in counts.items())
            for value in q.scale_values():
                count = counts.get(value, 0)
                item.scale.append({"value": value, "count": count, "percent": _percent(count, n)})
            item.mean = _round(Decimal(total) / n) if n else None
        else:
            item.texts = texts.get(q.pk, [])
        result.append(item)
    return Summary(
        responses=questionnaire.responses.count(),
        links=questionnaire.links.count(),
        questions=result,
    )


def response_rows(questionnaire: Questionnaire):
    """One row per response for the XLSX export: link label, time, then one cell per question."""
    questions = list(questionnaire.questions.order_by("order"))
    headers_q = [f"{q.order}. {q.text}" for q in questions]
    responses = (
        questionnaire.responses.select_related("link")
        .prefetch_related(
            Prefetch(
                "answers", queryset=Answer.objects.select_related("option").order_by("option__order", "id")
            )
        )
        .order_by("submitted_at", "id")
    )
    rows = []
    for response in responses:
        by_question: dict[int, list[str]] = {}
        for a in response.answers.all():
            value = a.option.text if a.option_id else (str(a.number) if a.number is not None else a.text)
            by_question.setdefault(a.question_id, []).append(value)
        rows.append(
            [response.link.label, response.submitted_at]
            + ["；".join(by_question.get(q.pk, [])) for q in questions]
        )
    return headers_q, rows


# ---------------------------------------------------------------------------------------------
# Commendations


def commendation_list():
    return Commendation.objects.select_related("recipient_user")


def open_action_count():
    from tenants.ledger.models import OPEN_STATUSES

    return ImprovementAction.objects.filter(Q(task__status__in=OPEN_STATUSES)).count()
