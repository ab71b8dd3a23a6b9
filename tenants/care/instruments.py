"""Screening instruments (心理测评量表) and their scoring, as pure functions: no database, no side effects.

Facts come from `shared/reference/instruments.md`. Built in: PHQ-9, GAD-7 and K6. Admin-defined
instruments (item count, one range per item, sum scoring, bands) are described by the same
`Instrument` dataclass and go through the same `score()`.

Rules:
- a wrong number of answers, or an answer that is not an integer (bools are not) or is out of the
  item's range, raises `AnswerError`: a `ValidationError` keyed by field, `answers` for the count
  and `answers[i]` (0-based) for an item, whose message names the item 1-based;
- `None` is a missing answer: the response is incomplete (`complete=False`) and is not scored
  (`total` and `band` are None, `positive` is False);
- safety rules (PHQ-9 item 9 >= 1) flag the response whatever the total, and still apply to an
  incomplete response when the item itself was answered.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

SCORING_SUM = "sum"
SCORING_RULES = (SCORING_SUM,)


class AnswerError(ValidationError):
    """Answers that cannot be scored. A ValidationError with a dict of field errors, e.g.
    `{"answers": [...]}` for a wrong count or `{"answers[3]": [...]}` for the 4th item."""

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.message_dict


class UnknownInstrument(KeyError):
    """No built-in instrument has this code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code

    def __str__(self):
        return f"Unknown screening instrument: {self.code!r}"


@dataclass(frozen=True)
class Band:
    """A closed range of totals, `lower` to `upper` inclusive."""

    code: str
    lower: int
    upper: int
    label_zh: str
    label_en: str = ""

    def contains(self, total: int) -> bool:
        return self.lower <= total <= self.upper


@dataclass(frozen=True)
class SafetyRule:
    """An answer of `at_least` or more to the item at 0-based `item` raises the safety flag."""

    item: int
    at_least: int


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    total: int | None
    band: str | None
    band_label: str | None
    complete: bool
    safety_flag: bool
    positive: bool
    missing: tuple[int, ...] = ()  # 0-based indexes of unanswered items


def validate_bands(bands: Sequence[Band], lowest: int, highest: int) -> None:
    """Bands must be contiguous, must not overlap and must cover exactly `lowest`..`highest`.
    Raises ValueError naming the problem."""
    if not bands:
        raise ValueError("An instrument needs at least one band.")
    codes = [band.code for band in bands]
    for code in codes:
        if not code:
            raise ValueError("Every band needs a code.")
        if codes.count(code) > 1:
            raise ValueError(f"Band code {code!r} is used more than once.")
    for band in bands:
        if (
            isinstance(band.lower, bool)
            or isinstance(band.upper, bool)
            or not isinstance(band.lower, int)
            or not isinstance(band.upper, int)
        ):
            raise ValueError(f"Band {band.code!r} needs integer bounds.")
        if band.lower > band.upper:
            raise ValueError(f"Band {band.code!r} starts at {band.lower}, after its end {band.upper}.")
    ordered = sorted(bands, key=lambda band: (band.lower, band.upper))
    first, last = ordered[0], ordered[-1]
    if first.lower > lowest:
        raise ValueError(
            f"Totals {lowest}-{first.lower - 1} are in no band: the lowest band {first.code!r} "
            f"starts at {first.lower}, the lowest possible total is {lowest}."
        )
    if first.lower < lowest:
        raise ValueError(
            f"Band {first.code!r} starts at {first.lower}, below the lowest possible total {lowest}."
        )
    for previous, band in zip(ordered, ordered[1:], strict=False):
        if band.lower <= previous.upper:
            raise ValueError(
                f"Bands {previous.code!r} ({previous.lower}-{previous.upper}) and {band.code!r} "
                f"({band.lower}-{band.upper}) overlap."
            )
        if band.lower > previous.upper + 1:
            raise ValueError(
                f"Gap between bands {previous.code!r} ({previous.lower}-{previous.upper}) and "
                f"{band.code!r} ({band.lower}-{band.upper}): totals {previous.upper + 1}-{band.lower - 1} "
                f"are in no band."
            )
    if last.upper < highest:
        raise ValueError(
            f"Totals {last.upper + 1}-{highest} are in no band: the highest band {last.code!r} ends at "
            f"{last.upper}, the highest possible total is {highest}."
        )
    if last.upper > highest:
        raise ValueError(
            f"Band {last.code!r} ends at {last.upper}, above the highest possible total {highest}."
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Instrument:
    """A screening instrument: `item_count` items, each answered `item_min`..`item_max`, scored by
    `scoring` (only "sum") into one of `bands`. Construction checks the definition and raises
    ValueError naming the problem, so an admin-defined instrument that exists is a scorable one."""

    code: str
    name_zh: str
    name_en: str
    item_count: int
    item_min: int
    item_max: int
    bands: tuple[Band, ...]
    abbreviation: str = ""  # "PHQ-9"; used in messages, falls back to name_en
    scoring: str = SCORING_SUM
    positive_at: int | None = None  # a total at or above this is a positive screen
    safety_rules: tuple[SafetyRule, ...] = ()
    period: str = ""  # recall period, e.g. "last 2 weeks"
    licence: str = ""
    notice: str = ""  # copyright notice or citation, shown with the items
    online_needs_licence: bool = False  # administered online only once the school records a licence
    builtin: bool = False

    def __post_init__(self):
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(self, "safety_rules", tuple(self.safety_rules))
        if not self.code:
            raise ValueError("An instrument needs a code.")
        if not _is_int(self.item_count) or self.item_count < 1:
            raise ValueError(f"Instrument {self.code!r} needs at least one item.")
        if not _is_int(self.item_min) or not _is_int(self.item_max):
            raise ValueError(f"Instrument {self.code!r} needs integer item bounds.")
        if self.item_min > self.item_max:
            raise ValueError(
                f"Instrument {self.code!r}: the item minimum {self.item_min} is above the maximum {self.item_max}."
            )
        if self.scoring not in SCORING_RULES:
            raise ValueError(f"Instrument {self.code!r}: unknown scoring rule {self.scoring!r}.")
        self.validate_bands()
        if self.positive_at is not None and (
            not _is_int(self.positive_at) or not self.min_total <= self.positive_at <= self.max_total
        ):
            raise ValueError(
                f"Instrument {self.code!r}: the positive threshold {self.positive_at!r} is outside the "
                f"possible totals {self.min_total}-{self.max_total}."
            )
        for rule in self.safety_rules:
            if not _is_int(rule.item) or not 0 <= rule.item < self.item_count:
                raise ValueError(
                    f"Instrument {self.code!r}: a safety rule names item index {rule.item!r}, "
                    f"which does not exist."
                )
            if not _is_int(rule.at_least) or not self.item_min <= rule.at_least <= self.item_max:
                raise ValueError(
                    f"Instrument {self.code!r}: a safety rule's threshold {rule.at_least!r} is "
                    f"outside the item range {self.item_min}-{self.item_max}."
                )

    @property
    def display_name(self) -> str:
        return self.abbreviation or self.name_en or self.code

    @property
    def min_total(self) -> int:
        return self.item_count * self.item_min

    @property
    def max_total(self) -> int:
        return self.item_count * self.item_max

    def validate_bands(self) -> None:
        validate_bands(self.bands, self.min_total, self.max_total)

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.contains(total):
                return band
        raise ValueError(f"Total {total} is outside {self.code!r}'s bands.")

    def band_label(self, code: str) -> str:
        """The label of the band with this code; the code itself when no band has it."""
        return next((b.label_zh for b in self.bands if b.code == code), code)

    def score(self, answers) -> "ScoreResult":
        return score(self, answers)


def _check_answers(instrument: Instrument, answers) -> list:
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise AnswerError({"answers": [ValidationError(_("Answers must be a list."), code="not_a_list")]})
    answers = list(answers)
    if len(answers) != instrument.item_count:
        message = ngettext_lazy(
            "%(instrument)s has %(count)d items; %(given)d answer was given.",
            "%(instrument)s has %(count)d items; %(given)d answers were given.",
            "given",
        )
        raise AnswerError(
            {
                "answers": [
                    ValidationError(
                        message,
                        code="answer_count",
                        params={
                            "instrument": instrument.display_name,
                            "count": instrument.item_count,
                            "given": len(answers),
                        },
                    )
                ]
            }
        )
    errors = {}
    for index, value in enumerate(answers):
        if value is None:
            continue
        if not _is_int(value) or not instrument.item_min <= value <= instrument.item_max:
            errors[f"answers[{index}]"] = [
                ValidationError(
                    _("Item %(item)d must be between %(min)d and %(max)d."),
                    code="out_of_range" if _is_int(value) else "not_an_integer",
                    params={"item": index + 1, "min": instrument.item_min, "max": instrument.item_max},
                )
            ]
    if errors:
        raise AnswerError(errors)
    return answers


def score(instrument: Instrument, answers: list[int | None]) -> ScoreResult:
    """Score one response. Raises AnswerError for a wrong count or a bad value; a None answer makes
    the response incomplete and unscored, but safety rules on answered items still apply."""
    answers = _check_answers(instrument, answers)
    missing = tuple(index for index, value in enumerate(answers) if value is None)
    safety_flag = any(
        answers[rule.item] is not None and answers[rule.item] >= rule.at_least
        for rule in instrument.safety_rules
    )
    if missing:
        return ScoreResult(
            instrument=instrument.code,
            total=None,
            band=None,
            band_label=None,
            complete=False,
            safety_flag=safety_flag,
            positive=False,
            missing=missing,
        )
    total = sum(answers)  # SCORING_SUM, the only rule
    band = instrument.band_for(total)
    return ScoreResult(
        instrument=instrument.code,
        total=total,
        band=band.code,
        band_label=band.label_zh,
        complete=True,
        safety_flag=safety_flag,
        positive=instrument.positive_at is not None and total >= instrument.positive_at,
    )


# ---------------------------------------------------------------------------------------------
# Built-in instruments

PHQ_LICENCE = (
    "Pfizer released the PHQ family in 2010 for use without copyright restriction or charge; "
    "keep the copyright notice."
)
PHQ_NOTICE = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
    "educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

PHQ9 = Instrument(
    code="phq9",
    abbreviation="PHQ-9",
    name_zh="患者健康问卷抑郁量表（PHQ-9）",
    name_en="Patient Health Questionnaire-9 (PHQ-9, depression)",
    item_count=9,
    item_min=0,
    item_max=3,
    bands=(
        Band("minimal", 0, 4, "无或极轻微", "Minimal"),
        Band("mild", 5, 9, "轻度", "Mild"),
        Band("moderate", 10, 14, "中度", "Moderate"),
        Band("moderately_severe", 15, 19, "中重度", "Moderately severe"),
        Band("severe", 20, 27, "重度", "Severe"),
    ),
    positive_at=10,
    # Item 9: thoughts of being better off dead or of self-harm. Any answer of 1 or more.
    safety_rules=(SafetyRule(item=8, at_least=1),),
    period="last 2 weeks",
    licence=PHQ_LICENCE,
    notice=PHQ_NOTICE,
    builtin=True,
)

GAD7 = Instrument(
    code="gad7",
    abbreviation="GAD-7",
    name_zh="广泛性焦虑量表（GAD-7）",
    name_en="Generalized Anxiety Disorder-7 (GAD-7, anxiety)",
    item_count=7,
    item_min=0,
    item_max=3,
    bands=(
        Band("minimal", 0, 4, "无或极轻微", "Minimal"),
        Band("mild", 5, 9, "轻度", "Mild"),
        Band("moderate", 10, 14, "中度", "Moderate"),
        Band("severe", 15, 21, "重度", "Severe"),
    ),
    positive_at=10,
    # No self-harm item: pair it with the PHQ-9.
    period="last 2 weeks",
    licence=PHQ_LICENCE,
    notice=PHQ_NOTICE,
    builtin=True,
)

K6 = Instrument(
    code="k6",
    abbreviation="K6",
    name_zh="凯斯勒心理困扰量表（K6）",
    name_en="Kessler Psychological Distress Scale (K6)",
    item_count=6,
    item_min=0,
    item_max=4,
    bands=(
        Band("low", 0, 7, "低", "Low"),
        Band("moderate", 8, 12, "中等", "Moderate"),
        Band("high", 13, 24, "可能存在严重心理困扰", "Probable serious distress"),
    ),
    positive_at=13,
    period="last 30 days",
    licence="Public domain; cite the source.",
    notice=(
        "Kessler RC, Andrews G, Colpe LJ, et al. Short screening scales to monitor population prevalences "
        "and trends in non-specific psychological distress. Psychological Medicine. 2002;32(6):959-976."
    ),
    builtin=True,
)

BUILTIN_INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {instrument.code: instrument for instrument in (PHQ9, GAD7, K6)}
)


def get_instrument(code: str) -> Instrument:
    """The built-in instrument with this code; raises UnknownInstrument (a KeyError) otherwise."""
    try:
        return BUILTIN_INSTRUMENTS[code]
    except (KeyError, TypeError):
        raise UnknownInstrument(code) from None


__all__ = [
    "AnswerError",
    "Band",
    "BUILTIN_INSTRUMENTS",
    "GAD7",
    "Instrument",
    "K6",
    "PHQ9",
    "SafetyRule",
    "SCORING_SUM",
    "ScoreResult",
    "UnknownInstrument",
    "get_instrument",
    "score",
    "validate_bands",
]
