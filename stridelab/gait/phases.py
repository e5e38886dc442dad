"""The six phases of the running stride (the domain article) made measurable.

Each stride (IC to the next IC of the same foot) is split as follows; every boundary is
computed from landmarks that markers, keypoints and the synthetic runner all have:

Stance (IC to TO)
    1. **Initial contact** (loading): IC to the end of loading, taken as the first
       ``gait.phases.loading_fraction`` (20 %) of stance, as the design guide allows
       (peak knee flexion comes too close to mid-stance in running to separate the phases),
       and never later than the mid-stance instant.
    2. **Mid-stance**: end of loading to the instant the pelvis passes over the stance foot
       (pelvis centre above the foot centre in the direction of travel): the body's weight
       shifting over the planted foot.
    3. **Take-off**: from that instant to TO.

Swing (TO to the next IC)
    4. **Initial swing**: TO to the swing foot's highest point (the knee flexes to clear the
       ground; the foot is highest close to peak knee flexion).
    5. **Mid-swing**: to the swing foot's most forward position relative to the pelvis
       (the leg swings through beneath the body).
    6. **Terminal swing**: from there to IC (the leg extends, then retracts before landing).

Flight (TO of one foot to IC of the other) overlaps the start and end of swing and is
reported separately (``flight_pct``). Durations are percentages of the stride time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.gait.strides import build_strides
from stridelab.io.recording import Recording
from stridelab.thresholds import threshold

PHASES = ["initial_contact", "midstance", "takeoff", "initial_swing", "midswing",
          "terminal_swing"]


class PhaseSegmentation:
    """Contacts into the per-stance table, each stride split into its six phases.

    Parameters
    ----------
    max_stride_s
        Longest stride kept (s); a longer gap between contacts of one foot is a break.

    Attributes
    ----------
    strides_
        One row per stance in time order: the columns of ``strides.csv``
        (:func:`stridelab.gait.strides.build_strides` and :func:`add_phases`).
    """

    def __init__(self, max_stride_s: float = 2.5) -> None:
        self.max_stride_s = max_stride_s

    def segment(self, contacts: pd.DataFrame, rec: Recording) -> PhaseSegmentation:
        """Build the table from ``contacts`` (side, ic_s, to_s) of ``rec``; returns ``self``."""
        self.strides_ = add_phases(build_strides(contacts, self.max_stride_s), rec)
        return self


def _foot_centre(rec: Recording, side: str) -> np.ndarray:
    if rec.has(f"{side}_heel") and rec.has(f"{side}_toe"):
        return 0.5 * (rec.landmark(f"{side}_heel") + rec.landmark(f"{side}_toe"))
    return rec.landmark(f"{side}_foot")


def _crossing_time(x: np.ndarray, i0: int, i1: int, fs: float) -> float:
    """First time in samples [i0, i1) where ``x`` goes from negative to >= 0 (interpolated)."""
    seg = x[i0:i1 + 1]
    idx = np.flatnonzero((seg[:-1] < 0) & (seg[1:] >= 0))
    if not len(idx):
        return np.nan
    k = idx[0]
    frac = -seg[k] / (seg[k + 1] - seg[k])
    return (i0 + k + frac) / fs


def _argext(x: np.ndarray, i0: int, i1: int, fs: float) -> float:
    seg = x[i0:i1]
    if not len(seg) or np.isnan(seg).all():
        return np.nan
    return (i0 + int(np.nanargmax(seg))) / fs


def add_phases(strides: pd.DataFrame, rec: Recording) -> pd.DataFrame:
    """Add ``<phase>_start_s`` and ``<phase>_pct`` columns for the six phases, and ``flight_pct``.

    Parameters
    ----------
    strides
        The table from :func:`stridelab.gait.strides.build_strides`.
    rec
        The recording in the engine frame (pelvis and foot landmarks). From a rear view
        (``rec.axes["view"] == "rear"``) the forward positions are unknown: mid-stance,
        take-off, mid-swing and terminal swing are NaN (their bounds need a side view), the
        loading phase and initial swing are kept. Wearable sensors (``"imu"``) give no
        position either: only the loading phase and flight are given.
    """
    out = strides.copy()
    fs = rec.fs
    # a camera behind the runner sees no forward position: the pelvis passing over the foot
    # and the foot's most forward point, which bound mid-stance and mid-swing, are not known
    # nor do wearable sensors (``view == "imu"``): they give no positions at all
    forward_known = rec.axes.get("view", "both") not in ("rear", "imu")
    pelvis_x = rec.landmark("pelvis")[:, 0] if rec.has("pelvis") and forward_known else None
    feet = {s: _foot_centre(rec, s) for s in "LR" if rec.has(f"{s}_foot")}
    load_frac = threshold("gait.phases.loading_fraction")
    starts = {p: np.full(len(out), np.nan) for p in PHASES}
    for i, row in enumerate(out.itertuples()):
        foot = feet.get(row.side)
        stance = row.to_s - row.ic_s
        mid = np.nan
        if foot is not None and pelvis_x is not None:
            mid = _crossing_time(pelvis_x - foot[:, 0], int(row.ic_s * fs), int(row.to_s * fs) + 1,
                                 fs)
        if not np.isfinite(mid) and forward_known:
            mid = row.ic_s + 0.5 * stance  # pelvis never passed the foot: mid-point of stance
        loading_end = row.ic_s + load_frac * stance
        starts["initial_contact"][i] = row.ic_s
        starts["midstance"][i] = min(loading_end, mid) if np.isfinite(mid) else loading_end
        starts["takeoff"][i] = mid
        starts["initial_swing"][i] = row.to_s
        if np.isfinite(row.next_ic_s) and foot is not None:
            a, b = int(np.ceil(row.to_s * fs)), int(row.next_ic_s * fs) + 1
            apex = _argext(foot[:, 1], a, b, fs)
            starts["midswing"][i] = apex
            if forward_known:
                ahead = foot[:, 0] - (pelvis_x if pelvis_x is not None else 0.0)
                starts["terminal_swing"][i] = _argext(
                    ahead, int(apex * fs) if np.isfinite(apex) else a, b, fs)
    stride = out.next_ic_s - out.ic_s
    bounds = [starts[p] for p in PHASES] + [out.next_ic_s.to_numpy()]
    for k, p in enumerate(PHASES):
        out[f"{p}_start_s"] = starts[p]
        out[f"{p}_pct"] = 100 * (bounds[k + 1] - bounds[k]) / stride
    out["flight_pct"] = 100 * out.flight_time_ms / 1000 / stride
    return out
