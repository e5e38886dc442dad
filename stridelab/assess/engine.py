"""The assessment: a ``summary.json`` dict in, evidence-graded :class:`Finding` objects out.

:class:`Assessment` follows the gaitmap pattern: parameters in ``__init__``, one action
method (:meth:`Assessment.assess`) returning ``self``, results in attributes ending in ``_``.

Every band edge is a row of ``stridelab/data/thresholds.csv`` (``assess.*``) with its source
and evidence grade; :mod:`stridelab.assess.rules` says which rows bound which band and what
the band means. A value exactly on an edge belongs to the band above it.

A single side-view video sees one leg whole and the other partly hidden. There the left/right
comparisons are not findings, nor are the far leg's own measures: both are listed as not
measurable ("needs the other side's clip or a rear view"), and the near leg's findings carry
its keypoints' visibility (the scene's ``leg_visibility``) as a confidence factor.

Confidence starts from the metric's ``confidence`` (1.0 when absent: motion capture) and is
lowered where the measurement cannot separate the bands:

- 2D inputs (``kind`` ``video`` or ``keypoints``) and angles with a measurement tolerance
  ``tol`` (pelvic drop: smallest detectable difference 2.7-2.8 deg, Dingenen 2018; knee angle:
  within-day repeatability 3-8 deg; other angles: 4.1 deg mean error, Pagnon 2022): a value
  ``d < tol`` from the nearest edge could lie in the neighbouring band, so confidence is
  multiplied by ``0.5 + 0.5 d / tol``, and the explanation says so. A value smaller than
  ``tol`` is also said to be indistinguishable from 0; where 0 lies in an "ok" band and the
  value in another, it is read in the band of 0: a value that cannot be told apart from 0 is
  never a finding that asks for exercises.
- Left/right timing differences: rounding each event to a frame of ``T = 1/fs`` adds a
  uniform error (variance ``T^2 / 12``) to each event, so each duration gets variance
  ``T^2 / 6`` and the difference of two side means over ``n_L`` and ``n_R`` contacts has
  standard error ``se = T sqrt((1/n_L + 1/n_R) / 6)`` (science.md §1.1). Two standard errors,
  divided by the mean of both sides, give the uncertainty ``u`` of the symmetry index; an
  index ``d < u`` from an edge has its confidence multiplied by ``0.5 + 0.5 d / u``.
- Measured errors: a metric with an ``error`` (video timing: each leg's mean against the force
  plate in the harness, :mod:`stridelab.summary.timing_error`) is treated like a tolerance: a
  mean ``d < error`` from an edge gets ``0.5 + 0.5 d / error``. Its symmetry index carries the
  error of two legs' means, ``u = 100 sqrt(2) error / mean`` points, when that exceeds the
  frame rounding's.

A measure assessed from its mean (timing, vertical oscillation) says when one side alone lies
in another band than the mean ("the right side alone (0.44) is at or above 0.40"). Trunk lean
is one finding, over the stride, with the lean at mid-stance read beside it. The foot-strike
pattern is :func:`stridelab.summary.build.strike_pattern` of the shares (a tie is "mixed"),
the same label the summary carries, with the method that gave it; a foot-angle finding whose
angle band names another pattern than the force plate's strike index says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from stridelab.assess.model import Finding
from stridelab.assess.rules import ASYMMETRY, FOOT_STRIKE, RULES, Band, Rule
from stridelab.errors import StridelabError
from stridelab.summary import Summary
from stridelab.summary.build import STRIKE_METHODS, strike_pattern
from stridelab.summary.glossary import load_glossary
from stridelab.symmetry import robinson_si, vendor_from_robinson, vendor_si
from stridelab.thresholds import Threshold, load_thresholds
from stridelab.units import finite, format_number, format_value

TWO_D_KINDS = frozenset({"video", "keypoints"})
SIDE_WORDS = {"L": "left", "R": "right"}

#: Metrics read beside another one (not assessed on their own): the companion's key and the
#: template of the ``{extra}`` field (``{value}``: its value; ``{signed}``: worded by sign).
COMPANIONS = {"overstride_ratio": ("overstride_cm", " ({value})"),
              "trunk_lean_deg": ("trunk_lean_midstance_deg", " ({signed} at mid-stance)")}

_UNIT_ALIASES = {
    "°": "deg", "degrees": "deg", "degree": "deg", "spm": "steps/min",
    "steps per minute": "steps/min", "steps/minute": "steps/min", "millisecond": "ms",
    "milliseconds": "ms", "centimetres": "cm", "centimeters": "cm",
}
_PHYSICAL_UNITS = frozenset({"deg", "ms", "s", "cm", "mm", "m", "steps/min"})


def _norm_unit(unit: Any) -> str:
    text = str(unit or "").strip().lower()
    return _UNIT_ALIASES.get(text, text)


def _finite(value: Any) -> float | None:
    return float(value) if finite(value) else None


class Assessment:
    """Turn a ``summary.json`` dict into evidence-graded findings.

    Parameters
    ----------
    thresholds
        Threshold rows by key; default: the packaged ``thresholds.csv``.
    rules
        The rules to apply; default :data:`stridelab.assess.rules.RULES`.
    per_side
        For sided measures (knee, pelvis, foot, shank), one finding per side where the
        summary has left and right values; otherwise one finding from the mean.

    Attributes
    ----------
    findings_
        The findings, in rule order (left before right).
    not_measurable_
        ``{metric: reason}`` from the summary's ``unavailable`` block: measures this input
        cannot give (shown to people, never turned into findings).
    not_assessed_
        Metrics present in the summary that no rule assesses (e.g. heart rate, pace).
    notes_
        Remarks about the assessment as a whole (walking, skipped metrics).
    summary_
        The summary assessed.
    """

    def __init__(
        self,
        thresholds: Mapping[str, Threshold] | None = None,
        rules: Sequence[Rule] = RULES,
        per_side: bool = True,
    ) -> None:
        self.thresholds = thresholds
        self.rules = rules
        self.per_side = per_side

    # -- public -------------------------------------------------------------------------

    def assess(self, summary: Mapping[str, Any] | Summary) -> Assessment:
        """Assess one summary.

        Parameters
        ----------
        summary
            A ``stridelab.summary/1`` dict (``docs/summary-schema.md``).

        Returns
        -------
        Assessment
            ``self``, with the result attributes set.

        Raises
        ------
        StridelabError
            When the dict is not a summary (no ``metrics`` block, another schema).
        """
        if isinstance(summary, Summary):
            summary = summary.to_dict()
        _check_summary(summary)
        self._t = self.thresholds if self.thresholds is not None else load_thresholds()
        self.summary_ = summary
        self.findings_: list[Finding] = []
        self.notes_: list[str] = []
        unavailable = summary.get("unavailable") or {}
        self.not_measurable_ = {str(k): str(v) for k, v in unavailable.items()} if isinstance(
            unavailable, Mapping) else {}
        metrics = summary["metrics"]
        activity = str(summary.get("activity") or "running").lower()
        self._two_d = str(summary.get("kind") or "").lower() in TWO_D_KINDS
        self._near, self._near_conf = _one_side_view(summary)
        if activity != "running":
            self.notes_.append(
                f"This recording is {activity}, not running: the running bands do not apply, "
                "so only left/right differences are assessed.")
        for rule in self.rules:
            if rule.running_only and activity != "running":
                continue
            edges = self._edge_values(rule)
            if rule.kind == ASYMMETRY and self._near:
                self.not_measurable_[f"{rule.metric} (left/right)"] = ONE_VIEW_LR
            elif rule.kind == ASYMMETRY:
                self.findings_ += self._asymmetry(rule, edges, summary)
            elif rule.kind == FOOT_STRIKE:
                self.findings_ += self._foot_strike(rule, edges, summary)
            else:
                self.findings_ += self._metric(rule, edges, summary)
        used = {r.metric for r in self.rules} | {c for c, _ in COMPANIONS.values()}
        self.not_assessed_ = sorted(k for k in metrics if k not in used)
        return self

    # -- helpers --------------------------------------------------------------------------

    def _row(self, key: str) -> Threshold:
        try:
            return self._t[key]
        except KeyError:
            raise KeyError(f"threshold {key!r} is missing from thresholds.csv") from None

    def _edge_values(self, rule: Rule) -> list[float]:
        values = [self._row(k).value for k in rule.edges]
        if any(b <= a for a, b in zip(values, values[1:], strict=False)):
            raise ValueError(f"thresholds.csv: the edges of rule {rule.key} "
                             f"({', '.join(rule.edges)}) must ascend, got {values}")
        return values

    def _finding(self, rule: Rule, band: Band, value: float | None, unit: str,
                 side: str | None, confidence: float, text: str,
                 extra_keys: tuple[str, ...] = ()) -> Finding:
        row = self._row(band.source_key)
        other = rule.other_view(value, self._t) if (rule.other_view and value is not None) \
            else None
        keys = tuple(dict.fromkeys(rule.edges + rule.extra_keys + extra_keys))
        return Finding(
            key=rule.key, metric=rule.metric, title=rule.title,
            value=None if value is None else round(value, 4), unit=unit, side=side,
            confidence=round(max(0.0, min(1.0, confidence)), 3), band=band.name,
            severity=band.severity, source=row.source, evidence=row.evidence,
            explanation=text, targets=band.targets, injuries=band.injuries,
            other_view=other, threshold_keys=keys)

    def _metric(self, rule: Rule, edges: list[float], summary: Mapping) -> list[Finding]:
        m = summary["metrics"].get(rule.metric)
        if m is None:
            return []
        if not isinstance(m, Mapping):
            m = {"mean": m}
        unit = self._row(rule.edges[0]).unit
        given = _norm_unit(m.get("unit"))
        if given in _PHYSICAL_UNITS and given != _norm_unit(unit):
            self.notes_.append(f"{rule.metric} is in {m.get('unit')}, not {unit}: not assessed.")
            return []
        confidence = _finite(m.get("confidence"))
        confidence = 1.0 if confidence is None else confidence
        sides = {s: _finite(m.get(s)) for s in ("L", "R")}
        items = self._items(rule, _finite(m.get("mean")), sides)
        if items and any(s is not None for s, _ in items) and self._near:
            confidence *= self._near_conf
        both = all(v is not None for v in sides.values())
        sides_text = (f" (left {format_value(sides['L'], unit)}, right "
                      f"{format_value(sides['R'], unit)})") if both and items and \
            items[0][0] is None else ""
        out = []
        for side, value in items:
            i = _band_index(value, edges)
            conf, note, keys = confidence, "", ()
            zero = False
            if rule.tolerance_key and self._two_d:
                i, zero = self._zero_band(rule, value, edges, i)
                factor, note = self._tolerance(rule.tolerance_key, value, edges, unit)
                conf, keys = conf * factor, (rule.tolerance_key,)
            elif _finite(m.get("error")) and (side is None or _per_leg_errors(summary)):
                factor, note = _measured_error(value, edges, unit, _finite(m.get("error")),
                                               summary, side)
                conf *= factor
            band = rule.bands[i]
            ctx = _context(value, unit, edges, i, side, sides_text, rule, summary)
            text = (self._zero_text(rule, band, value, unit, ctx) if zero
                    else band.text.format(**ctx) + note)
            if side is None and sides_text:
                text += self._side_note(rule, edges, sides, i, unit)
            if rule.metric == "foot_inclination_ic_deg":
                text += _strike_index_note(summary, side, band)
            out.append(self._finding(rule, band, value, unit, side, conf, text, keys))
        return out

    def _items(self, rule: Rule, mean: float | None,
               sides: dict[str, float | None]) -> list[tuple[str | None, float]]:
        """The values to assess: one per side (sided rules) or the mean."""
        sided = rule.per_side and self.per_side
        if sided and any(v is not None for v in sides.values()):
            items = [(s, v) for s, v in sides.items() if v is not None]
            if self._near:
                far = "L" if self._near == "R" else "R"
                if any(s == far for s, _ in items):
                    self.not_measurable_[f"{rule.metric} ({SIDE_WORDS[far]})"] = ONE_VIEW_FAR
                items = [(s, v) for s, v in items if s != far]
            return items
        return [(None, mean)] if mean is not None else []

    def _zero_band(self, rule: Rule, value: float, edges: list[float],
                   i: int) -> tuple[int, bool]:
        """The band of 0 for a value that cannot be told apart from 0, when that band is ok.

        A 2D value smaller than the rule's tolerance may be 0; where 0 lies in an "ok" band
        and the value in another, the value is read in the band of 0, so that no finding
        that asks for exercises rests on a value indistinguishable from 0.

        Returns
        -------
        tuple
            The band index, and whether it is the band of 0 instead of the value's own.
        """
        zero = _band_index(0.0, edges)
        if (abs(value) >= self._row(rule.tolerance_key).value or zero == i
                or rule.bands[i].severity == "ok" or rule.bands[zero].severity != "ok"):
            return i, False
        return zero, True

    def _zero_text(self, rule: Rule, band: Band, value: float, unit: str,
                   ctx: Mapping[str, str]) -> str:
        """The words of a value read in the band of 0 (:meth:`_zero_band`)."""
        tol = self._row(rule.tolerance_key).value
        where = f" ({ctx['side']})" if ctx["side"] != "stance" else ""
        return (f"{rule.title}{where}: {ctx['signed']}. Measured on 2D video, this is smaller "
                f"than the {format_value(tol, unit)} measurement tolerance, so it cannot be "
                f"told apart from 0, which lies in the {band.name} band: it is read as "
                f"{band.name}, with nothing to act on.")

    def _side_note(self, rule: Rule, edges: list[float], sides: dict[str, float | None],
                   i: int, unit: str) -> str:
        """Say which side alone lies in another band than the mean, and where."""
        parts = []
        for side, value in sides.items():
            j = _band_index(value, edges) if value is not None else i
            if j == i:
                continue
            where = (f"at or above {format_value(edges[j - 1], unit)}" if j > i
                     else f"below {format_value(edges[j], unit)}")
            hidden = " (the far leg, partly hidden)" if self._near and side != self._near \
                else ""
            parts.append(f"the {SIDE_WORDS[side]} side alone ({format_value(value, unit)})"
                         f"{hidden} is {where}: {rule.bands[j].name}")
        if not parts:
            return ""
        return f" That is the mean of both sides; {' and '.join(parts)}."

    def _tolerance(self, key: str, value: float, edges: list[float],
                   unit: str) -> tuple[float, str]:
        tol = self._row(key).value
        nearest = min(edges, key=lambda e: abs(value - e))
        d = abs(value - nearest)
        note, factor = "", 1.0
        if d < tol:
            factor = 0.5 + 0.5 * d / tol
            note += (f" Measured on 2D video, this is within the {format_value(tol, unit)} "
                     f"measurement tolerance of the {format_value(nearest, unit)} line, so "
                     "it could belong to the neighbouring band.")
        if abs(value) < tol:
            note += (" It is also smaller than that tolerance, so it cannot be told apart "
                     "from 0." if note else
                     f" Measured on 2D video, it is smaller than the "
                     f"{format_value(tol, unit)} measurement tolerance, so it cannot be told "
                     "apart from 0.")
        return factor, note

    def _asymmetry(self, rule: Rule, edges: list[float], summary: Mapping) -> list[Finding]:
        m = summary["metrics"].get(rule.metric)
        m = m if isinstance(m, Mapping) else {}
        left, right = _finite(m.get("L")), _finite(m.get("R"))
        recorded = (summary.get("symmetry_index_pct") or {}).get(rule.metric)
        si = _finite(recorded)
        if si is None:
            si = robinson_si(left, right)
        if si is None:
            return []
        vendor = vendor_si(left, right) if left is not None and right is not None \
            else vendor_from_robinson(si)
        unit = self._row(rule.edges[0]).unit
        i = sum(abs(si) >= e for e in edges)
        band = rule.bands[i]
        munit = str(m.get("unit") or "ms")
        lr = (f" (left {format_value(left, munit)}, right {format_value(right, munit)})"
              if left is not None and right is not None else "")
        ctx = {
            "lr": lr, "robinson": format_value(si, "%", signed=True),
            "vendor": format_value(vendor, "%", signed=True),
            "longer": "right" if si > 0 else "left",
            "lo": format_value(edges[i - 1], unit) if i > 0 else "",
            "hi": format_value(edges[i], unit) if i < len(edges) else "",
        }
        text = band.text.format(**ctx)
        confidence = _finite(m.get("confidence"))
        confidence = 1.0 if confidence is None else confidence
        factor, note = _timing_resolution(summary, left, right, munit, si, edges,
                                          _finite(m.get("error")))
        text += note
        return [self._finding(rule, band, si, unit, None, confidence * factor, text)]

    def _foot_strike(self, rule: Rule, edges: list[float], summary: Mapping) -> list[Finding]:
        block = summary.get("foot_strike")
        if not isinstance(block, Mapping):
            return []
        shares = _shares(block)
        if shares:
            pattern = strike_pattern(shares, edges[0])
            value = shares.get(pattern, max(shares.values()))
        elif isinstance(block.get("overall"), str):
            pattern, value = block["overall"], None
        else:
            return []
        i = 0 if pattern == "mixed" else 1
        band = rule.bands[i]
        ctx = {
            "pattern": PATTERN_WORDS.get(pattern, pattern),
            "share": (", ".join(f"{k} {format_value(v, 'fraction')}" for k, v in
                                sorted(shares.items(), key=lambda kv: -kv[1])) if i == 0
                      else format_value(value, "fraction") if value is not None else "most"),
            "by_side": _by_side(block), "pattern_note": PATTERN_NOTES.get(pattern, ""),
            "method": _method_words(block),
            "hi": format_value(edges[0], "fraction"),
        }
        text = band.text.format(**ctx)
        if i > 0:  # a consistent pattern is named after the pattern
            band = Band(pattern, band.severity, band.text, band.source_key, band.targets,
                        band.injuries)
        return [self._finding(rule, band, value, "fraction", None, 1.0, text)]


PATTERN_WORDS = {"rearfoot": "heel first", "midfoot": "on the midfoot",
                 "forefoot": "on the forefoot"}
PATTERN_NOTES = {
    "rearfoot": "Most distance runners land heel first.",
    "midfoot": "The whole foot meets the ground at about the same time.",
    "forefoot": "A forefoot landing asks more of the calves and Achilles tendon.",
}


def _method_words(block: Mapping) -> str:
    """How the foot-strike label was found, for the finding's ``{method}``.

    ``" (strike index from the force plate; 62 % of foot length from the heel on average)"``.
    """
    method = block.get("method")
    if not isinstance(method, str) or not method:
        return ""
    index = block.get("strike_index_pct")
    mean = _finite(index.get("mean")) if isinstance(index, Mapping) else None
    if mean is not None and method.startswith(STRIKE_METHODS["strike_index"]):
        return f" ({method}; {mean:.0f} % of foot length from the heel on average)"
    return f" ({method})"


def _shares(block: Mapping) -> dict[str, float]:
    """The foot-strike block's shares as fractions (given in percent when any exceeds 1)."""
    raw = block.get("shares") if isinstance(block.get("shares"), Mapping) else {}
    shares = {str(k): v for k, v in ((k, _finite(v)) for k, v in raw.items()) if v is not None}
    if shares and max(shares.values()) > 1:
        shares = {k: v / 100.0 for k, v in shares.items()}
    return shares


def _by_side(block: Mapping) -> str:
    """``" (left foot rearfoot, right foot midfoot)"`` from the block's side labels."""
    words = [f"{SIDE_WORDS[s]} foot {block[s]}" for s in ("L", "R")
             if isinstance(block.get(s), str)]
    return f" ({', '.join(words)})" if words else ""


def _band_index(value: float, edges: list[float]) -> int:
    """Index of the band holding ``value`` (a value on an edge belongs to the band above)."""
    return sum(value >= e for e in edges)


def _signed(value: float, unit: str, directions: tuple[str, str] | None) -> str:
    """The value's size worded by its sign (``"1.5 deg backward"``); plain without words."""
    if directions is None:
        return format_value(value, unit)
    negative = value < 0 and format_number(abs(value), unit) != format_number(0.0, unit)
    return directions[0 if negative else 1].format(abs=format_value(abs(value), unit))


def _companion(rule: Rule, side: str | None, summary: Mapping) -> str:
    """The ``{extra}`` field: the companion measure of ``rule``, for one side or the mean."""
    key, template = COMPANIONS.get(rule.metric, ("", ""))
    companion = summary["metrics"].get(key) if key else None
    if not isinstance(companion, Mapping):
        return ""
    value = _finite(companion.get(side) if side else companion.get("mean"))
    if value is None:
        return ""
    unit = _norm_unit(companion.get("unit")) or load_glossary()[key].unit
    return template.format(value=format_value(value, unit),
                           signed=_signed(value, unit, rule.directions))


def _reference(summary: Mapping, metric: str) -> str:
    """How an angle is referenced: to standing (a static trial) or to the floor."""
    m = summary["metrics"].get(metric)
    derived = str(m.get("derived") or "") if isinstance(m, Mapping) else ""
    return " relative to standing" if "standing" in derived else " against the floor"


def _context(value: float, unit: str, edges: list[float], i: int, side: str | None,
             sides_text: str, rule: Rule, summary: Mapping) -> dict[str, str]:
    side_word = SIDE_WORDS.get(side or "", "")
    return {
        "value": format_value(value, unit),
        "abs": format_value(abs(value), unit),
        "signed": _signed(value, unit, rule.directions),
        "pct": format_value(value, "fraction"),
        "lo": format_value(edges[i - 1], unit) if i > 0 else "",
        "hi": format_value(edges[i], unit) if i < len(edges) else "",
        "lo_n": format_number(edges[i - 1], unit) if i > 0 else "",
        "side": side_word or "stance",
        "leg": f"your {side_word} leg" if side_word else "one leg",
        "leg_cap": f"Your {side_word} leg" if side_word else "Each leg",
        "leg_low": f"your {side_word}" if side_word else "each",
        "sides": sides_text,
        "extra": _companion(rule, side, summary),
        "where": " on average over the stride",
        "reference": _reference(summary, rule.metric),
    }


def _strike_index_note(summary: Mapping, side: str | None, band: Band) -> str:
    """When the force plate's strike index names another pattern than the foot's angle."""
    block = summary.get("foot_strike")
    if not isinstance(block, Mapping):
        return ""
    if not str(block.get("method") or "").startswith(STRIKE_METHODS["strike_index"]):
        return ""
    label = block.get(side) if side else block.get("overall")
    implied = {"heel": "rearfoot"}.get(band.name.split()[0], band.name.split()[0])
    if not isinstance(label, str) or label in (implied, "mixed"):
        return ""
    return (f" The force plate's strike index, which measures where the foot first loads the "
            f"ground, calls this foot's landing {label}; the foot-strike pattern follows the "
            "strike index, the foot angle is an estimate of it from the markers.")


def _per_leg_errors(summary: Mapping) -> bool:
    """Whether the summary's measured errors hold for each leg's value (sensors: they do)."""
    return summary.get("kind") == "wearable sensors"


def _measured_error(value: float, edges: list[float], unit: str, error: float,
                    summary: Mapping, side: str | None = None) -> tuple[float, str]:
    """Confidence factor and note for a mean within its measured error of a band's edge."""
    nearest = min(edges, key=lambda e: abs(value - e))
    d = abs(value - nearest)
    if d >= error:
        return 1.0, ""
    fs = _finite(summary.get("sampling_rate_hz"))
    sensors = summary.get("kind") == "wearable sensors"
    at = (f" at {fs:g} {'Hz' if sensors else 'fps'}") if fs else ""
    # a sensor's angles were checked against the markers' own angles, its times against plates
    against = "motion capture" if sensors and unit.startswith("deg") else "force plates"
    return 0.5 + 0.5 * d / error, (
        f" Measured from {'wearable sensors' if sensors else 'video'}{at}, this "
        f"{'value' if side else 'mean'} carries an error of about "
        f"+/-{format_value(error, unit)} (against {against}), so it could belong to the "
        f"band on the other side of the {format_value(nearest, unit)} line.")


def _timing_resolution(summary: Mapping, left: float | None, right: float | None,
                       unit: str, si: float, edges: list[float],
                       error: float | None = None) -> tuple[float, str]:
    fs = _finite(summary.get("sampling_rate_hz"))
    n = summary.get("n_contacts") if isinstance(summary.get("n_contacts"), Mapping) else {}
    n_left, n_right = _finite(n.get("L")), _finite(n.get("R"))
    if (unit != "ms" or fs is None or fs <= 0 or left is None or right is None
            or not n_left or not n_right or left + right <= 0):
        return 1.0, ""
    period_ms = 1000.0 / fs
    se = period_ms * math.sqrt((1.0 / n_left + 1.0 / n_right) / 6.0)
    margin = 100.0 * 2 * se / (0.5 * (left + right))  # two standard errors, in SI points
    measured = 100.0 * math.sqrt(2.0) * error / (0.5 * (left + right)) if error else 0.0
    nearest = min(edges, key=lambda e: abs(abs(si) - e))
    d = abs(abs(si) - nearest)
    if d >= max(margin, measured):
        return 1.0, ""
    if measured > margin:
        return 0.5 + 0.5 * d / measured, (
            f" Each side's mean from video at {fs:g} fps carries an error of about "
            f"+/-{error:.0f} ms (against force plates), which makes this index uncertain by "
            f"about +/-{measured:.1f} points, so it could lie on the other side of the "
            f"{nearest:g} % line.")
    return 0.5 + 0.5 * d / margin, (
        f" Rounding the events to {fs:g} Hz frames alone makes this index uncertain by "
        f"about +/-{margin:.1f} points ({int(n_left)} left and {int(n_right)} right "
        f"contacts), so it could lie on the other side of the {nearest:g} % line.")


ONE_VIEW_LR = ("left/right from one side view, where the far leg is partly hidden: needs the "
               "other side's clip or a rear view")
ONE_VIEW_FAR = ("the far leg in a side view is partly hidden: needs a clip filmed from that "
                "side")


def _one_side_view(summary: Mapping) -> tuple[str | None, float]:
    """The near leg of a single side-view video, and its visibility (confidence factor).

    ``(None, 1.0)`` for every other input: motion capture, a rear view, a watch file.
    """
    scene = summary.get("scene") if isinstance(summary.get("scene"), Mapping) else {}
    near = scene.get("near_leg")
    if summary.get("view") != "side" or near not in ("L", "R"):
        return None, 1.0
    visibility = scene.get("leg_visibility") or {}
    conf = _finite(visibility.get(near)) if isinstance(visibility, Mapping) else None
    return near, 1.0 if conf is None else max(0.0, min(1.0, conf))


def _check_summary(summary: Any) -> None:
    """Check a summary dict through :meth:`Summary.from_dict` (an unknown key is an error)."""
    if not isinstance(summary, Mapping):
        raise StridelabError("a summary must be a JSON object (dict)")
    try:
        Summary.from_dict(dict(summary))
    except (TypeError, ValueError) as exc:
        raise StridelabError(f"not a stridelab summary: {exc}") from None


def assess_summary(summary: Mapping[str, Any], **params: Any) -> list[Finding]:
    """Shortcut: ``Assessment(**params).assess(summary).findings_``.

    Parameters
    ----------
    summary
        A ``stridelab.summary/1`` dict.
    **params
        Passed to :class:`Assessment`.
    """
    return Assessment(**params).assess(summary).findings_
