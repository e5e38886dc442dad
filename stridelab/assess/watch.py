"""A ``summary.json``-shaped dict from a watch file (FIT, also GPX/TCX), for the assessment.

The file is read by the activity readers (:func:`stridelab.io.activity.read_path`) and
summarised by :func:`stridelab.load.summary.summarise` (cadence, ground contact time,
vertical oscillation, contact-time balance and its symmetry index where the file has running
dynamics). For the gait assessment this module adds:

- only records at running step rates (at least ``gait.activity.cadence_min_spm``) for a run,
  so walking breaks and stops do not dilute the means;
- per record, from cadence ``c`` (steps/min) and ground contact time ``t_c`` (ms):
  step time ``t_s = 60000 / c``, flight time ``t_s - t_c`` and duty factor
  ``t_c / (2 t_s)`` (stance over stride; a stride is two steps). These are only as good as
  the device's contact time estimate;
- ``unavailable``: what a watch cannot measure (angles, pelvic drop, cross-over) and, when the
  file lacks them, the running-dynamics measures.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InputFileError
from stridelab.io.activity import Activity, read_path
from stridelab.io.activity.model import FOOT_SPORTS
from stridelab.load.summary import summarise
from stridelab.thresholds import threshold

NO_ANGLES = "a watch file has no joint or segment angles (needs video or motion capture)"
NO_DYNAMICS = ("this file has no running dynamics (needs a chest strap or pod with an "
               "accelerometer, or a recent watch that records them)")
NO_BALANCE = ("no ground contact time balance in this file (needs a chest strap or pod): "
              "left and right cannot be compared")

KINEMATIC_METRICS = (
    "trunk_lean_deg", "trunk_lean_midstance_deg", "foot_inclination_ic_deg",
    "shank_angle_ic_deg", "overstride_ratio", "knee_flexion_ic_deg",
    "knee_flexion_peak_stance_deg", "pelvic_drop_deg", "step_width_cm", "crossover_pct",
    "knee_frontal_angle_deg", "foot_strike",
)


def _stats(values: np.ndarray, unit: str, digits: int, how: str) -> dict[str, Any]:
    sd = float(values.std(ddof=1)) if values.size > 1 else None
    return {"mean": round(float(values.mean()), digits),
            "sd": None if sd is None else round(sd, digits), "count": int(values.size),
            "L": None, "R": None, "unit": unit, "derived": how}


def running_records(activity: Activity) -> tuple[Activity, str | None]:
    """Keep the records of a run at running step rates.

    Parameters
    ----------
    activity
        The activity as read.

    Returns
    -------
    tuple
        The activity with only records whose cadence reaches ``gait.activity.cadence_min_spm``
        (unchanged when it is not a run or has no cadence), and a warning saying how many
        records were left out (``None`` when none).
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


def summary_from_activity(activity: Activity, file: str | None = None) -> dict[str, Any]:
    """Build the ``stridelab.summary/1`` dict the assessment reads from an activity.

    Parameters
    ----------
    activity
        An activity read by :mod:`stridelab.io.activity`.
    file
        Path to report in the summary; defaults to ``activity.source``.

    Raises
    ------
    InputFileError
        For a sport without foot strikes (cycling, swimming ...).
    """
    if activity.sport not in FOOT_SPORTS | {"unknown"}:
        raise InputFileError(file or activity.source,
                             f"sport '{activity.sport}': the gait assessment needs a run")
    gait, note = running_records(activity)
    summary = summarise(gait, file)
    if note:
        summary["warnings"].append(note)
    metrics = summary["metrics"]
    cadence = gait.channel("cadence_spm")
    contact = gait.channel("stance_time_ms")
    if cadence is not None and contact is not None:
        ok = np.isfinite(cadence) & (cadence > 0) & np.isfinite(contact) & (contact > 0)
        if ok.any():
            step = 60000.0 / cadence[ok]
            how = "per record from cadence and ground contact time"
            metrics["step_time_ms"] = _stats(step, "ms", 2, f"60000 / cadence, {how}")
            metrics["flight_time_ms"] = _stats(step - contact[ok], "ms", 2,
                                               f"step time - contact time, {how}")
            metrics["duty_factor"] = _stats(contact[ok] / (2 * step), "ratio", 4,
                                            f"contact time / (2 step time), {how}")
    unavailable = {key: NO_ANGLES for key in KINEMATIC_METRICS}
    if not gait.has_running_dynamics:
        for key in ("contact_time_ms", "flight_time_ms", "duty_factor",
                    "vertical_oscillation_cm"):
            unavailable.setdefault(key, NO_DYNAMICS)
    if "contact_time_ms" in metrics and metrics["contact_time_ms"].get("L") is None:
        unavailable["contact_time_balance_left_pct"] = NO_BALANCE
    if "cadence_spm" not in metrics:
        unavailable["cadence_spm"] = "this file records no cadence"
    summary["unavailable"] = unavailable
    if activity.sport == "unknown":
        summary["warnings"].append("the file names no sport: assessed as a run")
        summary["activity"] = "running"
    return summary


def summary_from_file(path: str | Path) -> dict[str, Any]:
    """Read a watch file and build its summary dict (see :func:`summary_from_activity`).

    Parameters
    ----------
    path
        ``.fit``, ``.gpx`` or ``.tcx`` file (optionally ``.gz``).
    """
    return summary_from_activity(read_path(Path(path)), str(path))
