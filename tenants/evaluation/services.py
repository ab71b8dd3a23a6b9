"""Write use cases of 监督评估: indicators, self-assessments, improvement actions (as ledger tasks),
questionnaires with one-time answer links, and commendations. Every service is atomic and reports
bad input as a ValidationError named by field."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.links import link_expired, link_expiry, new_link_token, token_hash
from tenants.common.roles import STAFF
from tenants.common.writes import model_create, model_update
from tenants.evaluation.models import (
    CHOICE_KINDS,
    Answer,
    AnswerLink,
    Commendation,
    ImprovementAction,
    Indicator,
    IndicatorScore,
    IndicatorSet,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    SelfAssessment,
)
from tenants.ledger.models import OPEN_STATUSES, TaskStatus
from tenants.ledger.services import task_create, task_update

MAX_LINKS_PER_BATCH = 500


# ---------------------------------------------------------------------------------------------
# Indicator sets and indicators


@transaction.atomic
def indicator_set_create(*, actor, name: str, description: str = "") -> IndicatorSet:
    return model_create(
        IndicatorSet, actor=actor, data={"name": (name or "").strip(), "description": description}
    )


@transaction.atomic
def indicator_set_update(indicator_set: IndicatorSet, *, actor, data: dict) -> IndicatorSet:
    allowed = {k: v for k, v in data.items() if k in ("name", "description")}
    if "name" in allowed:
        allowed["name"] = (allowed["name"] or "").strip()
    return model_update(indicator_set, data=allowed)


@transaction.atomic
def indicator_set_delete(indicator_set: IndicatorSet, *, actor) -> None:
    if indicator_set.assessments.exists():
        raise ValidationError(
            {"indicator_set": _("Self-assessments use this indicator set; it cannot be deleted.")}
        )
    indicator_set.delete()


def _decimal(value, field: str):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")})


def _check_indicator_name_free(*, indicator_set, name, exclude_pk=None) -> None:
    clash = indicator_set.indicators.filter(name=(name or "").strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("This indicator set already has an indicator with this name.")})


@transaction.atomic
def indicator_create(
    *,
    actor,
    indicator_set: IndicatorSet,
    name: str,
    description: str = "",
    target_value=None,
    target_unit: str = "",
    target_text: str = "",
    weight=Decimal("1"),
    order: int | None = None,
) -> Indicator:
    _check_indicator_name_free(indicator_set=indicator_set, name=name)
    if order is None:
        order = (indicator_set.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    return model_create(
        Indicator,
        data=dict(
            indicator_set=indicator_set,
            name=(name or "").strip(),
            description=description,
            target_value=_decimal(target_value, "target_value"),
            target_unit=(target_unit or "").strip(),
            target_text=(target_text or "").strip(),
            weight=_decimal(weight, "weight"),
            order=order,
        ),
    )


@transaction.atomic
def indicator_update(indicator: Indicator, *, actor, data: dict) -> Indicator:
    if "indicator_set" in data and data["indicator_set"] != indicator.indicator_set:
        raise ValidationError({"indicator_set": _("An indicator stays in its indicator set.")})
    fields = ("name", "description", "target_value", "target_unit", "target_text", "weight", "order")
    clean = {k: v for k, v in data.items() if k in fields}
    for key in ("target_value", "weight"):
        if key in clean:
            clean[key] = _decimal(clean[key], key)
    for key in ("name", "target_unit", "target_text"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "name" in clean:
        _check_indicator_name_free(
            indicator_set=indicator.indicator_set, name=clean["name"], exclude_pk=indicator.pk
        )
    return model_update(indicator, data=clean)


@transaction.atomic
def indicator_delete(indicator: Indicator, *, actor) -> None:
    if indicator.scores.exists():
        raise ValidationError(
            {"indicator": _("Self-assessments have scored this indicator; it cannot be deleted.")}
        )
    indicator.delete()


# ---------------------------------------------------------------------------------------------
# Self-assessments


def _check_period_free(*, indicator_set, school_year, term, exclude_pk=None):
    clash = SelfAssessment.objects.filter(indicator_set=indicator_set, school_year=school_year, term=term)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"term": _("This indicator set already has a self-assessment for this period.")}
        )


@transaction.atomic
def assessment_create(
    *,
    actor,
    indicator_set: IndicatorSet,
    school_year: str,
    term: str,
    assessed_on: date,
    summary: str = "",
    scores=(),
) -> SelfAssessment:
    _check_period_free(indicator_set=indicator_set, school_year=school_year, term=term)
    assessment = model_create(
        SelfAssessment,
        actor=actor,
        data=dict(
            indicator_set=indicator_set,
            school_year=(school_year or "").strip(),
            term=term,
            assessed_on=assessed_on,
            summary=summary,
        ),
    )
    if scores:
        assessment_set_scores(assessment, actor=actor, scores=scores)
    return assessment


@transaction.atomic
def assessment_update(assessment: SelfAssessment, *, actor, data: dict, scores=None) -> SelfAssessment:
    """Period and summary; `scores` (also taken from data["scores"]) as in assessment_set_scores."""
    if scores is None:
        scores = data.get("scores")
    clean = {k: v for k, v in data.items() if k in ("school_year", "term", "assessed_on", "summary")}
    if "indicator_set" in data and data["indicator_set"] != assessment.indicator_set:
        raise ValidationError({"indicator_set": _("The indicator set of an assessment cannot change.")})
    _check_period_free(
        indicator_set=assessment.indicator_set,
        school_year=clean.get("school_year", assessment.school_year),
        term=clean.get("term", assessment.term),
        exclude_pk=assessment.pk,
    )
    assessment = model_update(assessment, data=clean)
    if scores is not None:
        assessment_set_scores(assessment, actor=actor, scores=scores)
    return assessment


def _decimal_or_none(value):
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except (InvalidOperation, ValueError):
        return None


def _score_errors(assessment, rows) -> dict:
    """Problems of each row, by position."""
    problems = {}
    seen = set()
    for i, row in enumerate(rows):
        indicator = row.get("indicator")
        score = row.get("score")
        if indicator is None or indicator.indicator_set_id != assessment.indicator_set_id:
            problems[i] = _("This indicator is not part of the assessment's indicator set.")
        elif indicator.pk in seen:
            problems[i] = _("“%(name)s” is scored twice.") % {"name": indicator.name}
        elif _decimal_or_none(score) is None or not (
            Decimal("0") <= _decimal_or_none(score) <= Decimal("100")
        ):
            problems[i] = _("“%(name)s”: a score is between 0 and 100.") % {"name": indicator.name}
        if indicator is not None:
            seen.add(indicator.pk)
    return problems


@transaction.atomic
def assessment_set_scores(assessment: SelfAssessment, *, actor, scores) -> list[IndicatorScore]:
    """Set the score and evidence of the given indicators (others stay as they are).
    `scores`: [{"indicator": Indicator, "score": number, "evidence": str, "files": [uploads]}]."""
    rows = list(scores)
    problems = _score_errors(assessment, rows)
    if problems:
        raise ValidationError({"scores": [problems[i] for i in sorted(problems)]})
    saved = []
    for row in rows:
        existing = IndicatorScore.objects.filter(assessment=assessment, indicator=row["indicator"]).first()
        data = {"score": Decimal(str(row["score"])), "evidence": (row.get("evidence") or "").strip()}
        if existing is None:
            obj = model_create(
                IndicatorScore, data={"assessment": assessment, "indicator": row["indicator"], **data}
            )
        else:
            obj = model_update(existing, data=data)
        for upload in row.get("files") or ():
            score_evidence_add(actor=actor, score=obj, upload=upload)
        saved.append(obj)
    return saved


@transaction.atomic
def score_evidence_add(*, actor, score: IndicatorScore, upload):
    from tenants.workspace.services import attachment_add

    return attachment_add(actor=actor, subject=score, upload=upload)


@transaction.atomic
def assessment_delete(assessment: SelfAssessment, *, actor) -> None:
    if assessment.actions.exists():
        raise ValidationError(
            {"assessment": _("Improvement actions come from this self-assessment; delete them first.")}
        )
    assessment.delete()


# ---------------------------------------------------------------------------------------------
# Improvement actions (整改措施) → ledger tasks


def _task_description(action: ImprovementAction) -> str:
    lead = _("Improvement action from the self-assessment “%(assessment)s”.") % {
        "assessment": action.assessment
    }
    return f"{lead}\n{action.description}".strip()


@transaction.atomic
def improvement_action_create(
    *,
    actor,
    assessment: SelfAssessment,
    title: str,
    owner,
    due_on: date,
    description: str = "",
    indicator=None,
) -> ImprovementAction:
    """The action and its ledger task are created together, or neither is."""
    action = ImprovementAction(
        assessment=assessment,
        indicator=indicator,
        title=(title or "").strip(),
        description=description,
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean(exclude=["task"])
    action.task = task_create(
        actor=actor,
        title=action.title,
        owner=owner,
        due_on=due_on,
        description=_task_description(action),
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def improvement_action_update(action: ImprovementAction, *, actor, data: dict) -> ImprovementAction:
    fields = ("title", "description", "owner", "due_on", "indicator")
    clean = {k: v for k, v in data.items() if k in fields}
    if "assessment" in data and data["assessment"] != action.assessment:
        raise ValidationError({"assessment": _("An improvement action stays with its self-assessment.")})
    action = model_update(action, data=clean)
    if action.task_id:
        task_update(
            action.task,
            actor=actor,
            data={
                "title": action.title,
                "owner": action.owner,
                "due_on": action.due_on,
                "description": _task_description(action),
            },
        )
    return action


@transaction.atomic
def improvement_action_delete(action: ImprovementAction, *, actor) -> None:
    """The task stays in the ledger as a record, cancelled if it was still open."""
    if action.task_id and action.task.status in OPEN_STATUSES:
        task_update(action.task, actor=actor, data={"status": TaskStatus.CANCELLED})
    action.delete()


# ---------------------------------------------------------------------------------------------
# Questionnaires


def _check_editable(questionnaire: Questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT or questionnaire.responses.exists():
        raise ValidationError(
            {
                "questionnaire": _(
                    "Questions can only change while the questionnaire is a draft without answers."
                )
            }
        )


def _check_ready(questionnaire: Questionnaire) -> None:
    questions = list(questionnaire.questions.prefetch_related("options"))
    if not questions:
        raise ValidationError({"status": _("Add at least one question before opening the questionnaire.")})
    for q in questions:
        if q.kind in CHOICE_KINDS and len(q.options.all()) < 2:
            raise ValidationError(
                {"status": _("Question %(n)s needs at least two options.") % {"n": q.order}}
            )


def _check_transition(questionnaire: Questionnaire, new_status: str) -> None:
    if new_status == questionnaire.status:
        return
    if new_status not in QuestionnaireStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if new_status == QuestionnaireStatus.OPEN:
        _check_ready(questionnaire)
    elif new_status == QuestionnaireStatus.DRAFT and questionnaire.responses.exists():
        raise ValidationError({"status": _("The questionnaire has answers; it cannot go back to draft.")})


@transaction.atomic
def questionnaire_create(
    *,
    actor,
    title: str,
    audience: str,
    intro: str = "",
    status: str = QuestionnaireStatus.DRAFT,
) -> Questionnaire:
    questionnaire = model_create(
        Questionnaire,
        actor=actor,
        data=dict(title=(title or "").strip(), intro=intro, audience=audience),
    )
    if status != QuestionnaireStatus.DRAFT:
        questionnaire = questionnaire_update(questionnaire, actor=actor, data={"status": status})
    return questionnaire


@transaction.atomic
def questionnaire_update(questionnaire: Questionnaire, *, actor, data: dict) -> Questionnaire:
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    clean = {k: v for k, v in data.items() if k in ("title", "intro", "audience", "status")}
    if (
        "audience" in clean
        and clean["audience"] != questionnaire.audience
        and questionnaire.responses.exists()
    ):
        raise ValidationError({"audience": _("The questionnaire has answers; its audience cannot change.")})
    if "status" in clean:
        _check_transition(questionnaire, clean["status"])
    return model_update(questionnaire, data=clean)


@transaction.atomic
def questionnaire_delete(questionnaire: Questionnaire, *, actor) -> None:
    if questionnaire.responses.exists():
        raise ValidationError(
            {"questionnaire": _("The questionnaire has answers; close it instead of deleting it.")}
        )
    questionnaire.delete()


def _clean_options(kind: str, options) -> list[str]:
    texts = [str(t).strip() for t in (options or ()) if str(t).strip()]
    if kind in CHOICE_KINDS:
        if len(texts) < 2:
            raise ValidationError({"options": _("A choice question needs at least two options.")})
        if len(texts) > 20:
            raise ValidationError({"options": _("At most 20 options.")})
        if len(set(texts)) != len(texts):
            raise ValidationError({"options": _("Two options have the same text.")})
        if any(len(t) > 200 for t in texts):
            raise ValidationError({"options": _("An option has at most 200 characters.")})
    elif texts:
        raise ValidationError({"options": _("Only choice questions have options.")})
    return texts


def _question_data(kind, data: dict) -> dict:
    clean = dict(data)
    if kind != QuestionKind.SCALE:
        clean.update(scale_min=None, scale_max=None, scale_min_label="", scale_max_label="")
    if "max_length" in clean and clean["max_length"] in (None, ""):
        clean["max_length"] = 500
    return clean


@transaction.atomic
def question_create(
    *,
    actor,
    questionnaire: Questionnaire,
    kind: str,
    text: str,
    required: bool = True,
    options=(),
    scale_min: int | None = None,
    scale_max: int | None = None,
    scale_min_label: str = "",
    scale_max_label: str = "",
    max_length: int | None = 500,
) -> Question:
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_editable(questionnaire)
    texts = _clean_options(kind, options)
    order = (questionnaire.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    question = model_create(
        Question,
        data=_question_data(
            kind,
            dict(
                questionnaire=questionnaire,
                order=order,
                kind=kind,
                text=(text or "").strip(),
                required=required,
                scale_min=scale_min,
                scale_max=scale_max,
                scale_min_label=scale_min_label,
                scale_max_label=scale_max_label,
                max_length=max_length,
            ),
        ),
    )
    Option.objects.bulk_create(
        [Option(question=question, order=i, text=t) for i, t in enumerate(texts, start=1)]
    )
    return question


@transaction.atomic
def question_update(question: Question, *, actor, data: dict, options=None) -> Question:
    """`options` (also taken from data["options"]): the texts of a choice question's options."""
    if options is None:
        options = data.get("options")
    if "questionnaire" in data and data["questionnaire"] != question.questionnaire:
        raise ValidationError({"questionnaire": _("A question stays in its questionnaire.")})
    _check_editable(Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id))
    fields = (
        "kind",
        "text",
        "required",
        "scale_min",
        "scale_max",
        "scale_min_label",
        "scale_max_label",
        "max_length",
    )
    clean = {k: v for k, v in data.items() if k in fields}
    if "text" in clean:
        clean["text"] = (clean["text"] or "").strip()
    kind = clean.get("kind", question.kind)
    if options is not None:
        texts = _clean_options(kind, options)
    elif kind in CHOICE_KINDS:
        if question.kind not in CHOICE_KINDS:
            raise ValidationError({"options": _("A choice question needs at least two options.")})
        texts = None  # keep the options as they are
    else:
        texts = []
    question = model_update(question, data=_question_data(kind, clean))
    if texts is not None:
        question.options.all().delete()
        Option.objects.bulk_create(
            [Option(question=question, order=i, text=t) for i, t in enumerate(texts, start=1)]
        )
    return question


@transaction.atomic
def question_delete(question: Question, *, actor) -> None:
    _check_editable(Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id))
    question.delete()


@transaction.atomic
def question_move(question: Question, *, actor, up: bool) -> Question:
    """Swap a question with its neighbour above or below."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id)
    _check_editable(questionnaire)
    siblings = questionnaire.questions.order_by("order")
    neighbour = (
        siblings.filter(order__lt=question.order).last()
        if up
        else siblings.filter(order__gt=question.order).first()
    )
    if neighbour is None:
        return question
    mine, theirs = question.order, neighbour.order
    parking = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    Question.objects.filter(pk=question.pk).update(order=parking)
    Question.objects.filter(pk=neighbour.pk).update(order=mine)
    Question.objects.filter(pk=question.pk).update(order=theirs)
    question.order = theirs
    return question


# ---------------------------------------------------------------------------------------------
# Answer links and answers


@transaction.atomic
def links_generate(*, actor, questionnaire: Questionnaire, count: int, label: str = "") -> list[AnswerLink]:
    """N one-time links for a questionnaire (a batch to copy or print). Each returned link carries
    its token in `link.token`, this once: only the token's SHA-256 is stored (shared.links), and
    each link works for LINK_DAYS days."""
    if questionnaire.status == QuestionnaireStatus.CLOSED:
        raise ValidationError(
            {"questionnaire": _("The questionnaire is closed; open it again to add links.")}
        )
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ValidationError({"count": _("Enter a whole number.")})
    if not 1 <= count <= MAX_LINKS_PER_BATCH:
        raise ValidationError(
            {"count": _("Between 1 and %(max)s links at a time.") % {"max": MAX_LINKS_PER_BATCH}}
        )
    label = (label or "").strip()
    if len(label) > 90:
        raise ValidationError({"label": _("At most 90 characters.")})
    start = questionnaire.links.count()
    expires_at = link_expiry()
    links, tokens = [], []
    for i in range(1, count + 1):
        token, hashed = new_link_token()
        tokens.append(token)
        links.append(
            AnswerLink(
                questionnaire=questionnaire,
                token_hash=hashed,
                expires_at=expires_at,
                created_by=actor,
                label=f"{label} #{start + i}" if label else f"#{start + i}",
            )
        )
    created = AnswerLink.objects.bulk_create(links)
    for link, token in zip(created, tokens, strict=True):
        link.token = token  # not a field: shown once, never stored
    return created


@transaction.atomic
def link_create(*, actor, questionnaire: Questionnaire, label: str = "") -> AnswerLink:
    """One link; it carries its token in `link.token`, this once (see links_generate)."""
    (link,) = links_generate(actor=actor, questionnaire=questionnaire, count=1, label=label)
    return link


@transaction.atomic
def link_update(link: AnswerLink, *, actor, data: dict) -> AnswerLink:
    if "questionnaire" in data and data["questionnaire"] != link.questionnaire:
        raise ValidationError({"questionnaire": _("A link stays with its questionnaire.")})
    clean = {k: (v or "").strip() for k, v in data.items() if k == "label"}
    return model_update(link, data=clean)


@transaction.atomic
def link_delete(link: AnswerLink, *, actor) -> None:
    if Response.objects.filter(link=link).exists():
        raise ValidationError({"link": _("This link has been answered; it cannot be deleted.")})
    link.delete()


class LinkAlreadyUsed(Exception):
    """The link has its one answer already."""


class QuestionnaireNotOpen(Exception):
    """The questionnaire is a draft or closed."""


class LinkExpired(Exception):
    """The link is past its `expires_at`."""


def validate_answers(questionnaire: Questionnaire, raw: dict) -> tuple[list[Answer], dict]:
    """Check raw answers ({question public_id (str): [values]}) against the questions.
    Returns the unsaved Answer rows and the errors by question public_id."""
    rows: list[Answer] = []
    errors: dict[str, str] = {}
    for q in questionnaire.questions.prefetch_related("options").order_by("order"):
        key = str(q.public_id)
        values = [str(v).strip() for v in (raw.get(key) or []) if str(v).strip()]
        if q.kind == QuestionKind.TEXT:
            values = [str(v) for v in (raw.get(key) or [])]
            text = "\n".join(values).strip()
            if not text:
                if q.required:
                    errors[key] = _("This question needs an answer.")
                continue
            if len(text) > q.max_length:
                errors[key] = _("At most %(n)s characters (this answer has %(m)s).") % {
                    "n": q.max_length,
                    "m": len(text),
                }
                continue
            rows.append(Answer(question=q, text=text))
            continue
        if not values:
            if q.required:
                errors[key] = _("This question needs an answer.")
            continue
        if q.kind == QuestionKind.SCALE:
            if len(values) > 1:
                errors[key] = _("Choose one value.")
                continue
            try:
                number = int(values[0])
            except ValueError:
                errors[key] = _("Choose a value on the scale.")
                continue
            if not q.scale_min <= number <= q.scale_max:
                errors[key] = _("Choose a value from %(a)s to %(b)s.") % {"a": q.scale_min, "b": q.scale_max}
                continue
            rows.append(Answer(question=q, number=number))
            continue
        options = {str(o.public_id): o for o in q.options.all()}
        if q.kind == QuestionKind.SINGLE and len(values) > 1:
            errors[key] = _("Choose one option.")
            continue
        if len(set(values)) != len(values):
            errors[key] = _("An option is chosen twice.")
            continue
        if any(v not in options for v in values):
            errors[key] = _("Choose among this question's options.")
            continue
        rows.extend(Answer(question=q, option=options[v]) for v in values)
    if not errors and not rows:
        errors["__all__"] = _("Answer at least one question.")
    return rows, errors


def response_submit(*, token: str, answers: dict) -> Response:
    """Save the one answer of a link: all of it, or nothing. Raises LinkAlreadyUsed, LinkExpired,
    QuestionnaireNotOpen, AnswerLink.DoesNotExist, or ValidationError by question public_id."""
    try:
        with transaction.atomic():
            link = (
                AnswerLink.objects.select_for_update()
                .select_related("questionnaire")
                .get(token_hash=token_hash(token))
            )
            if link_expired(link.expires_at):
                raise LinkExpired()
            questionnaire = link.questionnaire
            if questionnaire.status != QuestionnaireStatus.OPEN:
                raise QuestionnaireNotOpen()
            if Response.objects.filter(link=link).exists():
                raise LinkAlreadyUsed()
            rows, errors = validate_answers(questionnaire, answers)
            if errors:
                raise ValidationError(errors)
            response = Response.objects.create(
                questionnaire=questionnaire, link=link, submitted_at=timezone.now()
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            return response
    except IntegrityError:
        # Two submissions raced past the check: the unique link constraint keeps one.
        raise LinkAlreadyUsed()


# ---------------------------------------------------------------------------------------------
# Commendations


def _check_recipient(user) -> None:
    if user is None:
        return
    if not user.is_active or not user.has_role(*STAFF):
        raise ValidationError({"recipient_user": _("Choose an active staff account.")})


@transaction.atomic
def commendation_create(
    *,
    actor,
    title: str,
    awarded_on: date,
    reason: str,
    level: str = "school",
    recipient_user=None,
    recipient_name: str = "",
) -> Commendation:
    _check_recipient(recipient_user)
    return model_create(
        Commendation,
        actor=actor,
        data=dict(
            title=(title or "").strip(),
            awarded_on=awarded_on,
            reason=(reason or "").strip(),
            level=level,
            recipient_user=recipient_user,
            recipient_name=(recipient_name or "").strip(),
        ),
    )


@transaction.atomic
def commendation_update(commendation: Commendation, *, actor, data: dict) -> Commendation:
    fields = ("title", "awarded_on", "reason", "level", "recipient_user", "recipient_name")
    clean = {k: v for k, v in data.items() if k in fields}
    if "recipient_user" in clean:
        _check_recipient(clean["recipient_user"])
        if clean["recipient_user"] is not None and "recipient_name" not in clean:
            clean["recipient_name"] = ""
    elif (clean.get("recipient_name") or "").strip():
        clean["recipient_user"] = None
    for key in ("title", "reason", "recipient_name"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    return model_update(commendation, data=clean)


@transaction.atomic
def commendation_delete(commendation: Commendation, *, actor) -> None:
    commendation.delete()
