"""The one place that builds a :class:`Summary`: from a per-stride table or a watch file.

- :func:`gait_summary`: motion capture, video and keypoints. Timing metrics come from the
  per-stride table (cadence per step is ``60000 / step_time_ms``, steps per minute, both
  feet), phases from its ``*_pct`` columns, form measures from the per-stance measures table
  (:mod:`stridelab.kinematics`), and the symmetry index of contact, step and flight time from
  the side means (Robinson et al. 1987, J Manipulative Physiol Ther 10:172).
- :func:`watch_summary`: a FIT/GPX/TCX activity, per record. Contact-time balance is the
  left foot's share of ground contact time, as Garmin reports it; per record, left and right
  contact times follow as ``L = 2 T b`` and ``R = 2 T (1 - b)`` (T the contact time, b the
  left share). Step time ``60000 / cadence``, flight time ``step - contact`` and duty factor
  ``contact / (2 step)`` are derived per record, and only as good as the device's contact
  time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stridelab.summary.model import (
    KINEMATIC_UNITS,
    REAR_ONLY,
    SIDE_ONLY,
    TIMING_UNITS,
    MetricStats,
    Summary,
)
from stridelab.summary.stats import metric_stats, ratio_scale
from stridelab.symmetry import robinson_si
from stridelab.thresholds import threshold

if TYPE_CHECKING:
    from stridelab.io.activity.model import Activity
    from stridelab.io.recording import Recording

SI_METRICS = ("contact_time_ms", "step_time_ms", "flight_time_ms")
"""Metrics whose symmetry index every gait summary carries."""


def symmetry_indices(metrics: dict[str, MetricStats], keys=SI_METRICS) -> dict[str, Any]:
    """Robinson's symmetry index (percent, 2 decimals) of each metric in ``keys``."""
    out = {}
    for key in keys:
        m = metrics.get(key)
        si = robinson_si(m.L, m.R) if m is not None else None
        out[key] = None if si is None else round(si, 2)
    return out


def timing_metrics(strides: pd.DataFrame) -> dict[str, MetricStats]:
    """Cadence, contact, flight, duty factor, step, swing and stride time from the table.

    The cadence's mean and spread come from the step times; its left and right values from
    each foot's stride times (``120000 / stride_time_ms``, two steps a stride), which events
    of the other foot found early or late cannot bias: at one speed both legs share one
    cadence, and a step-time difference between the sides is left to the step time and its
    symmetry index.
    """
    table = strides.assign(cadence_spm=60000.0 / strides.step_time_ms)
    out = {m: metric_stats(table[m], unit, table.side, cv=ratio_scale(m, unit))
           for m, unit in TIMING_UNITS.items()}
    per_stride = metric_stats(120000.0 / strides.stride_time_ms, "steps/min", strides.side)
    out["cadence_spm"].L, out["cadence_spm"].R = per_stride.L, per_stride.R
    return out


def phase_metrics(strides: pd.DataFrame) -> dict[str, MetricStats]:
    """Each phase's duration in % of the stride (the ``*_pct`` columns)."""
    return {c: metric_stats(strides[c], "% of stride", strides.side)
            for c in strides.columns if c.endswith("_pct")}


def form_metrics(measures: pd.DataFrame, sides: pd.Series) -> dict[str, MetricStats]:
    """The per-stance form measures that have a value (cross-over as % of contacts).

    ``measures.attrs["derived"]`` (``{metric: words}``) says how a measure was derived where
    it matters: the foot angle relative to standing (:mod:`stridelab.kinematics`).
    """
    derived = measures.attrs.get("derived") or {}
    out = {}
    for key, unit in KINEMATIC_UNITS.items():
        column = "crossover" if key == "crossover_pct" else key
        if column in measures and measures[column].notna().any():
            scale = 100 if key == "crossover_pct" else 1
            out[key] = metric_stats(scale * measures[column], unit, sides,
                                    derived=derived.get(key), cv=ratio_scale(key, unit))
    return out


STRIKE_METHODS = {
    "strike_index": "strike index from the force plate",
    "standing": "foot angle referenced to standing",
    "floor": "foot angle against the floor",
}
"""How a contact's foot-strike pattern was found, best first (:mod:`stridelab.kinematics`)."""


def strike_pattern(shares: Mapping[str, float], consistent: float | None = None) -> str | None:
    """The runner's foot-strike pattern from each pattern's share of the contacts.

    Parameters
    ----------
    shares
        Share of contacts (0-1) by pattern (``rearfoot``, ``midfoot``, ``forefoot``).
    consistent
        Smallest share that makes a pattern the runner's (default:
        ``assess.foot_strike.consistent_share``).

    Returns
    -------
    str or None
        The pattern with at least ``consistent`` of the contacts; ``"mixed"`` when none has,
        or when two share the top (a tie is never resolved to one of them); ``None`` without
        shares. The summary's labels and the finding both come from here.
    """
    if not shares:
        return None
    limit = threshold("assess.foot_strike.consistent_share") if consistent is None else consistent
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    tie = len(ranked) > 1 and ranked[1][1] >= ranked[0][1]
    return "mixed" if tie or ranked[0][1] < limit else ranked[0][0]


def _strike_method(methods: pd.Series | None) -> str | None:
    """The method behind most labels, with the others' counts when several were used."""
    if methods is None or not methods.notna().any():
        return None
    counts = methods.dropna().value_counts()
    if len(counts) == 1:
        return str(counts.index[0])
    parts = ", ".join(f"{m} ({n} contacts)" for m, n in counts.items())
    return f"{counts.index[0]}; by contact: {parts}"


def _strike_index_block(index: pd.Series | None, sides: pd.Series) -> dict | None:
    """Mean strike index (% of foot length), overall and per side."""
    if index is None or not index.notna().any():
        return None
    pct = 100.0 * index.astype(float)
    out = {"mean": round(float(pct.mean()), 1)}
    for s in "LR":
        side = pct[sides == s].dropna()
        out[s] = round(float(side.mean()), 1) if len(side) else None
    return out


def foot_strike_summary(kinds: pd.Series, sides: pd.Series, methods: pd.Series | None = None,
                        strike_index: pd.Series | None = None) -> dict[str, Any] | None:
    """Overall and per-side foot-strike pattern, the shares and how the labels were found.

    Parameters
    ----------
    kinds
        Each contact's pattern (``rearfoot``, ``midfoot``, ``forefoot``; NaN: none).
    sides
        Each contact's side.
    methods
        Each contact's method (:data:`STRIKE_METHODS` values); the block's ``method`` names
        the one behind most labels.
    strike_index
        Each contact's strike index (0-1 of foot length), where a force plate gave one.

    Returns
    -------
    dict or None
        ``overall``, ``L``, ``R`` (:func:`strike_pattern`: ``"mixed"`` below the consistent
        share or on a tie), ``shares``, and where known ``method`` and ``strike_index_pct``.
    """
    if not kinds.notna().any():
        return None
    shares = kinds.value_counts(normalize=True).round(3).to_dict()
    strike: dict[str, Any] = {"overall": strike_pattern(shares), "shares": shares}
    for s in "LR":
        ks = kinds[sides == s].dropna()
        strike[s] = strike_pattern(ks.value_counts(normalize=True).to_dict()) if len(ks) else None
    method = _strike_method(methods)
    if method:
        strike["method"] = method
    index = _strike_index_block(strike_index, sides)
    if index:
        strike["strike_index_pct"] = index
    return strike


IMU_CANNOT = ("wearable sensors give no joint or segment positions (needs video or motion "
              "capture)")


def unavailable_measures(metrics: dict, view: str) -> dict[str, str]:
    """Why each kinematic measure missing from ``metrics`` could not be given."""
    out = {}
    for key in SIDE_ONLY + REAR_ONLY:
        if key in metrics:
            continue
        if view == "imu":
            out[key] = IMU_CANNOT
        elif view == "rear" and key in SIDE_ONLY:
            out[key] = "needs a side view"
        elif view == "side" and key in REAR_ONLY:
            out[key] = "needs a rear view"
        else:
            out[key] = "the markers or keypoints it needs are missing"
    return out


def gait_summary(rec: Recording, strides: pd.DataFrame, measures: pd.DataFrame, *,
                 activity: str, source: str, warnings: list[str],
                 measured_view: str | None = None, kind: str | None = None) -> Summary:
    """The summary of a recording's per-stride table and per-stance measures.

    Parameters
    ----------
    rec
        The recording (engine frame), for its file, marker set, rate, length and axes.
    strides
        Per-stance table with phases (:mod:`stridelab.gait.phases`).
    measures
        Per-stance form measures (:mod:`stridelab.kinematics.measures`), same index.
    activity, source, warnings
        ``"running"``/``"walking"``, where the events came from, doubtful data.
    measured_view
        The view the form measures were taken for (``"side"``, ``"rear"``, ``"both"``);
        default: the recording's.
    kind
        The summary's ``kind`` (default: ``"motion capture"`` for a 3D recording,
        ``"video"`` for a view).
    """
    view = rec.axes.get("view", "both")
    metrics = {**timing_metrics(strides), **form_metrics(measures, strides.side)}
    strike = (foot_strike_summary(measures["foot_strike"], strides.side,
                                  measures.get("foot_strike_method"),
                                  measures.get("strike_index"))
              if "foot_strike" in measures else None)
    return Summary(
        kind=kind or ("motion capture" if view == "both" else "video"),
        activity=activity, source=source, file=str(rec.path),
        markerset=rec.markerset.name, markerset_allows=rec.markerset.allows,
        sampling_rate_hz=rec.fs, duration_s=round(rec.duration, 3), axes=rec.axes,
        n_contacts={s: int((strides.side == s).sum()) for s in "LR"},
        metrics=metrics, phases=phase_metrics(strides),
        symmetry_index_pct=symmetry_indices(metrics), warnings=warnings,
        view=None if view in ("both", "imu") else view, foot_strike=strike,
        unavailable=unavailable_measures(metrics, measured_view or view))


# -- watch files ----------------------------------------------------------------------------

WATCH_CHANNELS: dict[str, tuple[str, float, str]] = {
    "cadence_spm": ("cadence_spm", 1.0, "steps/min"),
    "contact_time_ms": ("stance_time_ms", 1.0, "ms"),
    "vertical_oscillation_cm": ("vertical_oscillation_mm", 0.1, "cm"),
    "vertical_ratio_pct": ("vertical_ratio_pct", 1.0, "%"),
    "step_length_m": ("step_length_mm", 0.001, "m"),
    "heart_rate_bpm": ("heart_rate_bpm", 1.0, "bpm"),
}
"""Summary metric -> (activity channel, factor to the metric's unit, unit)."""

NO_ANGLES = "a watch file has no joint or segment angles (needs video or motion capture)"
NO_DYNAMICS = ("this file has no running dynamics (needs a chest strap or pod with an "
               "accelerometer, or a recent watch that records them)")
NO_BALANCE = ("no ground contact time balance in this file (needs a chest strap or pod): "
              "left and right cannot be compared")
WATCH_CANNOT = (
    "trunk_lean_deg", "trunk_lean_midstance_deg", "foot_inclination_ic_deg",
    "shank_angle_ic_deg", "overstride_ratio", "knee_flexion_ic_deg",
    "knee_flexion_peak_stance_deg", "pelvic_drop_deg", "step_width_cm", "crossover_pct",
    "knee_frontal_angle_deg", "foot_strike",
)
"""What a watch file cannot give (vertical oscillation comes from running dynamics)."""


def positive(values: np.ndarray | None) -> np.ndarray:
    """The finite, positive values of a channel (empty for a missing channel)."""
    if values is None:
        return np.zeros(0)
    return values[np.isfinite(values) & (values > 0)]


def running_records(activity: Activity) -> tuple[Activity, str | None]:
    """Keep the records of a run at running step rates (``gait.activity.cadence_min_spm``).

    Returns
    -------
    tuple
        The activity with only those records (unchanged when it is not a run, has no
        cadence, or all records qualify), and a warning saying how many were left out.
    """
    cadence = activity.channel("cadence_spm")
    if not activity.is_running or cadence is None:
        return activity, None
    keep = np.isfinite(cadence) & (cadence >= threshold("gait.activity.cadence_min_spm"))
    dropped = int((~keep).sum())
    if not keep.any() or dropped == 0:
        return activity, None
    records = {name: values[keep] for name, values in activity.records.items()}
    note = (f"{dropped} of {keep.size} records below "
            f"{threshold('gait.activity.cadence_min_spm'):g} steps/min (walking breaks, stops) "
            "left out of the gait measures")
    return replace(activity, records=records), note


def _moving_speeds(activity: Activity) -> np.ndarray:
    """Speeds (m/s) at or above ``load.moving.speed_min``: records, else intervals."""
    from stridelab.io.activity.model import interval_speeds

    floor = threshold("load.moving.speed_min")
    speed = activity.channel("speed_m_s")
    if speed is not None:
        return speed[np.isfinite(speed) & (speed >= floor)]
    intervals = interval_speeds(activity)
    if intervals is not None:
        return intervals[1][intervals[1] >= floor]
    return np.zeros(0)


def _pace(activity: Activity) -> MetricStats | None:
    moving = _moving_speeds(activity)
    if not moving.size:
        return None
    pace = metric_stats(1000.0 / moving, "s/km", digits=1)
    pace.mean = round(1000.0 / float(moving.mean()), 1)  # time-weighted mean pace
    return pace


def _contact_balance(activity: Activity, metrics: dict[str, MetricStats]
                     ) -> tuple[float | None, float | None]:
    """Side means of contact time from the balance channel; the mean balance and the SI."""
    contact = activity.channel("stance_time_ms")
    balance = activity.channel("stance_time_balance_left_pct")
    if contact is None or balance is None:
        return None, None
    ok = np.isfinite(contact) & (contact > 0) & np.isfinite(balance) & (balance > 0)
    if not ok.any():
        return None, None
    b = balance[ok] / 100.0
    left = float((2 * contact[ok] * b).mean())
    right = float((2 * contact[ok] * (1 - b)).mean())
    metrics["contact_time_ms"].L, metrics["contact_time_ms"].R = round(left, 2), round(right, 2)
    return round(float(balance[ok].mean()), 2), round(robinson_si(left, right), 2)


def _derived_timing(activity: Activity) -> dict[str, MetricStats]:
    """Step, flight time and duty factor per record from cadence and contact time."""
    cadence = activity.channel("cadence_spm")
    contact = activity.channel("stance_time_ms")
    if cadence is None or contact is None:
        return {}
    ok = np.isfinite(cadence) & (cadence > 0) & np.isfinite(contact) & (contact > 0)
    if not ok.any():
        return {}
    step = 60000.0 / cadence[ok]
    how = "per record from cadence and ground contact time"
    return {"step_time_ms": metric_stats(step, "ms", digits=2,
                                         derived=f"60000 / cadence, {how}"),
            "flight_time_ms": metric_stats(step - contact[ok], "ms", digits=2,
                                           derived=f"step time - contact time, {how}"),
            "duty_factor": metric_stats(contact[ok] / (2 * step), "ratio", digits=4, cv=True,
                                        derived=f"contact time / (2 step time), {how}")}


def _watch_warnings(activity: Activity) -> list[str]:
    warnings = list(activity.warnings)
    if activity.is_running and not activity.has_running_dynamics:
        warnings.append("no running dynamics in this file (no ground contact time, "
                        "vertical oscillation, step length)")
    if not activity.has_gps:
        warnings.append("no GPS positions: distance comes from the device (foot pod or "
                        "wrist accelerometer) or is unknown")
    if activity.utc_offset_s is None:
        warnings.append("the file records no time zone: local time taken from this "
                        "computer's time zone")
    return warnings


def _watch_unavailable(activity: Activity, metrics: dict[str, MetricStats]) -> dict[str, str]:
    unavailable = {key: NO_ANGLES for key in WATCH_CANNOT}
    if not activity.has_running_dynamics:
        for key in ("contact_time_ms", "flight_time_ms", "duty_factor",
                    "vertical_oscillation_cm"):
            unavailable.setdefault(key, NO_DYNAMICS)
    if "contact_time_ms" in metrics and metrics["contact_time_ms"].L is None:
        unavailable["contact_time_balance_left_pct"] = NO_BALANCE
    if "cadence_spm" not in metrics:
        unavailable["cadence_spm"] = "this file records no cadence"
    return unavailable


def watch_summary(activity: Activity, file: str | None = None,
                  gait_only: bool = False) -> Summary:
    """The summary of an activity file's records.

    Parameters
    ----------
    activity
        The activity (:mod:`stridelab.io.activity`).
    file
        Path to report; defaults to ``activity.source``.
    gait_only
        For the gait assessment: only records at running step rates, step time, flight
        time and duty factor derived per record, and ``unavailable`` filled in.
    """
    sport, note = activity.sport, None
    if gait_only:
        activity, note = running_records(activity)
    metrics: dict[str, MetricStats] = {}
    for name, (channel, factor, unit) in WATCH_CHANNELS.items():
        values = positive(activity.channel(channel))
        if values.size:
            metrics[name] = metric_stats(values * factor, unit, digits=2,
                                         cv=ratio_scale(name, unit))
    pace = _pace(activity)
    if pace is not None:
        metrics["pace_s_per_km"] = pace
    balance, si = _contact_balance(activity, metrics)
    summary = Summary(
        kind="watch", activity=sport, source=_source_words(activity),
        file=file or activity.source, start_time=activity.local_start().isoformat(),
        metrics=metrics, symmetry_index_pct={"contact_time_ms": si},
        symmetry_index_formula=None, contact_time_balance_left_pct=balance,
        warnings=_watch_warnings(activity) + ([note] if note else []))
    if gait_only:
        metrics.update(_derived_timing(activity))
        summary.unavailable = _watch_unavailable(activity, metrics)
        if sport == "unknown":
            summary.warnings.append("the file names no sport: assessed as a run")
            summary.activity = "running"
    return summary


def _source_words(activity: Activity) -> str:
    words = {"fit": "FIT records", "gpx": "GPX track points", "tcx": "TCX track points"}
    text = words.get(activity.format, activity.format)
    if activity.has_running_dynamics:
        text += " (Garmin running dynamics)"
    return text
