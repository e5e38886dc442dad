"""Contact events from marker or keypoint trajectories alone (no force plate).

Method: foot clearance. A foot is in contact while its lowest point is within a few
millimetres of the floor. This is a position criterion of the kind found most accurate and
speed-independent for running by Alvim et al. 2015 (J Appl Biomech 31:383,
doi:10.1123/jab.2014-0178) and by Fellin et al. 2010 (heel height; J Sci Med Sport 13:646,
doi:10.1016/j.jsams.2010.03.006), extended so that it holds for any strike pattern and for
push-off over the toes:

1. The foot's points are its markers plus a virtual toe tip, extrapolated from the heel
   through the metatarsal markers: ``toe_tip = MT + k (MT - heel)``. The metatarsal heads lie
   at about 75-78 % of foot length from the heel (e.g. Hawes & Sovak 1994, Ergonomics 37:1213),
   hence ``k`` about 0.3. Push-off pivots on the toes, ahead of every marker: without the
   virtual tip toe-off would be found far too early.
2. Each point's floor level is a low percentile of its own height over the trial (the height
   it has when flat on the ground), so marker placement and shoe do not matter.
3. Clearance = the smallest height above floor of all the points; contact = clearance below
   ``clearance_mm``; threshold crossings are interpolated between samples.

Marker sets without anatomical foot markers (clusters only, e.g. the Running Injury Clinic set)
cannot give a virtual toe: there the foot-cluster centre's height is used, with contact below
``gait.kinematic.cluster_height_fraction`` of its range above its floor (Fellin 2010's foot
height criterion). This fallback is not validated against force plates here.

Initial contact is the start of a contact interval, toe-off its end. Gaps up to
``max_gap_s`` are spline-filled; longer gaps yield no events rather than invented ones. A
contact that begins or ends in samples interpolated after a marker-cluster fault
(:attr:`Recording.interpolated <stridelab.io.recording.Recording.interpolated>`, see
:mod:`stridelab.io.clusters`) is left out for the same reason, with a warning: such samples
follow the neighbouring segment, not the foot (a median 15 mm off for 0.2-s runs on the
Running Injury Clinic trial), enough to move a contact event by tens of milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.gait.base import check_recording
from stridelab.io.recording import Recording
from stridelab.signal import fill_gaps, threshold_crossings
from stridelab.thresholds import given_or_default

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only


def foot_points(rec: Recording, side: str, toe_extension: float) -> list[np.ndarray]:
    """The ``(n, 3)`` trajectories whose lowest one defines the foot's clearance."""
    names = rec.markerset.landmarks.get(f"{side}_foot", [])
    pts = [rec.points[n] for n in names if n in rec.points]
    if rec.has(f"{side}_heel") and rec.has(f"{side}_toe"):
        heel, toe = rec.landmark(f"{side}_heel"), rec.landmark(f"{side}_toe")
        pts.append(toe + toe_extension * (toe - heel))
    return pts


def floor_level(y: np.ndarray, percentile: float | list[float],
                measured: np.ndarray | None = None) -> float | np.ndarray:
    """Low percentile(s) of a height over its measured samples.

    All samples count when ``measured`` is ``None`` or leaves fewer than half of them.
    """
    if measured is not None and np.isfinite(y[measured]).sum() >= 0.5 * np.isfinite(y).sum():
        y = y[measured]
    return np.nanpercentile(y, percentile)


def foot_markers(rec: Recording, side: str) -> list[str]:
    """Names of the markers behind a foot's points (its cluster, heel and toe landmarks)."""
    lm = rec.markerset.landmarks
    names = [n for key in ("foot", "heel", "toe") for n in lm.get(f"{side}_{key}", [])]
    return list(dict.fromkeys(n for n in names if n in rec.points))


def interpolated_samples(rec: Recording, side: str) -> np.ndarray:
    """``(n,)`` mask of the samples where any of the foot's markers was interpolated."""
    masks = [rec.interpolated[n] for n in foot_markers(rec, side) if n in rec.interpolated]
    return np.logical_or.reduce(masks) if masks else np.zeros(rec.n_frames, bool)


def measured_contacts(ics: np.ndarray, tos: np.ndarray, interpolated: np.ndarray,
                      fs: float) -> np.ndarray:
    """Mask of the contacts whose initial contact and toe-off both lie in measured samples.

    An event lies between two samples; neither may be interpolated.
    """
    last = len(interpolated) - 1

    def measured(times: np.ndarray) -> np.ndarray:
        lo = np.clip(np.floor(times * fs).astype(int), 0, last)
        hi = np.clip(np.ceil(times * fs).astype(int), 0, last)
        return ~(interpolated[lo] | interpolated[hi])

    return measured(np.asarray(ics)) & measured(np.asarray(tos))


def foot_clearance(points: list[np.ndarray], fs: float, floor_percentile: float,
                   max_gap_s: float, measured: np.ndarray | None = None) -> np.ndarray:
    """Height (m) of the foot's lowest point above the floor, per sample (NaN if unknown).

    Parameters
    ----------
    points
        Trajectories in the engine frame (y up).
    fs
        Sampling rate, Hz.
    floor_percentile
        Percentile of each point's height taken as its floor level.
    max_gap_s
        Longest gap that is filled.
    measured
        ``(n,)`` mask of the samples that may set the floor level (``None``: all); the
        interpolated ones must not, since their errors reach the low percentiles.
    """
    heights = []
    for p in points:
        y = fill_gaps(p[:, 1], fs, max_gap_s)
        if np.isfinite(y).sum() < 0.5 * len(y):
            continue  # a point missing most of the time cannot set a floor level
        heights.append(y - floor_level(y, floor_percentile, measured))
    if not heights:
        return np.full(len(points[0]) if points else 0, np.nan)
    stack = np.vstack(heights)
    # the lowest point is unknown where any point is missing
    out = np.full(stack.shape[1], np.nan)
    known = np.isfinite(stack).all(axis=0)
    out[known] = stack[:, known].min(axis=0)
    return out


class FootClearanceEventDetection:
    """Initial contact and toe-off per foot from the foot's clearance above the floor.

    Follows the :class:`~stridelab.gait.base.EventDetector` protocol. Parameters left at
    ``None`` take their value from the threshold table when the detector is made, and the
    attribute of the same name holds that value; any value given, ``0`` included, is kept.

    Parameters
    ----------
    clearance_mm
        Contact while the lowest foot point is below this height above its floor, mm
        (default: the table's ``gait.kinematic.clearance_mm``, 3 mm).
    toe_extension
        ``k`` in ``toe_tip = MT + k (MT - heel)`` (default ``gait.kinematic.toe_extension``,
        0.3).
    floor_percentile
        Percentile of a point's height over the trial taken as its floor level.
    max_gap_s
        Longest marker gap that is filled, s; longer gaps give no events.
    min_contact_s
        Shortest contact kept, s (default ``gait.forceplate.min_contact``, 0.08 s).
    min_gap_s
        Shortest lift-off that splits a contact, s (default ``gait.forceplate.min_gap``,
        0.03 s).
    cluster_height_fraction
        Marker sets without heel and toe markers: contact while the foot-cluster centre is
        within this share of its height range above its floor (default
        ``gait.kinematic.cluster_height_fraction``, 0.1).

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (``"L"``/``"R"``), ``ic_s`` and ``to_s``
        (initial contact and toe-off, s).
    clearance_
        Clearance per side (m), the signal the events come from.
    warnings_
        Problems found (a foot without markers, long gaps).
    """

    SOURCE = "kinematics (foot clearance, markers)"
    """Where this detector's events come from, in words (the summary's ``source``)."""

    def __init__(self, clearance_mm: float | None = None, toe_extension: float | None = None,
                 floor_percentile: float = 2.0, max_gap_s: float = 0.1,
                 min_contact_s: float | None = None, min_gap_s: float | None = None,
                 cluster_height_fraction: float | None = None) -> None:
        self.clearance_mm = given_or_default(clearance_mm, "gait.kinematic.clearance_mm")
        self.toe_extension = given_or_default(toe_extension, "gait.kinematic.toe_extension")
        self.floor_percentile = floor_percentile
        self.max_gap_s = max_gap_s
        self.min_contact_s = given_or_default(min_contact_s, "gait.forceplate.min_contact")
        self.min_gap_s = given_or_default(min_gap_s, "gait.forceplate.min_gap")
        self.cluster_height_fraction = given_or_default(
            cluster_height_fraction, "gait.kinematic.cluster_height_fraction")

    def detect(self, rec: Recording) -> Self:
        """Find the contacts of both feet in ``rec``.

        Parameters
        ----------
        rec
            A recording in the engine frame (y up) with foot markers for at least one foot.

        Returns
        -------
        Self
            This detector, with ``contacts_``, ``clearance_`` and ``warnings_`` set.

        Raises
        ------
        InputFileError
            When ``rec`` is not in the engine frame, its vertical axis looks wrong, or it has
            no foot markers for either foot.
        """
        check_recording(rec)
        level = self.clearance_mm / 1000.0
        rows, self.clearance_, self.warnings_ = [], {}, []
        for side in "LR":
            pts = foot_points(rec, side, self.toe_extension)
            if not pts:
                self.warnings_.append(f"{rec.path.name}: no {side} foot markers: "
                                      f"{'left' if side == 'L' else 'right'} foot not analysed")
                continue
            clear, side_level = self._clearance(rec, side, pts, level)
            self.clearance_[side] = clear
            missing = np.isnan(clear).mean()
            if missing > 0.05:
                self.warnings_.append(f"{rec.path.name}: {side} foot missing in "
                                      f"{100 * missing:.0f} % of frames (gaps left unfilled)")
            ics, tos = threshold_crossings(-clear, rec.fs, -side_level, self.min_contact_s,
                                           self.min_gap_s)
            ics, tos = self._measured(rec, side, ics, tos)
            rows += [{"side": side, "ic_s": a, "to_s": b} for a, b in zip(ics, tos, strict=True)]
        if not self.clearance_:
            raise InputFileError(rec.path, "no foot markers for either foot (landmarks L_foot, "
                                 f"R_foot of marker set {rec.markerset.name!r}): cannot find "
                                 "events")
        self.contacts_ = (pd.DataFrame(rows, columns=["side", "ic_s", "to_s"])
                          .sort_values("ic_s", ignore_index=True))
        return self

    def _clearance(self, rec: Recording, side: str, pts: list[np.ndarray],
                   level: float) -> tuple[np.ndarray, float]:
        """The foot's clearance (m) and the contact level (m) it is compared with."""
        measured = ~interpolated_samples(rec, side)
        if rec.has(f"{side}_heel") and rec.has(f"{side}_toe"):
            return foot_clearance(pts, rec.fs, self.floor_percentile, self.max_gap_s,
                                  measured), level
        # cluster only: the cluster centre's height, a threshold scaled to its range
        centre = fill_gaps(rec.landmark(f"{side}_foot")[:, 1], rec.fs, self.max_gap_s)
        low, high = floor_level(centre, [5, 95], measured)
        return centre - low, max(level, self.cluster_height_fraction * (high - low))

    def _measured(self, rec: Recording, side: str, ics: np.ndarray,
                  tos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The contacts whose events lie in measured samples; a warning for the others."""
        keep = measured_contacts(ics, tos, interpolated_samples(rec, side), rec.fs)
        if not keep.all():
            n = int((~keep).sum())
            self.warnings_.append(
                f"{rec.path.name}: {n} {'left' if side == 'L' else 'right'} foot contact"
                f"{'s' if n > 1 else ''} began or ended where the foot's markers were "
                "interpolated after a marker-cluster fault: left out, not guessed")
        return ics[keep], tos[keep]
