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
  ``tol`` is also said to be indistinguishable from 0.
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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from stridelab.assess.model import Finding
from stridelab.assess.rules import ASYMMETRY, FOOT_STRIKE, RULES, Band, Rule
from stridelab.errors import StridelabError
from stridelab.summary import Summary
from stridelab.symmetry import robinson_si, vendor_from_robinson, vendor_si
from stridelab.thresholds import Threshold, load_thresholds
from stridelab.units import finite, format_number, format_value

TWO_D_KINDS = frozenset({"video", "keypoints"})
SIDE_WORDS = {"L": "left", "R": "right"}

#: Metrics read beside another one (not assessed on their own).
COMPANIONS = {"overstride_ratio": "overstride_cm"}

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
        used = {r.metric for r in self.rules} | set(COMPANIONS.values())
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
        mean = _finite(m.get("mean"))
        sides = {s: _finite(m.get(s)) for s in ("L", "R")}
        sided = rule.per_side and self.per_side
        if sided and any(v is not None for v in sides.values()):
            items = [(s, v) for s, v in sides.items() if v is not None]
        elif mean is not None:
            items = [(None, mean)]
        else:
            return []
        both = all(v is not None for v in sides.values())
        sides_text = (f" (left {format_value(sides['L'], unit)}, right "
                      f"{format_value(sides['R'], unit)})") if both and not sided else ""
        companion = summary["metrics"].get(COMPANIONS.get(rule.metric, ""), None)
        out = []
        if sided and self._near and any(s is not None for s, _ in items):
            far = "L" if self._near == "R" else "R"
            if any(s == far for s, _ in items):
                self.not_measurable_[f"{rule.metric} ({SIDE_WORDS[far]})"] = ONE_VIEW_FAR
            items = [(s, v) for s, v in items if s != far]
            confidence *= self._near_conf
        for side, value in items:
            i = sum(value >= e for e in edges)
            band = rule.bands[i]
            extra = ""
            if isinstance(companion, Mapping):
                cm = _finite(companion.get(side)) if side else _finite(companion.get("mean"))
                if cm is not None:
                    extra = f" ({format_value(cm, 'cm')})"
            ctx = _context(value, unit, edges, i, side, sides_text, extra, rule.metric)
            text = band.text.format(**ctx)
            conf, keys = confidence, ()
            if rule.tolerance_key and self._two_d:
                factor, note = self._tolerance(rule.tolerance_key, value, edges, unit)
                conf *= factor
                text += note
                keys = (rule.tolerance_key,)
            elif _finite(m.get("error")) and side is None:
                factor, note = _measured_error(value, edges, unit, _finite(m.get("error")),
                                               summary)
                conf *= factor
                text += note
            out.append(self._finding(rule, band, value, unit, side, conf, text, keys))
        return out

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
        shares = block.get("shares") if isinstance(block.get("shares"), Mapping) else {}
        shares = {str(k): v for k, v in ((k, _finite(v)) for k, v in shares.items())
                  if v is not None}
        if shares and max(shares.values()) > 1:  # given in percent
            shares = {k: v / 100.0 for k, v in shares.items()}
        overall = block.get("overall")
        by_side = [f"{SIDE_WORDS[s]} foot {block[s]}" for s in ("L", "R")
                   if isinstance(block.get(s), str)]
        by_side_text = f" ({', '.join(by_side)})" if by_side else ""
        if shares:
            pattern, value = max(shares.items(), key=lambda kv: kv[1])
        elif isinstance(overall, str):
            pattern, value = overall, None
        else:
            return []
        i = 1 if value is None else sum(value >= e for e in edges)
        band = rule.bands[i]
        share_text = ", ".join(f"{k} {format_value(v, 'fraction')}" for k, v in
                               sorted(shares.items(), key=lambda kv: -kv[1]))
        notes = {
            "rearfoot": "Most distance runners land heel first.",
            "midfoot": "The whole foot meets the ground at about the same time.",
            "forefoot": "A forefoot landing asks more of the calves and Achilles tendon.",
        }
        ctx = {
            "pattern": {"rearfoot": "heel first", "midfoot": "on the midfoot",
                        "forefoot": "on the forefoot"}.get(pattern, pattern),
            "share": share_text if i == 0 else (
                format_value(value, "fraction") if value is not None else "most"),
            "by_side": by_side_text, "pattern_note": notes.get(pattern, ""),
        }
        text = band.text.format(**ctx)
        if i > 0:  # a consistent pattern is named after the pattern
            band = Band(pattern, band.severity, band.text, band.source_key, band.targets,
                        band.injuries)
        return [self._finding(rule, band, value, "fraction", None, 1.0, text)]


def _context(value: float, unit: str, edges: list[float], i: int, side: str | None,
             sides_text: str, extra: str, metric: str) -> dict[str, str]:
    side_word = SIDE_WORDS.get(side or "", "")
    return {
        "value": format_value(value, unit),
        "abs": format_value(abs(value), unit),
        "pct": format_value(value, "fraction"),
        "lo": format_value(edges[i - 1], unit) if i > 0 else "",
        "hi": format_value(edges[i], unit) if i < len(edges) else "",
        "lo_n": format_number(edges[i - 1], unit) if i > 0 else "",
        "side": side_word or "stance",
        "leg": f"your {side_word} leg" if side_word else "one leg",
        "leg_cap": f"Your {side_word} leg" if side_word else "Each leg",
        "leg_low": f"your {side_word}" if side_word else "each",
        "sides": sides_text,
        "extra": extra,
        "where": " at mid-stance" if metric.endswith("midstance_deg")
        else " on average over the stride",
    }


def _measured_error(value: float, edges: list[float], unit: str, error: float,
                    summary: Mapping) -> tuple[float, str]:
    """Confidence factor and note for a mean within its measured error of a band's edge."""
    nearest = min(edges, key=lambda e: abs(value - e))
    d = abs(value - nearest)
    if d >= error:
        return 1.0, ""
    fs = _finite(summary.get("sampling_rate_hz"))
    at = f" at {fs:g} fps" if fs else ""
    return 0.5 + 0.5 * d / error, (
        f" Measured from video{at}, this mean carries an error of about "
        f"+/-{format_value(error, unit)} (against force plates), so it could belong to the "
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
