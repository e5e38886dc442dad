"""Contact events from force platforms, the reference the kinematic methods are judged by.

A foot is in contact while the vertical ground reaction force exceeds a small threshold
(20-50 N, Fukuchi et al. 2017; the value used is ``gait.forceplate.contact_threshold`` in the
threshold table). Threshold crossings are interpolated between samples. On an instrumented
treadmill both feet land on the same plate one at a time; each contact is given to the foot
that is lower (relative to its own lowest level) at mid-contact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.io.recording import ForcePlate, Recording
from stridelab.signal import lowpass, threshold_crossings
from stridelab.thresholds import threshold


def vertical_force(plate: ForcePlate, lowpass_hz: float | None = None) -> np.ndarray:
    """Vertical force in newtons, low-pass filtered, with the unloaded baseline removed.

    The force is filtered with a 4th-order zero-lag Butterworth low-pass (``lowpass_hz``,
    default ``gait.forceplate.lowpass_hz``): amplifier noise of +/-30 N near the Nyquist
    frequency would otherwise cross a 20-50 N contact threshold in flight. The baseline is the
    median of the samples below the 10th percentile when they are far below body weight (the
    plate is unloaded in flight); otherwise none is removed.
    """
    fy = np.nan_to_num(plate.force[:, 1].astype(float))
    cutoff = lowpass_hz or threshold("gait.forceplate.lowpass_hz")
    fy = lowpass(fy, plate.fs, cutoff)
    if np.nanmedian(fy) < 0:  # plate reporting the reaction on the plate: flip to the GRF
        fy = -fy
    low = fy[fy <= np.nanpercentile(fy, 10)]
    base = float(np.nanmedian(low)) if len(low) else 0.0
    if abs(base) < 0.1 * np.nanmax(fy):
        fy = fy - base
    return fy


class ForcePlateEventDetection:
    """Detect initial contacts and toe-offs from force platforms.

    Parameters
    ----------
    threshold_n
        Vertical force defining contact, N (default from the threshold table).
    min_contact_s
        Shortest contact kept, s.
    min_gap_s
        Shortest dip below threshold that splits a contact, s.

    Attributes
    ----------
    contacts_
        One row per contact: ``side``, ``ic_s``, ``to_s``, ``plate``.
    force_
        The vertical force of each plate, N.
    """

    def __init__(self, threshold_n: float | None = None, min_contact_s: float | None = None,
                 min_gap_s: float | None = None) -> None:
        self.threshold_n = threshold_n
        self.min_contact_s = min_contact_s
        self.min_gap_s = min_gap_s

    def detect(self, rec: Recording) -> ForcePlateEventDetection:
        """Find the contacts in ``rec`` (which must be in the engine frame)."""
        if not rec.plates:
            raise InputFileError(rec.path, "has no force platform")
        level = self.threshold_n or threshold("gait.forceplate.contact_threshold")
        min_on = self.min_contact_s or threshold("gait.forceplate.min_contact")
        min_off = self.min_gap_s or threshold("gait.forceplate.min_gap")
        rows = []
        self.force_ = []
        for k, plate in enumerate(rec.plates):
            fy = vertical_force(plate)
            self.force_.append(fy)
            ics, tos = threshold_crossings(fy, plate.fs, level, min_on, min_off)
            for ic, to in zip(ics, tos, strict=True):
                rows.append({"side": _side_at(rec, 0.5 * (ic + to)), "ic_s": ic, "to_s": to,
                             "plate": k})
        self.contacts_ = (pd.DataFrame(rows, columns=["side", "ic_s", "to_s", "plate"])
                          .sort_values("ic_s", ignore_index=True))
        return self


def _side_at(rec: Recording, t: float) -> str:
    """The foot that is nearer its own ground level at time ``t``."""
    i = int(np.clip(round(t * rec.fs), 0, rec.n_frames - 1))
    heights = {}
    for side in "LR":
        if rec.has(f"{side}_foot"):
            y = rec.landmark(f"{side}_foot")[:, 1]
            heights[side] = y[i] - np.nanpercentile(y, 5)
    heights = {s: h for s, h in heights.items() if np.isfinite(h)}
    if not heights:
        return "?"
    return min(heights, key=heights.get)
