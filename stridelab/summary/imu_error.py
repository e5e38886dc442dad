"""The measured error of contact, flight and step times (and the pronation proxy) from sensors.

``stridelab/data/imu_error.csv`` holds, per sensor kind (``foot``, ``shank``,
``back``) and timing metric, the error of a recording's mean against force plates, measured
by ``benchmarks/validate_imu_running.py`` (virtual sensors from real running motion,
Fukuchi et al. 2017) and ``benchmarks/validate_imu_sacrum.py`` (a real sacral accelerometer
on an instrumented treadmill, Alcantara et al. 2022): the root of the squared bias plus the
squared spread of per-variant means, over rates, noise, mounting tilts and trials; the
feet's eversion excursion and velocity against the marker foot's own roll. A summary
states it as each metric's :attr:`~stridelab.summary.model.MetricStats.error`, and the
assessment widens its bands' margins by it, as for video.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import pandas as pd

from stridelab.summary.model import Summary


@lru_cache(maxsize=1)
def load_table() -> pd.DataFrame:
    """The table: ``kind``, ``metric``, ``error`` (in the metric's unit), ``min_rate_hz``...

    Also ``n`` (legs and trials behind the figure) and ``source``.
    """
    with resources.files("stridelab.data").joinpath("imu_error.csv").open() as f:
        return pd.read_csv(f)


def imu_error(kind: str | None, metric: str, fs: float) -> float | None:
    """The measured error of ``metric``'s mean (its unit) from a ``kind`` sensor at ``fs`` Hz.

    ``None`` where it was not measured: an unknown kind, a metric without a row, or a rate
    below the lowest validated (``min_rate_hz``).
    """
    rows = load_table()
    rows = rows[(rows.kind == kind) & (rows.metric == metric)]
    if rows.empty or not math.isfinite(fs) or fs < float(rows.min_rate_hz.min()):
        return None
    return round(float(rows.error.max()), 1)


def set_imu_errors(summary: Summary, kind: str | None, fs: float) -> Summary:
    """Give each timing metric of ``summary`` its measured sensor error (in place).

    Duty factor's error follows from contact time's over the mean stride time.
    """
    for metric in ("contact_time_ms", "flight_time_ms", "step_time_ms", "stride_time_ms",
                   "swing_time_ms", "eversion_excursion_deg", "peak_eversion_velocity_dps"):
        m = summary.metrics.get(metric)
        if m is not None:
            m.error = imu_error(kind, metric, fs)
    contact, duty = summary.metrics.get("contact_time_ms"), summary.metrics.get("duty_factor")
    stride = summary.metrics.get("stride_time_ms")
    if duty is not None and contact is not None and contact.error and stride and stride.mean:
        duty.error = round(contact.error / stride.mean, 4)
    return summary
