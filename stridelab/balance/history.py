"""Balance sessions over time: stored, listed, and a retest judged against measurement error.

A change between two sessions is real when it exceeds the minimal detectable change
``MDC95 = z x SE of the difference`` (Weir 2005, J Strength Cond Res 19:231: with one value
per session, ``1.96 x sqrt(2) x SEM``):

- force-plate measures: the SEM is the runner's own trial-to-trial spread (pooled within
  the two sessions), because within-subject variability differs between people and a
  population MDC misjudges many of them (Pagnacco et al. 2015, Gait Posture 41:136). The
  difference of two means of ``k1`` and ``k2`` trials has ``SE = s_w sqrt(1/k1 + 1/k2)``; it
  needs two or more trials in at least one session;
- Y-balance: the reach SEM of Shaffer et al. 2013 (``balance.ybalance.reach_sem_cm``),
  propagated to the composite (``100 SEM / (sqrt(3) limb length)`` per session) and to the
  anterior asymmetry (four reaches: ``2 SEM``).

The issue asks for a retest after about four weeks; a shorter interval is said.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from stridelab.balance.findings import short_source
from stridelab.balance.session import BalanceSession
from stridelab.balance.ybalance import YBalance
from stridelab.store.balance import BalanceLog, BalanceRecord
from stridelab.thresholds import load_thresholds, threshold

TREND_MEASURES: dict[str, tuple[str, ...]] = {
    "posturography": ("hold_time_s", "mean_velocity_mm_s", "mean_velocity_ap_mm_s",
                      "ellipse_area_mm2", "rms_ap_mm", "load_symmetry_index_pct"),
    "ybalance": ("composite_L_pct", "composite_R_pct", "anterior_asymmetry_cm"),
}
"""Measures shown in the history, per kind (those a session has)."""
RETEST_DAYS = 28
"""The retest interval the issue asks for (4 weeks)."""
LOWER_IS_BETTER = ("mean_velocity", "ellipse_area", "rms_", "asymmetry", "symmetry_index")


@dataclass(frozen=True)
class Retest:
    """A measure's change from one session to the next, against its measurement error.

    Attributes
    ----------
    measure
        The measure's name.
    previous, latest
        Its values.
    change
        ``latest - previous``.
    mdc
        The 95 % minimal detectable change, or ``None`` when it cannot be known.
    verdict
        ``"better"``, ``"worse"``, ``"within measurement error"`` or ``"unknown error"``.
    source
        How the MDC was obtained, with its source.
    """

    measure: str
    previous: float
    latest: float
    change: float
    mdc: float | None
    verdict: str
    source: str


def store_session(log: BalanceLog, session: BalanceSession, day: date,
                  note: str | None = None) -> list[BalanceRecord]:
    """Store a force-plate session, one row per condition."""
    out = []
    for condition, c in session.conditions.items():
        findings = [f.to_dict() for f in session.findings
                    if _belongs(f.to_dict(), c)]
        sources = [t.file for t in session.trials if t.condition == condition]
        out.append(log.add(day, "posturography", condition, c["measures"], c["trial_values"],
                           findings, sources, note))
    return out


def _belongs(finding: dict, condition: dict) -> bool:
    if finding["key"] == "load_asymmetry":
        return condition["stance"] == "double"
    return condition["stance"] == "single" and condition["eyes"] == "open" and (
        finding["side"] is None or finding["side"] == condition["leg"])


def ybalance_measures(yb: YBalance) -> dict[str, float]:
    """The stored measures of a scored Y-balance test."""
    m: dict[str, float] = {}
    for side, score in yb.sides_.items():
        m[f"composite_{side}_pct"] = score.composite_pct
        m[f"limb_length_{side}_cm"] = score.limb_length_cm
        for direction, reach in score.reach_cm.items():
            m[f"{direction}_{side}_cm"] = reach
    if yb.anterior_asymmetry_cm_ is not None:
        m["anterior_asymmetry_cm"] = yb.anterior_asymmetry_cm_
    return m


def store_ybalance(log: BalanceLog, yb: YBalance, findings: list[dict], day: date,
                   source: str, note: str | None = None) -> BalanceRecord:
    """Store a Y-balance test."""
    trials = {f"{d}_{s}_cm": list(score.trials[d]) for s, score in yb.sides_.items()
              for d in score.trials}
    return log.add(day, "ybalance", "ybalance", ybalance_measures(yb), trials, findings,
                   [source], note)


def compare(previous: BalanceRecord, latest: BalanceRecord) -> list[Retest]:
    """Every trend measure both sessions have, judged against its MDC."""
    out = []
    for measure in TREND_MEASURES.get(latest.kind, ()):
        if measure not in previous.measures or measure not in latest.measures:
            continue
        a, b = previous.measures[measure], latest.measures[measure]
        mdc, source = _mdc(measure, previous, latest)
        out.append(Retest(measure, a, b, b - a, mdc, _verdict(measure, b - a, mdc), source))
    return out


def _verdict(measure: str, change: float, mdc: float | None) -> str:
    if mdc is None:
        return "unknown error"
    if abs(change) <= mdc:
        return "within measurement error"
    lower_better = any(k in measure for k in LOWER_IS_BETTER)
    return "better" if (change < 0) == lower_better else "worse"


def _mdc(measure: str, previous: BalanceRecord, latest: BalanceRecord
         ) -> tuple[float | None, str]:
    z = threshold("balance.retest.z")
    weir = "MDC95 = 1.96 x SE of the difference (Weir 2005)"
    if latest.kind == "ybalance":
        return _ybalance_mdc(measure, latest, z, weir)
    values = [r.trial_values.get(measure, []) for r in (previous, latest)]
    k = [len(v) for v in values]
    dof = sum(max(0, n - 1) for n in k)
    if min(k) == 0 or dof == 0:
        return None, ("record 2 or more trials per session to judge a change against your "
                      "own trial-to-trial spread (Pagnacco et al. 2015)")
    pooled = sum(float(np.var(v, ddof=1)) * (len(v) - 1) for v in values if len(v) > 1) / dof
    se = math.sqrt(pooled * (1 / k[0] + 1 / k[1]))
    return z * se, (f"{weir}, from your own trial-to-trial spread ({k[0]} and {k[1]} trials; "
                    "Pagnacco et al. 2015)")


def _ybalance_mdc(measure: str, latest: BalanceRecord, z: float,
                  weir: str) -> tuple[float | None, str]:
    sem = threshold("balance.ybalance.reach_sem_cm")
    cite = short_source(load_thresholds()["balance.ybalance.reach_sem_cm"].source)
    if measure == "anterior_asymmetry_cm":
        return z * 2 * sem, f"{weir}; four reaches of SEM {sem:g} cm ({cite})"
    if measure.startswith("composite_"):
        side = measure.split("_")[1]
        ll = latest.measures.get(f"limb_length_{side}_cm")
        if not ll:
            return None, "no limb length stored"
        se = math.sqrt(2) * 100 * sem / (math.sqrt(3) * ll)
        return z * se, f"{weir}; reach SEM {sem:g} cm ({cite}) over the composite"
    return z * math.sqrt(2) * sem, f"{weir}; reach SEM {sem:g} cm ({cite})"


def latest_retests(records: Sequence[BalanceRecord]) -> dict[str, tuple[int, list[Retest]]]:
    """Per condition: days between its last two sessions, and their comparison."""
    by_condition: dict[tuple[str, str], list[BalanceRecord]] = {}
    for r in records:
        by_condition.setdefault((r.kind, r.condition), []).append(r)
    out = {}
    for (_, condition), group in by_condition.items():
        if len(group) >= 2:
            a, b = group[-2], group[-1]
            out[condition] = ((b.day - a.day).days, compare(a, b))
    return out
