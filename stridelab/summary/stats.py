"""The one computation of a metric's statistics: mean, SD, CV, count and the side means."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.summary.model import MetricStats


def _round(value: float, digits: int) -> float:
    return round(float(value), digits)


def metric_stats(values, unit: str, sides=None, digits: int = 4,
                 derived: str | None = None) -> MetricStats:
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

    Returns
    -------
    MetricStats
        ``sd`` is the sample SD (``ddof=1``), 0 for a single value; ``cv_pct`` is
        ``100 sd / mean`` (``None`` for a zero mean).
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    stats = MetricStats(count=int(ok.sum()), unit=unit, derived=derived)
    if ok.any():
        stats.mean = _round(v[ok].mean(), digits)
        stats.sd = _round(v[ok].std(ddof=1), digits) if ok.sum() > 1 else 0.0
        stats.cv_pct = round(100 * stats.sd / stats.mean, 2) if stats.mean else None
    if sides is not None:
        s = np.asarray(sides.to_numpy() if isinstance(sides, pd.Series) else sides)
        for side in "LR":
            vs = v[ok & (s == side)]
            setattr(stats, side, _round(vs.mean(), digits) if vs.size else None)
    return stats
