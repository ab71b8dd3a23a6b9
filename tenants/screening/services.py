"""Write use cases of screening. `screening_record` is the one way a response is stored: it
refuses a student without guardian consent, scores the answers, audits the creation and, on a
safety flag (PHQ-9 item 9 >= 1), opens a crisis case in the same transaction."""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.links import LINK_DAYS as LINK_DAYS  # the pages say how long a link works
from shared.links import link_expired, link_expiry, new_link_token, token_hash
from tenants.care.audit import audit
from tenants.care.instruments import Instrument, score
from tenants.common.writes import model_create, model_update
from tenants.screening import registry, selectors
from tenants.screening.models import Campaign, InstrumentDefinition, Response, StudentLink

# --------------------------------------------------------------------------------------------
# Instruments


@transaction.atomic
def instrument_define(
    *,
    actor,
    code: str,
    name: str,
    items: int,
    item_min: int,
    item_max: int,
    bands,
    licence: str,
    active: bool = True,
    item_texts=(),
) -> InstrumentDefinition:
    definition = InstrumentDefinition(
        code=(code or "").strip(),
        name=(name or "").strip(),
        items=items,
        item_min=item_min,
        item_max=item_max,
        bands=bands,
        licence=(licence or "").strip(),
        active=active,
        created_by=actor,
        item_texts=[str(t).strip() for t in item_texts or ()],
    )
    _validate_definition(definition)
    definition.save()
    return definition


@transaction.atomic
def instrument_update(definition: InstrumentDefinition, *, actor, data: dict) -> InstrumentDefinition:
    scoring = {"items", "item_min", "item_max", "bands"}
    if scoring & set(data) and Response.objects.filter(instrument_code=definition.code).exists():
        changed = [f for f in scoring & set(data) if data[f] != getattr(definition, f)]
        if changed:
            raise ValidationError(
                {
                    changed[0]: _(
                        "Responses were already scored with this instrument; "
                        "define a new instrument instead of changing its scoring."
                    )
                }
            )
    if "code" in data and data["code"] != definition.code:
        raise ValidationError({"code": _("The code of an instrument cannot change.")})
    for name, value in data.items():
        setattr(definition, name, value)
    _validate_definition(definition)
    definition.save()
    return definition


def _validate_definition(definition):
    errors = {}
    try:
        definition.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    if definition.item_texts and len(definition.item_texts) != definition.items:
        errors.setdefault("item_texts", []).append(
            _("Write one line per item: %(items)d items, %(texts)d lines.")
            % {"items": definition.items or 0, "texts": len(definition.item_texts)}
        )
    try:
        if not errors.keys() & {"items", "item_min", "item_max", "bands", "code"}:
            registry.check_definition(definition)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Campaigns


def _check_campaign(data: dict):
    code = data.get("instrument_code")
    if code is not None and registry.instrument_for(code, active_only=True) is None:
        raise ValidationError({"instrument_code": _("Choose an instrument from the registry.")})
    has_grade, has_class = data.get("grade") is not None, data.get("school_class") is not None
    if has_grade == has_class:
        field = "school_class" if has_grade else "grade"
        raise ValidationError({field: _("Choose either a grade or one class.")})


@transaction.atomic
def campaign_create(
    *, actor, title, instrument_code, opens_on, closes_on, grade=None, school_class=None
) -> Campaign:
    data = dict(
        title=title,
        instrument_code=instrument_code,
        opens_on=opens_on,
        closes_on=closes_on,
        grade=grade,
        school_class=school_class,
    )
    _check_campaign(data)
    return model_create(Campaign, actor=actor, data=data)


@transaction.atomic
def campaign_update(campaign: Campaign, *, actor, data: dict) -> Campaign:
    merged = {"grade": campaign.grade, "school_class": campaign.school_class, **data}
    if "grade" in data and data["grade"] is not None and "school_class" not in data:
        merged["school_class"] = None
    if "school_class" in data and data["school_class"] is not None and "grade" not in data:
        merged["grade"] = None
    if (
        "instrument_code" in data
        and data["instrument_code"] != campaign.instrument_code
        and campaign.responses.exists()
    ):
        raise ValidationError(
            {"instrument_code": _("Responses were already recorded; the instrument cannot change.")}
        )
    _check_campaign(
        {
            "instrument_code": data.get("instrument_code"),
            "grade": merged["grade"],
            "school_class": merged["school_class"],
        }
    )
    return model_update(
        campaign, data={**data, "grade": merged["grade"], "school_class": merged["school_class"]}
    )


# --------------------------------------------------------------------------------------------
# Responses


def _resolve(instrument) -> Instrument:
    if isinstance(instrument, Instrument):
        return instrument
    found = registry.instrument_for(instrument, active_only=True)
    if found is None:
        raise ValidationError(
            {"instrument": _("Unknown instrument. Choose PHQ-9, GAD-7, K6 or one defined in the registry.")}
        )
    return found


@transaction.atomic
def screening_record(*, student, instrument, answers, actor=None, campaign=None, via_link=False) -> Response:
    """Score and store one response. Raises ValidationError keyed by field: "student" (archived,
    no guardian consent, not in the campaign), "instrument", "campaign", "answers" or "answers[i]"."""
    instrument = _resolve(instrument)
    if student.status != "active":
        raise ValidationError({"student": _("This student is archived and cannot be screened.")})
    if not selectors.may_be_screened(student):
        raise ValidationError(
            {
                "student": _(
                    "No guardian consent to screening is in force for this student: they cannot be screened. "
                    "Record the guardian's consent first."
                )
            }
        )
    if campaign is not None:
        if campaign.instrument_code != instrument.code:
            raise ValidationError({"instrument": _("This campaign uses another instrument.")})
        if not selectors.is_eligible(campaign, student):
            raise ValidationError({"student": _("This student is not in the campaign's grade or class.")})
    answers = list(answers) if isinstance(answers, (list, tuple)) else answers
    result = score(instrument, answers)  # AnswerError (a ValidationError keyed answers / answers[i])
    response = Response(
        student=student,
        campaign=campaign,
        instrument_code=instrument.code,
        answers=json.dumps(answers),
        complete=result.complete,
        total=result.total,
        band=result.band or "",
        safety_flag=result.safety_flag,
        entered_by=actor if getattr(actor, "pk", None) else None,
        via_link=via_link,
    )
    response.save()
    audit(actor=actor, action="create", subject="screening.response", student=student, obj=response)
    response.crisis_case = None
    if result.safety_flag:
        from tenants.crisis.services import case_open

        response.crisis_case = case_open(
            student=student,
            level="high",
            identified_how="screening",
            actor=actor if getattr(actor, "pk", None) else None,
            screening=response,
        )
    return response


def answers_of(response: Response) -> list:
    return json.loads(str(response.answers)) if response.answers else []


def crisis_case_of(response: Response):
    if hasattr(response, "crisis_case"):
        return response.crisis_case
    from tenants.crisis.models import CrisisCase

    return CrisisCase.objects.filter(screening=response).order_by("opened_at").first()


# --------------------------------------------------------------------------------------------
# One-time student links


@transaction.atomic
def link_issue(*, actor, campaign: Campaign, student) -> str:
    """A one-time link token for the student to answer the campaign's instrument. Only its SHA-256
    is stored; the token is returned once."""
    if not selectors.is_eligible(campaign, student):
        raise ValidationError({"student": _("This student is not in the campaign's grade or class.")})
    if not selectors.may_be_screened(student):
        raise ValidationError(
            {
                "student": _(
                    "No guardian consent to screening is in force for this student: they cannot be screened."
                )
            }
        )
    token, hashed = new_link_token()
    StudentLink.objects.create(
        token_hash=hashed,
        student=student,
        campaign=campaign,
        created_by=actor,
        expires_at=link_expiry(),
    )
    return token


class LinkUnusable(Exception):
    """The link is unknown, used or expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def link_by_token(token: str, *, lock: bool = False) -> StudentLink:
    qs = StudentLink.objects.select_related("campaign", "student")
    if lock:
        qs = qs.select_for_update(of=("self",))
    link = qs.filter(token_hash=token_hash(token)).first()
    if link is None:
        raise LinkUnusable("unknown")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link_expired(link.expires_at):
        raise LinkUnusable("expired")
    return link


@transaction.atomic
def link_submit(*, token: str, answers) -> Response:
    """The student's own answers through a one-time link. The link works once."""
    link = link_by_token(token, lock=True)
    response = screening_record(
        student=link.student,
        instrument=link.campaign.instrument_code,
        answers=answers,
        actor=None,
        campaign=link.campaign,
        via_link=True,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return response


@transaction.atomic
def campaign_delete(campaign: Campaign, *, actor) -> None:
    if campaign.responses.exists():
        raise ValidationError(_("Responses were recorded in this campaign: it cannot be deleted."))
    campaign.delete()


@transaction.atomic
def instrument_delete(definition: InstrumentDefinition, *, actor) -> None:
    if (
        Response.objects.filter(instrument_code=definition.code).exists()
        or Campaign.objects.filter(instrument_code=definition.code).exists()
    ):
        raise ValidationError(
            _("This instrument is used by campaigns or responses: mark it not in use instead.")
        )
    definition.delete()
