"""Per-activity totals for the training log: distance, moving time, climb, heart rate, pace.

The activity's gait summary (``summary.json`` shape) is built by
:func:`stridelab.summary.build.watch_summary`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.io.activity.model import Activity, cumulative_gps_distance, interval_speeds
from stridelab.summary.build import positive
from stridelab.thresholds import threshold


def moving_time_s(activity: Activity) -> float | None:
    """Time spent moving faster than ``load.moving.speed_min``.

    The sum of record intervals whose mean speed (distance change / time change) reaches
    the threshold; pauses, auto-pause gaps and standing still drop out.

    Parameters
    ----------
    activity
        The activity.
    """
    intervals = interval_speeds(activity)
    if intervals is None:
        return None
    dt, speed = intervals
    return float(dt[speed >= threshold("load.moving.speed_min")].sum())


def elevation_gain_m(altitude: np.ndarray) -> float:
    """Total climb with a hysteresis filter (``load.elevation.hysteresis_m``).

    A climb counts once the altitude has risen by more than the threshold above the last
    low point, which keeps GPS/barometric noise of a few metres out of the sum.

    Parameters
    ----------
    altitude
        Altitude per record in metres (NaN ignored).
    """
    values = altitude[np.isfinite(altitude)]
    if values.size < 2:
        return 0.0
    band = threshold("load.elevation.hysteresis_m")
    gain, ref = 0.0, float(values[0])
    for value in values[1:]:
        if value - ref > band:
            gain += value - ref
            ref = float(value)
        elif ref - value > band:
            ref = float(value)
    return gain


def activity_totals(activity: Activity) -> dict[str, Any]:
    """Totals of one activity for the training log.

    The device's own totals (FIT session, TCX laps) win over values computed from records;
    ``distance_source`` says which was used.

    Parameters
    ----------
    activity
        The activity.

    Returns
    -------
    dict
        ``distance_m``, ``distance_source``, ``elapsed_s``, ``timer_s``, ``moving_s``,
        ``elevation_gain_m``, ``avg_hr_bpm``, ``max_hr_bpm``, ``avg_cadence_spm``,
        ``pace_s_per_km``; ``None`` where unknown.
    """
    totals = activity.totals
    time = activity.records["time_s"]
    distance, source = totals.get("total_distance_m"), "recorded total"
    if distance is None and activity.channel("distance_m") is not None:
        distance, source = float(np.nanmax(activity.records["distance_m"])), "records"
    if distance is None and activity.has_gps:
        gps = cumulative_gps_distance(activity.records["lat_deg"], activity.records["lon_deg"])
        distance, source = float(np.nanmax(gps)), "GPS track"
    elapsed = totals.get("total_elapsed_time_s", float(time[-1] - time[0]))
    moving = moving_time_s(activity)
    if moving is None:
        moving = totals.get("total_timer_time_s", elapsed)
    gain = totals.get("total_ascent_m")
    if gain is None and activity.channel("altitude_m") is not None:
        gain = elevation_gain_m(activity.records["altitude_m"])
    hr = activity.channel("heart_rate_bpm")
    cadence = positive(activity.channel("cadence_spm"))
    return {
        "distance_m": distance,
        "distance_source": source if distance is not None else None,
        "elapsed_s": float(elapsed),
        "timer_s": totals.get("total_timer_time_s"),
        "moving_s": float(moving),
        "elevation_gain_m": gain,
        "avg_hr_bpm": float(np.nanmean(hr)) if hr is not None else None,
        "max_hr_bpm": float(np.nanmax(hr)) if hr is not None else None,
        "avg_cadence_spm": float(cadence.mean()) if cadence.size else None,
        "pace_s_per_km": (moving / (distance / 1000.0)) if distance and moving else None,
    }
