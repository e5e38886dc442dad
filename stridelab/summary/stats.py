"""The one computation of a metric's statistics: mean, SD, CV, count and the side means.

The coefficient of variation (``100 SD / mean``) is given only for ratio-scale quantities,
positive with a true zero: times, cadence, pace, distances such as vertical oscillation and
step length, the duty factor and phase shares. For signed quantities (angles, step width,
landing distance ahead of the hip) it means nothing: their mean can be near zero, where the
CV explodes or changes sign (-877 %, 10364 %), so it is ``None`` there (:func:`ratio_scale`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.summary.model import MetricStats

RATIO_SCALE_KEYS = frozenset({
    "cadence_spm", "contact_time_ms", "flight_time_ms", "swing_time_ms", "step_time_ms",
    "stride_time_ms", "duty_factor", "vertical_oscillation_cm", "vertical_ratio_pct",
    "step_length_m", "heart_rate_bpm", "pace_s_per_km",
})
"""Metric keys whose values are ratio-scale: positive, with a true zero."""

RATIO_SCALE_UNITS = frozenset({"ms", "s", "steps/min", "s/km", "m", "bpm", "% of stride"})
"""Units that are ratio-scale whatever the metric (times, rates, lengths, phase shares)."""


def ratio_scale(key: str | None, unit: str) -> bool:
    """Whether a metric is ratio-scale, so that its coefficient of variation means something.

    Parameters
    ----------
    key
        The metric key (``None``: decided by the unit alone).
    unit
        Its unit.
    """
    return key in RATIO_SCALE_KEYS or unit in RATIO_SCALE_UNITS


def _round(value: float, digits: int) -> float:
    return round(float(value), digits)


def metric_stats(values, unit: str, sides=None, digits: int = 4,
                 derived: str | None = None, cv: bool | None = None) -> MetricStats:
    """Statistics of one metric over strides, contacts or records.

    Parameters
    ----------
    values
        The values (array or Series); NaN and infinite values are left out.
    unit
        The unit the metric's name says.
    sides
        ``"L"``/``"R"`` per value, for the side means; ``None``: no sides.
    digits
        Decimals kept for the mean, SD and side means (the CV keeps 2).
    derived
        How the values were derived, when not measured directly.
    cv
        Whether the metric is ratio-scale, so that a coefficient of variation is given;
        ``None``: decided by the unit (:func:`ratio_scale`).

    Returns
    -------
    MetricStats
        ``sd`` is the sample SD (``ddof=1``), 0 for a single value; ``cv_pct`` is
        ``100 sd / mean`` for a ratio-scale metric whose values are all positive, else
        ``None``.
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    stats = MetricStats(count=int(ok.sum()), unit=unit, derived=derived)
    if ok.any():
        stats.mean = _round(v[ok].mean(), digits)
        stats.sd = _round(v[ok].std(ddof=1), digits) if ok.sum() > 1 else 0.0
        wanted = ratio_scale(None, unit) if cv is None else cv
        if wanted and bool((v[ok] > 0).all()):
            stats.cv_pct = round(100 * stats.sd / stats.mean, 2)
    if sides is not None:
        s = np.asarray(sides.to_numpy() if isinstance(sides, pd.Series) else sides)
        for side in "LR":
            vs = v[ok & (s == side)]
            setattr(stats, side, _round(vs.mean(), digits) if vs.size else None)
    return stats
