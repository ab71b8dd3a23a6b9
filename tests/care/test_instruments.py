"""Scoring of screening instruments (tenants.care.instruments): pure functions, no database.

Every band boundary of each built-in instrument from real answer lists, the PHQ-9 item 9 safety
flag, incomplete responses, answers refused by field, band validation and an admin-defined
instrument on the same code path."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tenants.care.instruments import (
    BUILTIN_INSTRUMENTS,
    GAD7,
    K6,
    PHQ9,
    AnswerError,
    Band,
    Instrument,
    SafetyRule,
    ScoreResult,
    UnknownInstrument,
    get_instrument,
    score,
    validate_bands,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def errors_of(instrument, answers) -> dict[str, list[str]]:
    with pytest.raises(AnswerError) as caught:
        score(instrument, answers)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.errors == caught.value.message_dict
    return caught.value.errors


# ---------------------------------------------------------------------------------------------
# Band boundaries. Item 9 of the PHQ-9 (the last answer) stays 0 except where the total needs it.

PHQ9_BOUNDARIES = [
    # total, answers, band, label
    (0, [0, 0, 0, 0, 0, 0, 0, 0, 0], "minimal", "无或极轻微"),
    (4, [1, 1, 1, 1, 0, 0, 0, 0, 0], "minimal", "无或极轻微"),
    (5, [2, 1, 1, 1, 0, 0, 0, 0, 0], "mild", "轻度"),
    (9, [3, 3, 2, 1, 0, 0, 0, 0, 0], "mild", "轻度"),
    (10, [3, 3, 2, 1, 1, 0, 0, 0, 0], "moderate", "中度"),
    (14, [2, 2, 2, 2, 2, 2, 1, 1, 0], "moderate", "中度"),
    (15, [3, 3, 3, 3, 3, 0, 0, 0, 0], "moderately_severe", "中重度"),
    (19, [3, 3, 3, 3, 3, 2, 1, 1, 0], "moderately_severe", "中重度"),
    (20, [3, 3, 3, 3, 3, 3, 1, 1, 0], "severe", "重度"),
    (24, [3, 3, 3, 3, 3, 3, 3, 3, 0], "severe", "重度"),
    (27, [3, 3, 3, 3, 3, 3, 3, 3, 3], "severe", "重度"),
]

GAD7_BOUNDARIES = [
    (0, [0, 0, 0, 0, 0, 0, 0], "minimal", "无或极轻微"),
    (4, [1, 1, 1, 1, 0, 0, 0], "minimal", "无或极轻微"),
    (5, [1, 1, 1, 1, 1, 0, 0], "mild", "轻度"),
    (9, [3, 3, 3, 0, 0, 0, 0], "mild", "轻度"),
    (10, [3, 3, 3, 1, 0, 0, 0], "moderate", "中度"),
    (14, [2, 2, 2, 2, 2, 2, 2], "moderate", "中度"),
    (15, [3, 3, 3, 3, 3, 0, 0], "severe", "重度"),
    (21, [3, 3, 3, 3, 3, 3, 3], "severe", "重度"),
]

K6_BOUNDARIES = [
    (0, [0, 0, 0, 0, 0, 0], "low", "低"),
    (7, [4, 3, 0, 0, 0, 0], "low", "低"),
    (8, [4, 4, 0, 0, 0, 0], "moderate", "中等"),
    (12, [2, 2, 2, 2, 2, 2], "moderate", "中等"),
    (13, [4, 4, 4, 1, 0, 0], "high", "可能存在严重心理困扰"),
    (24, [4, 4, 4, 4, 4, 4], "high", "可能存在严重心理困扰"),
]


def check_boundary(instrument, total, answers, band, label):
    assert sum(answers) == total and len(answers) == instrument.item_count  # the fixture itself
    result = score(instrument, answers)
    assert result == ScoreResult(
        instrument=instrument.code,
        total=total,
        band=band,
        band_label=label,
        complete=True,
        safety_flag=instrument is PHQ9 and answers[8] >= 1,
        positive=total >= instrument.positive_at,
        missing=(),
    )


@pytest.mark.parametrize(("total", "answers", "band", "label"), PHQ9_BOUNDARIES)
def test_phq9_band_boundaries(total, answers, band, label):
    check_boundary(PHQ9, total, answers, band, label)


@pytest.mark.parametrize(("total", "answers", "band", "label"), GAD7_BOUNDARIES)
def test_gad7_band_boundaries(total, answers, band, label):
    check_boundary(GAD7, total, answers, band, label)


@pytest.mark.parametrize(("total", "answers", "band", "label"), K6_BOUNDARIES)
def test_k6_band_boundaries(total, answers, band, label):
    check_boundary(K6, total, answers, band, label)


@pytest.mark.parametrize(
    ("instrument", "bottom_band", "top_band", "top_total", "top_flag"),
    [
        (PHQ9, "minimal", "severe", 27, True),
        (GAD7, "minimal", "severe", 21, False),
        (K6, "low", "high", 24, False),
    ],
    ids=["phq9", "gad7", "k6"],
)
def test_all_zero_and_all_max(instrument, bottom_band, top_band, top_total, top_flag):
    low = score(instrument, [0] * instrument.item_count)
    assert (low.total, low.band, low.complete, low.safety_flag, low.positive) == (
        0,
        bottom_band,
        True,
        False,
        False,
    )
    high = score(instrument, [instrument.item_max] * instrument.item_count)
    assert (high.total, high.band, high.complete, high.safety_flag, high.positive) == (
        top_total,
        top_band,
        True,
        top_flag,
        True,
    )


def test_every_possible_total_falls_in_exactly_one_band():
    for instrument in BUILTIN_INSTRUMENTS.values():
        for total in range(instrument.min_total, instrument.max_total + 1):
            assert sum(band.contains(total) for band in instrument.bands) == 1, (instrument.code, total)


# ---------------------------------------------------------------------------------------------
# Positive screens: PHQ-9 >= 10, GAD-7 >= 10, K6 >= 13


@pytest.mark.parametrize(
    ("instrument", "below", "at"),
    [
        (PHQ9, [3, 3, 2, 1, 0, 0, 0, 0, 0], [3, 3, 2, 1, 1, 0, 0, 0, 0]),
        (GAD7, [3, 3, 3, 0, 0, 0, 0], [3, 3, 3, 1, 0, 0, 0]),
        (K6, [2, 2, 2, 2, 2, 2], [4, 4, 4, 1, 0, 0]),
    ],
    ids=["phq9", "gad7", "k6"],
)
def test_positive_threshold(instrument, below, at):
    assert sum(at) == instrument.positive_at == sum(below) + 1
    assert score(instrument, below).positive is False
    assert score(instrument, at).positive is True


def test_thresholds_are_the_documented_ones():
    assert (PHQ9.positive_at, GAD7.positive_at, K6.positive_at) == (10, 10, 13)


# ---------------------------------------------------------------------------------------------
# Safety: PHQ-9 item 9 >= 1 whatever the total


def test_item_9_of_one_with_total_one_is_minimal_and_flagged():
    result = score(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1
    assert result.band == "minimal"
    assert result.positive is False
    assert result.safety_flag is True


@pytest.mark.parametrize("value", [1, 2, 3])
def test_any_answer_to_item_9_of_one_or_more_flags(value):
    assert score(PHQ9, [0] * 8 + [value]).safety_flag is True


def test_high_total_without_item_9_is_not_flagged():
    result = score(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert (result.total, result.band, result.positive) == (24, "severe", True)
    assert result.safety_flag is False


def test_item_9_is_the_ninth_answer_not_another():
    for index in range(8):
        answers = [0] * 9
        answers[index] = 3
        assert score(PHQ9, answers).safety_flag is False


def test_gad7_and_k6_never_flag():
    assert score(GAD7, [3] * 7).safety_flag is False
    assert score(K6, [4] * 6).safety_flag is False


# ---------------------------------------------------------------------------------------------
# Incomplete responses: stored as incomplete, not scored


def test_a_missing_answer_makes_the_response_incomplete_and_unscored():
    result = score(PHQ9, [3, 3, 3, None, 3, 3, 3, 3, 0])
    assert result == ScoreResult(
        instrument="phq9",
        total=None,
        band=None,
        band_label=None,
        complete=False,
        safety_flag=False,
        positive=False,
        missing=(3,),
    )


@pytest.mark.parametrize("item_9", [1, 3])
def test_safety_flag_is_still_computed_from_an_answered_item_9(item_9):
    result = score(PHQ9, [None, 0, None, 0, 0, 0, 0, None, item_9])
    assert result.complete is False
    assert result.total is None and result.band is None
    assert result.safety_flag is True
    assert result.missing == (0, 2, 7)


def test_incomplete_with_item_9_zero_or_missing_is_not_flagged():
    assert score(PHQ9, [None, 3, 3, 3, 3, 3, 3, 3, 0]).safety_flag is False
    missing_item_9 = score(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, None])
    assert missing_item_9.safety_flag is False and missing_item_9.complete is False


def test_all_missing():
    for instrument in BUILTIN_INSTRUMENTS.values():
        result = score(instrument, [None] * instrument.item_count)
        assert (result.complete, result.total, result.band, result.positive) == (False, None, None, False)
        assert result.missing == tuple(range(instrument.item_count))


def test_incomplete_gad7_and_k6():
    assert score(GAD7, [3, 3, 3, 3, 3, 3, None]).complete is False
    result = score(K6, [None, 4, 4, 4, 4, 4])
    assert (result.total, result.band, result.positive, result.safety_flag) == (None, None, False, False)


# ---------------------------------------------------------------------------------------------
# Refused answers, by field


@pytest.mark.parametrize(
    ("instrument", "given", "message"),
    [
        (PHQ9, 8, "PHQ-9 has 9 items; 8 answers were given."),
        (PHQ9, 10, "PHQ-9 has 9 items; 10 answers were given."),
        (PHQ9, 0, "PHQ-9 has 9 items; 0 answers were given."),
        (PHQ9, 1, "PHQ-9 has 9 items; 1 answer was given."),
        (GAD7, 9, "GAD-7 has 7 items; 9 answers were given."),
        (K6, 7, "K6 has 6 items; 7 answers were given."),
    ],
)
def test_wrong_number_of_answers(instrument, given, message):
    assert errors_of(instrument, [0] * given) == {"answers": [message]}


def test_a_wrong_count_is_refused_even_with_missing_answers():
    assert errors_of(PHQ9, [None] * 8) == {"answers": ["PHQ-9 has 9 items; 8 answers were given."]}


@pytest.mark.parametrize("answers", [None, "000000000", 5, {"a": 1}])
def test_answers_that_are_not_a_list(answers):
    assert errors_of(PHQ9, answers) == {"answers": ["Answers must be a list."]}


def test_a_tuple_of_answers_is_accepted():
    assert score(GAD7, (1, 1, 1, 1, 1, 0, 0)).total == 5


@pytest.mark.parametrize(
    ("instrument", "value", "message"),
    [
        (PHQ9, -1, "Item 4 must be between 0 and 3."),
        (PHQ9, 4, "Item 4 must be between 0 and 3."),
        (GAD7, 4, "Item 4 must be between 0 and 3."),
        (GAD7, -1, "Item 4 must be between 0 and 3."),
        (K6, 5, "Item 4 must be between 0 and 4."),
        (K6, -1, "Item 4 must be between 0 and 4."),
    ],
)
def test_out_of_range_answers_name_the_item(instrument, value, message):
    answers = [0] * instrument.item_count
    answers[3] = value
    assert errors_of(instrument, answers) == {"answers[3]": [message]}


def test_k6_accepts_4_where_phq9_refuses_it():
    assert score(K6, [0, 0, 0, 4, 0, 0]).total == 4
    assert "answers[3]" in errors_of(PHQ9, [0, 0, 0, 4, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("value", ["2", 1.5, 2.0, True, False, [1]])
def test_non_integer_answers_name_the_item(value):
    answers = [0] * 9
    answers[3] = value
    assert errors_of(PHQ9, answers) == {"answers[3]": ["Item 4 must be between 0 and 3."]}


def test_item_9_out_of_range_is_refused_not_flagged():
    assert errors_of(PHQ9, [0] * 8 + [4]) == {"answers[8]": ["Item 9 must be between 0 and 3."]}


def test_every_bad_item_is_reported_at_once_and_missing_ones_are_not():
    errors = errors_of(PHQ9, [4, None, "1", 0, 0, 0, 0, 0, -1])
    assert errors == {
        "answers[0]": ["Item 1 must be between 0 and 3."],
        "answers[2]": ["Item 3 must be between 0 and 3."],
        "answers[8]": ["Item 9 must be between 0 and 3."],
    }


def test_error_codes_tell_range_from_type():
    with pytest.raises(AnswerError) as caught:
        score(PHQ9, [4, True, 0, 0, 0, 0, 0, 0, 0])
    codes = {key: [error.code for error in errors] for key, errors in caught.value.error_dict.items()}
    assert codes == {"answers[0]": ["out_of_range"], "answers[1]": ["not_an_integer"]}


def test_messages_render_in_the_active_language_without_failing():
    with translation.override("zh-hans"):
        with pytest.raises(AnswerError) as caught:
            score(PHQ9, [0] * 8)
        (message,) = caught.value.errors["answers"]
        assert "9" in message and "8" in message


# ---------------------------------------------------------------------------------------------
# Band validation


def test_validate_bands_accepts_the_builtins():
    for instrument in BUILTIN_INSTRUMENTS.values():
        instrument.validate_bands()
        validate_bands(instrument.bands, instrument.min_total, instrument.max_total)


def test_validate_bands_accepts_bands_in_any_order():
    validate_bands([Band("high", 5, 10, "高"), Band("low", 0, 4, "低")], 0, 10)


def test_validate_bands_catches_a_gap():
    with pytest.raises(ValueError, match=r"Gap between bands 'low' \(0-4\) and 'high' \(6-10\).*5-5"):
        validate_bands([Band("low", 0, 4, "低"), Band("high", 6, 10, "高")], 0, 10)


def test_validate_bands_catches_an_overlap():
    with pytest.raises(ValueError, match=r"Bands 'low' \(0-5\) and 'high' \(5-10\) overlap"):
        validate_bands([Band("low", 0, 5, "低"), Band("high", 5, 10, "高")], 0, 10)


def test_validate_bands_catches_a_range_not_covering_the_max():
    with pytest.raises(
        ValueError, match=r"Totals 9-10 are in no band.*'high' ends at 8.*highest possible total is 10"
    ):
        validate_bands([Band("low", 0, 4, "低"), Band("high", 5, 8, "高")], 0, 10)


def test_validate_bands_catches_a_range_not_starting_at_the_min():
    with pytest.raises(ValueError, match=r"Totals 0-0 are in no band.*'low' starts at 1"):
        validate_bands([Band("low", 1, 4, "低"), Band("high", 5, 10, "高")], 0, 10)


def test_validate_bands_catches_bands_beyond_the_possible_totals():
    with pytest.raises(ValueError, match=r"'high' ends at 11, above the highest possible total 10"):
        validate_bands([Band("low", 0, 4, "低"), Band("high", 5, 11, "高")], 0, 10)
    with pytest.raises(ValueError, match=r"'low' starts at -1, below the lowest possible total 0"):
        validate_bands([Band("low", -1, 4, "低"), Band("high", 5, 10, "高")], 0, 10)


def test_validate_bands_catches_other_mistakes():
    with pytest.raises(ValueError, match="at least one band"):
        validate_bands([], 0, 10)
    with pytest.raises(ValueError, match="'low' starts at 4, after its end 0"):
        validate_bands([Band("low", 4, 0, "低"), Band("high", 5, 10, "高")], 0, 10)
    with pytest.raises(ValueError, match="'low' is used more than once"):
        validate_bands([Band("low", 0, 4, "低"), Band("low", 5, 10, "高")], 0, 10)
    with pytest.raises(ValueError, match="integer bounds"):
        validate_bands([Band("low", 0, 4.5, "低"), Band("high", 5, 10, "高")], 0, 10)


# ---------------------------------------------------------------------------------------------
# Admin-defined instruments: same code path


def wellbeing(**overrides) -> Instrument:
    definition = dict(
        code="wellbeing5",
        name_zh="校园幸福感五题",
        name_en="School wellbeing, five items",
        item_count=5,
        item_min=1,
        item_max=5,
        bands=(Band("low", 5, 11, "较低"), Band("medium", 12, 18, "中等"), Band("high", 19, 25, "较高")),
        positive_at=19,
    )
    definition.update(overrides)
    return Instrument(**definition)


def test_admin_defined_instrument_scores():
    instrument = wellbeing()
    assert (instrument.min_total, instrument.max_total) == (5, 25)
    cases = [
        ([1, 1, 1, 1, 1], 5, "low", "较低", False),
        ([3, 3, 2, 2, 1], 11, "low", "较低", False),
        ([3, 3, 2, 2, 2], 12, "medium", "中等", False),
        ([4, 4, 4, 3, 3], 18, "medium", "中等", False),
        ([4, 4, 4, 4, 3], 19, "high", "较高", True),
        ([5, 5, 5, 5, 5], 25, "high", "较高", True),
    ]
    for answers, total, band, label, positive in cases:
        result = score(instrument, answers)
        assert (result.total, result.band, result.band_label, result.positive) == (
            total,
            band,
            label,
            positive,
        )
        assert result.complete is True and result.safety_flag is False
        assert instrument.score(answers) == result


def test_admin_defined_instrument_refuses_answers_by_its_own_range():
    instrument = wellbeing()
    assert errors_of(instrument, [0, 1, 1, 1, 1]) == {"answers[0]": ["Item 1 must be between 1 and 5."]}
    assert errors_of(instrument, [1, 1, 1, 1, 6]) == {"answers[4]": ["Item 5 must be between 1 and 5."]}
    # No abbreviation: the English name stands in.
    assert errors_of(instrument, [1, 1, 1]) == {
        "answers": ["School wellbeing, five items has 5 items; 3 answers were given."]
    }
    assert score(instrument, [1, None, 1, 1, 1]).complete is False


def test_admin_defined_instrument_without_threshold_is_never_positive():
    assert score(wellbeing(positive_at=None), [5] * 5).positive is False


def test_admin_defined_safety_rule():
    instrument = wellbeing(safety_rules=(SafetyRule(item=2, at_least=4),))
    assert score(instrument, [1, 1, 4, 1, 1]).safety_flag is True
    assert score(instrument, [5, 5, 3, 5, 5]).safety_flag is False
    assert score(instrument, [None, None, 5, None, None]).safety_flag is True


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"bands": (Band("low", 5, 11, "较低"), Band("high", 13, 25, "较高"))}, "Gap between bands"),
        ({"bands": (Band("low", 5, 12, "较低"), Band("high", 12, 25, "较高"))}, "overlap"),
        (
            {"bands": (Band("low", 5, 11, "较低"), Band("high", 12, 20, "较高"))},
            "Totals 21-25 are in no band",
        ),
        (
            {"bands": (Band("low", 0, 11, "较低"), Band("high", 12, 25, "较高"))},
            "below the lowest possible total 5",
        ),
        ({"item_count": 0}, "at least one item"),
        ({"item_min": 6}, "item minimum 6 is above the maximum 5"),
        ({"scoring": "mean"}, "unknown scoring rule 'mean'"),
        ({"positive_at": 26}, "positive threshold 26 is outside the possible totals 5-25"),
        ({"safety_rules": (SafetyRule(item=5, at_least=1),)}, "item index 5, which does not exist"),
        ({"safety_rules": (SafetyRule(item=0, at_least=6),)}, "outside the item range 1-5"),
        ({"code": ""}, "needs a code"),
    ],
)
def test_invalid_admin_definitions_are_refused_by_name(overrides, problem):
    with pytest.raises(ValueError, match=problem):
        wellbeing(**overrides)


# ---------------------------------------------------------------------------------------------
# The registry of built-ins


def test_get_instrument():
    assert get_instrument("phq9") is PHQ9
    assert get_instrument("gad7") is GAD7
    assert get_instrument("k6") is K6
    assert set(BUILTIN_INSTRUMENTS) == {"phq9", "gad7", "k6"}


@pytest.mark.parametrize("code", ["phq8", "PHQ9", "", None])
def test_unknown_instrument(code):
    with pytest.raises(UnknownInstrument) as caught:
        get_instrument(code)
    assert isinstance(caught.value, KeyError)
    assert caught.value.code == code
    assert repr(code) in str(caught.value)


def test_builtin_definitions_match_the_reference():
    assert (PHQ9.item_count, PHQ9.item_min, PHQ9.item_max, PHQ9.min_total, PHQ9.max_total) == (9, 0, 3, 0, 27)
    assert (GAD7.item_count, GAD7.item_min, GAD7.item_max, GAD7.min_total, GAD7.max_total) == (7, 0, 3, 0, 21)
    assert (K6.item_count, K6.item_min, K6.item_max, K6.min_total, K6.max_total) == (6, 0, 4, 0, 24)
    ranges = {code: [(b.code, b.lower, b.upper) for b in i.bands] for code, i in BUILTIN_INSTRUMENTS.items()}
    assert ranges == {
        "phq9": [
            ("minimal", 0, 4),
            ("mild", 5, 9),
            ("moderate", 10, 14),
            ("moderately_severe", 15, 19),
            ("severe", 20, 27),
        ],
        "gad7": [("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)],
        "k6": [("low", 0, 7), ("moderate", 8, 12), ("high", 13, 24)],
    }
    assert PHQ9.safety_rules == (SafetyRule(item=8, at_least=1),)
    assert GAD7.safety_rules == () and K6.safety_rules == ()
    for instrument in BUILTIN_INSTRUMENTS.values():
        assert instrument.builtin and instrument.scoring == "sum"
        assert instrument.name_zh and instrument.name_en and instrument.abbreviation
        assert all(band.label_zh and band.label_en for band in instrument.bands)
        assert instrument.online_needs_licence is False
    assert "Pfizer" in PHQ9.licence and PHQ9.licence == GAD7.licence
    assert "No permission required to reproduce" in PHQ9.notice and PHQ9.notice == GAD7.notice
    assert "public domain" in K6.licence.lower() and "Kessler" in K6.notice


def test_instruments_are_immutable():
    with pytest.raises(AttributeError):
        PHQ9.item_max = 4
    with pytest.raises(TypeError):
        BUILTIN_INSTRUMENTS["phq9"] = K6
