"""Contact events from force platforms, the reference the kinematic methods are judged by.

A foot is in contact while the vertical ground reaction force exceeds a small threshold
(20-50 N, Fukuchi et al. 2017; the value used is ``gait.forceplate.contact_threshold`` in the
threshold table). Threshold crossings are interpolated between samples. On an instrumented
treadmill both feet land on the same plate one at a time; each contact is given to the foot
that is lower (relative to its own lowest level) at mid-contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.gait.base import check_recording
from stridelab.io.recording import ForcePlate, Recording
from stridelab.signal import lowpass, threshold_crossings
from stridelab.thresholds import given_or_default

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only


def vertical_force(plate: ForcePlate, lowpass_hz: float | None = None) -> np.ndarray:
    """Vertical force in newtons, low-pass filtered, with the unloaded baseline removed.

    The force is filtered with a 4th-order zero-lag Butterworth low-pass (``lowpass_hz``,
    default ``gait.forceplate.lowpass_hz``): amplifier noise of +/-30 N near the Nyquist
    frequency would otherwise cross a 20-50 N contact threshold in flight. The baseline is the
    median of the samples below the 10th percentile when they are far below body weight (the
    plate is unloaded in flight); otherwise none is removed.
    """
    fy = np.nan_to_num(plate.force[:, 1].astype(float))
    cutoff = given_or_default(lowpass_hz, "gait.forceplate.lowpass_hz")
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

    Follows the :class:`~stridelab.gait.base.EventDetector` protocol. Parameters left at
    ``None`` take their value from the threshold table when the detector is made, and the
    attribute of the same name holds that value; any value given, ``0`` included, is kept.

    Parameters
    ----------
    threshold_n
        Vertical force above which a foot is in contact, N (default: the table's
        ``gait.forceplate.contact_threshold``, 30 N).
    min_contact_s
        Shortest contact kept, s (default ``gait.forceplate.min_contact``, 0.08 s).
    min_gap_s
        Shortest dip below the threshold that splits a contact, s (default
        ``gait.forceplate.min_gap``, 0.03 s).
    lowpass_hz
        Cut-off of the low-pass filter applied to the vertical force, Hz (default
        ``gait.forceplate.lowpass_hz``, 50 Hz).

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (``"L"``/``"R"``, the foot nearer its
        own ground level at mid-contact; ``"?"`` without foot markers), ``ic_s`` and ``to_s``
        (initial contact and toe-off, s), ``plate`` (index of the platform).
    force_
        The filtered vertical force of each plate, N (one array per plate, at its own rate).
    warnings_
        Problems found (no foot markers to tell the feet apart).
    """

    SOURCE = "force plate"
    """Where this detector's events come from, in words (the summary's ``source``)."""

    def __init__(self, threshold_n: float | None = None, min_contact_s: float | None = None,
                 min_gap_s: float | None = None, lowpass_hz: float | None = None) -> None:
        self.threshold_n = given_or_default(threshold_n, "gait.forceplate.contact_threshold")
        self.min_contact_s = given_or_default(min_contact_s, "gait.forceplate.min_contact")
        self.min_gap_s = given_or_default(min_gap_s, "gait.forceplate.min_gap")
        self.lowpass_hz = given_or_default(lowpass_hz, "gait.forceplate.lowpass_hz")

    def detect(self, rec: Recording) -> Self:
        """Find the contacts on the force plates of ``rec``.

        Parameters
        ----------
        rec
            A recording in the engine frame (y up) with at least one force platform.

        Returns
        -------
        Self
            This detector, with ``contacts_``, ``force_`` and ``warnings_`` set.

        Raises
        ------
        InputFileError
            When ``rec`` is not in the engine frame, its vertical axis looks wrong, or it has
            no force platform.
        """
        check_recording(rec)
        if not rec.plates:
            raise InputFileError(rec.path, "has no force platform")
        rows = []
        self.force_ = []
        self.warnings_ = []
        if not (rec.has("L_foot") or rec.has("R_foot")):
            self.warnings_.append(f"{rec.path.name}: no foot markers: force-plate contacts not "
                                  "assigned to a foot")
        for k, plate in enumerate(rec.plates):
            fy = vertical_force(plate, self.lowpass_hz)
            self.force_.append(fy)
            ics, tos = threshold_crossings(fy, plate.fs, self.threshold_n, self.min_contact_s,
                                           self.min_gap_s)
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
