"""Balance results as findings, in the contract of the gait findings.

Each finding carries the value, the band it falls in by a row of
``stridelab/data/thresholds.csv`` (with that row's source and evidence grade), plain words
(findings are *associated with* injuries, they do not cause them) and the targets the
program's balance exercises train (``single_leg_stability``, ``glute_med``, ``quadriceps``).

Assessed, because a graded threshold exists:

- single-leg stance hold time, eyes open (Springer 2007 norms; limited);
- single-leg sway velocity, eyes open (Oliveira 2018 cut-offs in older adults; limited);
- the feet's load asymmetry in two-feet stance (the ``> 10 %`` convention; expert opinion);
- the Y-balance anterior asymmetry and composite score (Plisky 2006; limited for runners).

Two-feet sway and the Romberg quotient are measured and reported, not banded: no threshold
for runners with an evidence grade is known to the project. A retest compares them with the
runner's own earlier sessions (:mod:`stridelab.balance.history`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from stridelab.assess.model import Finding
from stridelab.thresholds import load_thresholds

if TYPE_CHECKING:  # the program imports the keys here; the trials' modules stay unloaded
    from stridelab.balance.trial import TrialResult
    from stridelab.balance.ybalance import YBalance

SINGLE_LEG_KEY = "single_leg_stance"
"""Finding key of the single-leg stance hold (eyes open); its metric is
:data:`SINGLE_LEG_METRIC`, the same quantity as the program's self-test."""
SINGLE_LEG_METRIC = "single_leg_stance_s"
SWAY_KEYS = ("single_leg_sway_ap", "single_leg_sway_ml")
LOAD_KEY = "load_asymmetry"
YBALANCE_KEYS = ("ybalance_anterior_asymmetry", "ybalance_composite")
BALANCE_TARGETS = ("single_leg_stability", "glute_med")
NOT_ASSESSED = {
    "two-feet sway": "no threshold for runners with an evidence grade; compare retests "
                     "(stridelab balance history)",
    "romberg_quotient": "no threshold for runners with an evidence grade; reported only",
}


def short_source(source: str) -> str:
    """A threshold row's citation without its summary: ``"Plisky et al. 2006 (JOSPT 36:911)"``."""
    head, sep, _ = source.partition("): ")
    return head + ")" if sep else source.split(": ")[0]


def _row(key: str):
    return load_thresholds()[key]


def _finding(key: str, metric: str, title: str, value: float, unit: str, side: str | None,
             band: str, severity: str, row_key: str, explanation: str,
             targets: tuple[str, ...] = BALANCE_TARGETS, injuries: tuple[str, ...] = (),
             extra_keys: tuple[str, ...] = ()) -> Finding:
    row = _row(row_key)
    return Finding(key=key, metric=metric, title=title, value=round(float(value), 3),
                   unit=unit, side=side, confidence=1.0, band=band, severity=severity,
                   source=row.source, evidence=row.evidence, explanation=explanation,
                   targets=targets,
                   injuries=injuries if severity != "ok" else (),
                   threshold_keys=(row_key, *extra_keys))


def single_leg_findings(trials: Sequence[TrialResult]) -> list[Finding]:
    """Hold time and sway of the eyes-open single-leg trials, per leg (best trial).

    Parameters
    ----------
    trials
        Any trials; only single-leg, eyes-open ones are used.
    """
    by_leg: dict[str | None, list[TrialResult]] = {}
    for t in trials:
        if t.stance == "single" and t.eyes == "open":
            by_leg.setdefault(t.leg, []).append(t)
    out = []
    for leg, group in by_leg.items():
        side = leg if leg in ("L", "R") else None
        best = max(group, key=lambda t: t.hold_time_s or 0.0)
        out.append(_hold_finding(best.hold_time_s or 0.0, side, len(group)))
        measured = [t for t in group if t.measures]
        if measured:
            out += _sway_findings(measured, side)
    return out


def _hold_finding(seconds: float, side: str | None, n: int) -> Finding:
    short = _row("balance.single_leg.short_below_s").value
    full = _row("balance.single_leg.full_at_s").value
    if seconds >= full:
        band, severity = "full", "ok"
        words = (f"You held single-leg stance with eyes open for {seconds:.0f} s, the whole "
                 f"{full:.0f}-s test: the balance training can start with eyes closed or on "
                 "an unstable surface.")
        key = "balance.single_leg.full_at_s"
    elif seconds >= short:
        band, severity = "partial", "watch"
        words = (f"You held single-leg stance with eyes open for {seconds:.1f} s, less than "
                 f"{full:.0f} s, which most adults under 60 hold (Springer 2007, values "
                 "unverified): the balance block starts on one leg on firm ground.")
        key = "balance.single_leg.full_at_s"
    else:
        band, severity = "short", "concern"
        words = (f"You held single-leg stance with eyes open for only {seconds:.1f} s (under "
                 f"{short:.0f} s). The balance block starts one step lower, at tandem "
                 "stance, and moves to one leg as it gets easier.")
        key = "balance.single_leg.short_below_s"
    best = f" (best of {n} trials)" if n > 1 else ""
    return _finding(SINGLE_LEG_KEY, SINGLE_LEG_METRIC, f"Single-leg stance, eyes open{best}",
                    seconds, "s", side, band, severity, key, words,
                    extra_keys=tuple(k for k in ("balance.single_leg.short_below_s",
                                                 "balance.single_leg.full_at_s") if k != key))


def _sway_findings(trials: Sequence[TrialResult], side: str | None) -> list[Finding]:
    out = []
    for key, direction, measure, row_key in (
            (SWAY_KEYS[0], "anterior-posterior", "mean_velocity_ap_mm_s",
             "balance.single_leg.velocity_ap_high_mm_s"),
            (SWAY_KEYS[1], "medio-lateral", "mean_velocity_ml_mm_s",
             "balance.single_leg.velocity_ml_high_mm_s")):
        values = [t.measures.get(measure) for t in trials]
        values = [v for v in values if v is not None]
        if not values:
            continue
        value = float(np.mean(values))
        high = _row(row_key).value
        if value > high:
            band, severity = "high", "watch"
            words = (f"On one leg your centre of pressure moved {value:.0f} mm/s "
                     f"{direction}ly on average, above the {high:.0f} mm/s that separated "
                     "older adults who had fallen from those who had not (Oliveira 2018). "
                     "Faster sway is associated with poorer balance control; runners were "
                     "not studied.")
        else:
            band, severity = "typical", "ok"
            words = (f"On one leg your centre of pressure moved {value:.0f} mm/s "
                     f"{direction}ly on average, within the {high:.0f} mm/s cut-off of "
                     "Oliveira 2018 (older adults).")
        out.append(_finding(key, measure, f"Single-leg sway, {direction}", value, "mm/s",
                            side, band, severity, row_key, words))
    return out


def load_findings(trials: Sequence[TrialResult]) -> list[Finding]:
    """Load asymmetry of the two-feet trials on one plate per foot (mean over trials)."""
    group = [t for t in trials if t.stance == "double" and t.load_symmetry_index_pct is not None]
    if not group:
        return []
    si = float(np.mean([t.load_symmetry_index_pct for t in group]))
    shares: dict[str, list[float]] = {}
    for t in group:
        for foot, share in (t.load_share_pct or {}).items():
            shares.setdefault(foot, []).append(share)
    mean_share = {foot: float(np.mean(v)) for foot, v in shares.items()}
    heavier = max(mean_share, key=mean_share.get)
    lighter = min(mean_share, key=mean_share.get)
    flag = _row("balance.load.asymmetry_flag_pct").value
    split = (f"{mean_share[heavier]:.0f} % of your weight on the {_foot(heavier)} and "
             f"{mean_share[lighter]:.0f} % on the {_foot(lighter)}")
    if abs(si) >= flag:
        band, severity = "high", "watch"
        words = (f"Standing still you put {split} (a symmetry index of {abs(si):.0f} %). "
                 f"A difference above {flag:.0f} % is a convention without prospective "
                 "evidence; an uneven stance can come from pain, weakness or habit and is "
                 "worth a look and a retest.")
    else:
        band, severity = "typical", "ok"
        words = f"Standing still you put {split}: within {flag:.0f} %."
    side = lighter if lighter in ("L", "R") else None
    return [_finding(LOAD_KEY, "load_symmetry_index_pct", "Load share between the feet",
                     abs(si), "%", side, band, severity, "balance.load.asymmetry_flag_pct",
                     words)]


def _foot(name: str) -> str:
    return {"L": "left foot", "R": "right foot"}.get(name, f"{name} foot")


def ybalance_findings(yb: YBalance) -> list[Finding]:
    """Anterior asymmetry and composite score of a scored Y-balance test."""
    out = []
    limit = _row("balance.ybalance.anterior_asymmetry_cm").value
    if yb.anterior_asymmetry_cm_ is not None:
        value = yb.anterior_asymmetry_cm_
        if value > limit:
            band, severity = "asymmetric", "watch"
            words = (f"Your anterior reach differs by {value:.1f} cm between the legs "
                     f"(shorter on the {_foot(yb.shorter_anterior_ or '')}). A difference "
                     f"above {limit:.0f} cm was associated with 2.5 times the injury risk in "
                     "high-school basketball players (Plisky 2006); runners were not studied.")
        else:
            band, severity = "typical", "ok"
            words = (f"Your anterior reach differs by {value:.1f} cm between the legs: "
                     f"within {limit:.0f} cm (Plisky 2006).")
        out.append(_finding(YBALANCE_KEYS[0], "anterior_asymmetry_cm",
                            "Y-balance anterior reach asymmetry", value, "cm",
                            yb.shorter_anterior_, band, severity,
                            "balance.ybalance.anterior_asymmetry_cm", words,
                            injuries=("lower-extremity injury",) if severity != "ok" else ()))
    low = _row("balance.ybalance.composite_low_pct").value
    for side, score in yb.sides_.items():
        value = score.composite_pct
        if value < low:
            band, severity = "low", "watch"
            words = (f"Standing on the {_foot(side)} your three reaches add up to {value:.0f} "
                     f"% of your limb length (composite), under {low:.0f} %: in girls playing "
                     "basketball a low composite was associated with 6.5 times the injury "
                     "risk (Plisky 2006); runners were not studied.")
        else:
            band, severity = "typical", "ok"
            words = (f"Standing on the {_foot(side)} your composite reach is {value:.0f} % of "
                     f"your limb length (at least {low:.0f} %).")
        out.append(_finding(YBALANCE_KEYS[1], "composite_pct", "Y-balance composite reach",
                            value, "% of limb length", side, band, severity,
                            "balance.ybalance.composite_low_pct", words,
                            targets=(*BALANCE_TARGETS, "quadriceps"),
                            injuries=("lower-extremity injury",) if severity != "ok" else ()))
    return out
