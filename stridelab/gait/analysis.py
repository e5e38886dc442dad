"""One gait analysis of a recording: events, per-stride table with phases, summary.

This is the gait engine's single entry point; it knows time series, not file formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.gait import EVENT_SOURCES
from stridelab.gait.activity import classify_activity
from stridelab.gait.foot_clearance import FootClearanceEventDetection
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.gait.keypoint_events import KeypointEventDetection
from stridelab.gait.phases import add_phases
from stridelab.gait.strides import alternation_errors, build_strides
from stridelab.gait.summary import summarise
from stridelab.io.recording import Recording
from stridelab.kinematics.measures import REAR_ONLY, SIDE_ONLY, stance_measures, summarise_measures
from stridelab.thresholds import threshold


@dataclass
class GaitAnalysis:
    """Results of :func:`analyze_recording`."""

    strides: pd.DataFrame
    summary: dict
    contacts: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    angles: pd.DataFrame | None = None
    measures: pd.DataFrame | None = None


def detect_events(rec: Recording, source: str = "auto") -> tuple[pd.DataFrame, str, list[str]]:
    """Contacts from the force plate (when present and ``source`` allows) or the kinematics.

    Returns
    -------
    contacts, description of the source, warnings
    """
    if source not in EVENT_SOURCES:
        raise ValueError(f"events must be one of {EVENT_SOURCES}")
    if source == "forceplate" and not rec.plates:
        raise InputFileError(rec.path, "has no force platform (use --events kinematic)")
    if source in ("auto", "forceplate") and rec.plates:
        det = ForcePlateEventDetection().detect(rec)
        if len(det.contacts_) >= 2 or source == "forceplate":
            level = threshold("gait.forceplate.contact_threshold")
            return det.contacts_, f"force plate (vertical force > {level:g} N)", []
    if rec.markerset.name == "keypoints":
        det = KeypointEventDetection().detect(rec)
        return det.contacts_, "video keypoints (foot height within each stride)", det.warnings_
    det = FootClearanceEventDetection().detect(rec)
    return det.contacts_, "kinematics (foot clearance, markers)", det.warnings_


def analyze_recording(rec: Recording, events: str = "auto") -> GaitAnalysis:
    """Run the gait engine on a recording already in the engine frame.

    Parameters
    ----------
    rec
        Recording after :func:`stridelab.io.frame.to_engine_frame`.
    events
        ``"auto"`` (force plate when present), ``"forceplate"`` or ``"kinematic"``.

    Raises
    ------
    InputFileError
        When fewer than two contacts are found (nobody running or walking in the trial).
    """
    contacts, source, warnings = detect_events(rec, events)
    warnings = list(rec.warnings) + warnings
    if len(contacts) < 3:
        raise InputFileError(rec.path, f"found {len(contacts)} foot contacts in "
                             f"{rec.duration:.1f} s: at least two strides are needed (nobody "
                             "runs or walks in this trial, or it is too short)")
    strides = add_phases(build_strides(contacts), rec)
    activity, activity_warnings = classify_activity(strides)
    warnings += activity_warnings
    bad = alternation_errors(contacts)
    if bad:
        warnings.append(f"{bad} consecutive contacts by the same foot: events missed or extra; "
                        "values around them are left out")
    if rec.fs < 1.0 / threshold("gait.quality.max_event_period"):
        warnings.append(f"sampling rate {rec.fs:g} Hz is low for contact and flight times "
                        "(science.md §1.1)")
    summary = {
        "activity": activity,
        "source": source,
        "file": str(rec.path),
        "kind": "motion capture",
        "markerset": rec.markerset.name,
        "markerset_allows": rec.markerset.allows,
        "sampling_rate_hz": rec.fs,
        "duration_s": round(rec.duration, 3),
        "axes": rec.axes,
        "n_contacts": {s: int((contacts.side == s).sum()) for s in "LR"},
        **summarise(strides),
        "warnings": warnings,
    }
    view = rec.axes.get("view", "both")
    if view != "both":
        summary["kind"] = "video"
        summary["view"] = view
    measures, angles = stance_measures(strides, rec, view)
    kin, strike = summarise_measures(measures, strides.side)
    summary["metrics"].update(kin)
    if strike:
        summary["foot_strike"] = strike
    summary["unavailable"] = unavailable_measures(summary["metrics"], view)
    si_flag = threshold("gait.symmetry.index_flag_pct")
    for metric, si in summary["symmetry_index_pct"].items():
        if si is not None and np.isfinite(si) and abs(si) > si_flag:
            warnings.append(f"left/right difference in {metric}: symmetry index {si:+.1f} %")
    return GaitAnalysis(strides=strides, summary=summary, contacts=contacts, warnings=warnings,
                        angles=angles, measures=measures)


def unavailable_measures(metrics: dict, view: str) -> dict[str, str]:
    """Why each kinematic measure missing from ``metrics`` could not be given."""
    out = {}
    for key in SIDE_ONLY + REAR_ONLY:
        if key in metrics:
            continue
        if view == "rear" and key in SIDE_ONLY:
            out[key] = "needs a side view"
        elif view == "side" and key in REAR_ONLY:
            out[key] = "needs a rear view"
        else:
            out[key] = "the markers or keypoints it needs are missing"
    return out
