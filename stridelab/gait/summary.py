"""Summaries of the per-stride table: mean, SD, count, left/right, symmetry index.

Symmetry index (Robinson et al. 1987, J Manipulative Physiol Ther 10:172):
``SI = (R - L) / (0.5 (R + L)) x 100`` with L and R the side means; 0 is perfect symmetry,
positive means the right value is larger.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

METRICS = {
    "cadence_spm": "steps/min",
    "contact_time_ms": "ms",
    "flight_time_ms": "ms",
    "duty_factor": "ratio",
    "step_time_ms": "ms",
    "swing_time_ms": "ms",
    "stride_time_ms": "ms",
}


def _clean(x: pd.Series) -> pd.Series:
    return x[np.isfinite(x.astype(float))]


def describe(values: pd.Series, sides: pd.Series, unit: str) -> dict:
    """Mean, SD, coefficient of variation, count and per-side means of one metric."""
    v = _clean(values.astype(float))
    out = {"mean": None, "sd": None, "cv_pct": None, "count": int(len(v)), "L": None, "R": None,
           "unit": unit}
    if len(v):
        out["mean"] = round(float(v.mean()), 4)
        out["sd"] = round(float(v.std(ddof=1)), 4) if len(v) > 1 else 0.0
        out["cv_pct"] = round(100 * out["sd"] / out["mean"], 2) if out["mean"] else None
    for side in "LR":
        vs = _clean(values[sides == side].astype(float))
        out[side] = round(float(vs.mean()), 4) if len(vs) else None
    return out


def symmetry_index(left: float | None, right: float | None) -> float | None:
    """Robinson 1987 symmetry index in percent, or ``None`` when a side is missing."""
    if left is None or right is None or (left + right) == 0:
        return None
    return round(100 * (right - left) / (0.5 * (right + left)), 2)


def summarise(strides: pd.DataFrame) -> dict:
    """Metric summaries and symmetry indices from the per-stride table.

    Cadence per step is ``60000 / step_time_ms`` (steps per minute, both feet).
    """
    table = strides.assign(cadence_spm=60000.0 / strides.step_time_ms)
    metrics = {m: describe(table[m], table.side, unit) for m, unit in METRICS.items()}
    phase_cols = [c for c in table.columns if c.endswith("_pct")]
    phases = {c: describe(table[c], table.side, "% of stride") for c in phase_cols}
    si = {m: symmetry_index(metrics[m]["L"], metrics[m]["R"])
          for m in ("contact_time_ms", "step_time_ms", "flight_time_ms")}
    return {"metrics": metrics, "phases": phases, "symmetry_index_pct": si,
            "symmetry_index_formula": "SI = (R - L) / (0.5 * (R + L)) * 100 (Robinson 1987)"}
