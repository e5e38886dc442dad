"""Per-activity totals for the training log and the shared ``summary.json``.

The summary follows the project's ``stridelab.summary/1`` shape, so the assessment reads a
watch file like any other recording: per-metric mean, SD and count over the records that
carry the metric, in the units the names say.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.io.activity.model import Activity, cumulative_gps_distance
from stridelab.thresholds import threshold

SCHEMA = "stridelab.summary/1"


def _interval_speed(activity: Activity) -> tuple[np.ndarray, np.ndarray] | None:
    """Duration and mean speed of each interval between consecutive records."""
    time = activity.records["time_s"]
    distance = activity.channel("distance_m")
    if distance is None and activity.has_gps:
        distance = cumulative_gps_distance(activity.records["lat_deg"], activity.records["lon_deg"])
    if distance is None or time.size < 2:
        return None
    ok = np.isfinite(distance)
    t, d = time[ok], distance[ok]
    dt = np.diff(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(dt > 0, np.diff(d) / dt, 0.0)
    return dt, speed


def moving_time_s(activity: Activity) -> float | None:
    """Time spent moving faster than ``load.moving.speed_min``.

    The sum of record intervals whose mean speed (distance change / time change) reaches
    the threshold; pauses, auto-pause gaps and standing still drop out.

    Parameters
    ----------
    activity
        The activity.
    """
    intervals = _interval_speed(activity)
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
    cadence = _positive(activity.channel("cadence_spm"))
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


def _positive(values: np.ndarray | None) -> np.ndarray:
    if values is None:
        return np.zeros(0)
    return values[np.isfinite(values) & (values > 0)]


def _stats(values: np.ndarray, unit: str, digits: int = 2) -> dict[str, Any]:
    sd = float(values.std(ddof=1)) if values.size > 1 else None
    return {
        "mean": round(float(values.mean()), digits),
        "sd": round(sd, digits) if sd is not None else None,
        "count": int(values.size),
        "L": None,
        "R": None,
        "unit": unit,
    }


#: summary metric -> (channel, factor, unit)
_METRICS: dict[str, tuple[str, float, str]] = {
    "cadence_spm": ("cadence_spm", 1.0, "steps/min"),
    "contact_time_ms": ("stance_time_ms", 1.0, "ms"),
    "vertical_oscillation_cm": ("vertical_oscillation_mm", 0.1, "cm"),
    "vertical_ratio_pct": ("vertical_ratio_pct", 1.0, "%"),
    "step_length_m": ("step_length_mm", 0.001, "m"),
    "heart_rate_bpm": ("heart_rate_bpm", 1.0, "bpm"),
}


def _source_words(activity: Activity) -> str:
    words = {"fit": "FIT records", "gpx": "GPX track points", "tcx": "TCX track points"}
    text = words.get(activity.format, activity.format)
    if activity.has_running_dynamics:
        text += " (Garmin running dynamics)"
    return text


def summarise(activity: Activity, file: str | None = None) -> dict[str, Any]:
    """Turn an activity into the shared ``stridelab.summary/1`` dict.

    Contact-time balance is the left foot's share of ground contact time, as Garmin
    reports it. Per record, left and right contact times follow from it as
    ``L = 2 T b`` and ``R = 2 T (1 - b)`` (T the mean contact time, b the left share), and
    the symmetry index is SI = (R - L) / (0.5 (R + L)) x 100 (Robinson 1987).

    Parameters
    ----------
    activity
        The activity.
    file
        Path to report; defaults to ``activity.source``.
    """
    warnings = list(activity.warnings)
    metrics: dict[str, Any] = {}
    for name, (channel, factor, unit) in _METRICS.items():
        values = _positive(activity.channel(channel))
        if values.size:
            metrics[name] = _stats(values * factor, unit)
    intervals = _interval_speed(activity)
    speed = activity.channel("speed_m_s")
    if speed is not None:
        moving = speed[np.isfinite(speed) & (speed >= threshold("load.moving.speed_min"))]
    elif intervals is not None:
        moving = intervals[1][intervals[1] >= threshold("load.moving.speed_min")]
    else:
        moving = np.zeros(0)
    if moving.size:
        pace = _stats(1000.0 / moving, "s/km", 1)
        pace["mean"] = round(1000.0 / float(moving.mean()), 1)  # time-weighted mean pace
        metrics["pace_s_per_km"] = pace

    balance_mean = None
    symmetry = None
    contact = activity.channel("stance_time_ms")
    balance = activity.channel("stance_time_balance_left_pct")
    if contact is not None and balance is not None:
        ok = np.isfinite(contact) & (contact > 0) & np.isfinite(balance) & (balance > 0)
        if ok.any():
            b = balance[ok] / 100.0
            left, right = 2 * contact[ok] * b, 2 * contact[ok] * (1 - b)
            metrics["contact_time_ms"]["L"] = round(float(left.mean()), 2)
            metrics["contact_time_ms"]["R"] = round(float(right.mean()), 2)
            l_mean, r_mean = float(left.mean()), float(right.mean())
            symmetry = round((r_mean - l_mean) / (0.5 * (r_mean + l_mean)) * 100.0, 2)
            balance_mean = round(float(balance[ok].mean()), 2)
    if activity.is_running and not activity.has_running_dynamics:
        warnings.append("no running dynamics in this file (no ground contact time, "
                        "vertical oscillation, step length)")
    if not activity.has_gps:
        warnings.append("no GPS positions: distance comes from the device (foot pod or "
                        "wrist accelerometer) or is unknown")
    if activity.utc_offset_s is None:
        warnings.append("the file records no time zone: local time taken from this "
                        "computer's time zone")
    return {
        "schema": SCHEMA,
        "file": file or activity.source,
        "kind": "watch",
        "source": _source_words(activity),
        "activity": activity.sport,
        "start_time": activity.local_start().isoformat(),
        "metrics": metrics,
        "symmetry_index_pct": {"contact_time_ms": symmetry},
        "contact_time_balance_left_pct": balance_mean,
        "warnings": warnings,
    }
