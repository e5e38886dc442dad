"""Metric names, the report's number format and which symmetry indices it shows.

The symmetry index follows Robinson, Herzog & Nigg 1987 (J Manipulative Physiol Ther 10:172),
as in ``summary.json``: SI = (R - L) / (0.5 (R + L)) x 100, positive when the right value is
larger (:func:`stridelab.symmetry.robinson_si`). It is only meaningful for quantities that are
positive on both sides (times, cadence, peak flexion); for others (angles around zero) the
report shows the difference R - L instead.
"""

from __future__ import annotations

from stridelab.summary.glossary import load_glossary
from stridelab.symmetry import robinson_si
from stridelab.units import DASH, MINUS, finite, format_fixed

SI_FORMULA = "SI = (R \u2212 L) / (0.5 \u00d7 (R + L)) \u00d7 100 (Robinson 1987)"


_SUFFIX_UNITS = {"_ms": "ms", "_spm": "steps/min", "_deg": "deg", "_cm": "cm", "_pct": "%",
                 "_ratio": "", "_m": "m", "_s": "s", "_dps": "deg/s"}
_DIGITS = {"ms": 0, "steps/min": 1, "ratio": 3, "": 3, "deg": 1, "cm": 1, "%": 1,
           "% of stride": 1, "m": 3, "s": 3, "deg/s": 0}


def label(key: str) -> str:
    """Readable name of a metric key, from the glossary.

    ``contact_time_ms`` -> ``Ground contact time``; a key outside the glossary is named from
    its words.
    """
    term = load_glossary().get(key)
    if term is not None:
        return term.name
    stem = key
    for suffix in _SUFFIX_UNITS:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem.replace("_", " ").capitalize()


def unit_of(key: str, metric: dict | None = None) -> str:
    """Unit of a metric: the ``unit`` field when given, else from the key's suffix."""
    if metric and metric.get("unit") is not None:
        return str(metric["unit"])
    for suffix, unit in _SUFFIX_UNITS.items():
        if key.endswith(suffix):
            return unit
    return ""


def fmt(value, unit: str = "", digits: int | None = None) -> str:
    """Format a number for the report with digits suited to its unit; ``-`` when missing."""
    if digits is None:
        digits = _DIGITS.get(unit, 2)
    return format_fixed(value, digits, missing=DASH, minus=MINUS)


SI_KEYS = ("cadence_spm", "contact_time_ms", "flight_time_ms", "swing_time_ms", "step_time_ms",
           "stride_time_ms", "duty_factor", "knee_flexion_ic_deg", "knee_flexion_peak_stance_deg",
           "vertical_oscillation_cm", "contact_time_balance_left_pct")
"""Metrics far from zero on both sides, for which the report computes an SI when the summary
gives none; for the others (angles and distances that can be near zero, where a tiny
difference would read as a huge SI) it shows R - L only."""


def metric_si(summary: dict, key: str) -> float | None:
    """The summary's symmetry index for ``key``, else computed from L and R for :data:`SI_KEYS`."""
    given = (summary.get("symmetry_index_pct") or {}).get(key)
    if finite(given):
        return float(given)
    if key not in SI_KEYS:
        return None
    metric = (summary.get("metrics") or {}).get(key) or {}
    left, right = metric.get("L"), metric.get("R")
    if not (finite(left) and finite(right)) or left <= 0 or right <= 0:
        return None  # only meaningful for quantities positive on both sides
    return robinson_si(left, right)
