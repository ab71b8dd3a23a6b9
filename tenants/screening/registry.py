"""The instrument registry: the built-in instruments (tenants.care.instruments) and the ones a
school defines (InstrumentDefinition), both as `Instrument`, scored by the same `score()`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tenants.care.instruments import BUILTIN_INSTRUMENTS, Band, Instrument
from tenants.screening.models import InstrumentDefinition


def bands_from_json(raw) -> tuple[Band, ...]:
    """A JSON list of {"code", "lower", "upper", "label_zh"} as Bands; ValueError naming the problem."""
    if not isinstance(raw, list) or not raw:
        raise ValueError(_("Give at least one band."))
    bands = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ValueError(_("Band %(n)d is not of the form code, lower, upper, label.") % {"n": number})
        code = str(item.get("code") or "").strip()
        lower, upper = item.get("lower"), item.get("upper")
        if not code:
            raise ValueError(_("Band %(n)d needs a code.") % {"n": number})
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lower, upper)):
            raise ValueError(_("Band %(code)s needs whole-number bounds.") % {"code": code})
        label = str(item.get("label_zh") or item.get("label") or code).strip()
        bands.append(Band(code=code, lower=lower, upper=upper, label_zh=label, label_en=label))
    return tuple(bands)


def bands_from_text(text: str) -> list[dict]:
    """Bands written one per line, "code lower-upper label" (e.g. "low 0-7 低"), as the JSON list
    stored on InstrumentDefinition. ValueError names the line."""
    result = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(None, 2)
        try:
            code, span = parts[0], parts[1]
            lower, upper = (int(v) for v in span.split("-", 1))
        except (IndexError, ValueError):
            raise ValueError(
                _("Line %(n)d: write a band as “code lower-upper label”, e.g. “low 0-7 低”.") % {"n": number}
            ) from None
        result.append(
            {"code": code, "lower": lower, "upper": upper, "label_zh": parts[2] if len(parts) > 2 else code}
        )
    return result


def bands_as_text(bands: list[dict]) -> str:
    return "\n".join(
        f"{b['code']} {b['lower']}-{b['upper']} {b.get('label_zh', '')}".rstrip() for b in bands or []
    )


def definition_instrument(definition: InstrumentDefinition) -> Instrument:
    """The Instrument a definition describes. Raises ValueError when the definition cannot score."""
    return Instrument(
        code=definition.code,
        name_zh=definition.name,
        name_en=definition.name,
        abbreviation=definition.name,
        item_count=definition.items,
        item_min=definition.item_min,
        item_max=definition.item_max,
        bands=bands_from_json(definition.bands),
        licence=definition.licence,
        builtin=False,
    )


def check_definition(definition: InstrumentDefinition) -> None:
    """Field errors for a definition that cannot score: the same checks as Instrument itself."""
    errors = {}
    if definition.code in BUILTIN_INSTRUMENTS:
        errors["code"] = [_("This code belongs to a built-in instrument.")]
    if definition.items is not None and definition.items < 1:
        errors["items"] = [_("An instrument needs at least one item.")]
    if (
        definition.item_min is not None
        and definition.item_max is not None
        and definition.item_max <= definition.item_min
    ):
        errors["item_max"] = [_("The highest answer must be above the lowest.")]
    if not errors:
        try:
            bands = bands_from_json(definition.bands)
            from tenants.care.instruments import validate_bands

            validate_bands(
                bands, definition.items * definition.item_min, definition.items * definition.item_max
            )
        except ValueError as exc:
            errors["bands"] = [str(exc)]
    if errors:
        raise ValidationError(errors)


def instrument_for(code: str, *, active_only: bool = False) -> Instrument | None:
    """The built-in or admin-defined instrument with this code, or None."""
    if code in BUILTIN_INSTRUMENTS:
        return BUILTIN_INSTRUMENTS[code]
    qs = InstrumentDefinition.objects.filter(code=code or "")
    if active_only:
        qs = qs.filter(active=True)
    definition = qs.first()
    if definition is None:
        return None
    try:
        return definition_instrument(definition)
    except ValueError:
        return None


def all_instruments(*, active_only: bool = False) -> list[Instrument]:
    found = list(BUILTIN_INSTRUMENTS.values())
    qs = InstrumentDefinition.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    for definition in qs:
        try:
            found.append(definition_instrument(definition))
        except ValueError:
            continue
    return found


def instrument_choices(*, active_only: bool = True) -> list[tuple[str, str]]:
    return [(i.code, i.display_name) for i in all_instruments(active_only=active_only)]


def instrument_name(code: str) -> str:
    instrument = instrument_for(code)
    return instrument.display_name if instrument else code
