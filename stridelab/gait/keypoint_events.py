"""Initial contact and toe-off from video keypoints (one camera, noisy points).

Keypoints are far noisier than markers (Young 2023, Sensors 23:696: BlazePose step timing
errors of 10-14 ms), and a hand-held camera moves, so one floor level for the whole clip does
not hold. The method combines a horizontal and a vertical criterion, as Alvim et al. 2015
(J Appl Biomech 31:383) found most accurate and speed-independent for running:

1. Strides are cut by the foot's swing: side view, each forward peak of ``heel - pelvis``
   along the direction of travel (Zeni et al. 2008, Gait Posture 27:710: the foot is furthest
   forward just before it lands); rear view, each peak of the foot's height over the other
   foot's (mid-swing).
2. Within each stride the floor is the lowest the foot gets there; the foot is in contact while
   its lowest keypoint (heel or toe tip) stays near that floor (Fellin et al. 2010's
   foot-height criterion): it has landed once within ``landing_leg`` x leg length and left
   once above ``clearance_leg`` x leg length. Crossings are interpolated between frames.
3. Side view: a camera that is rolled, or looks up at the belt, sees the floor as a sloping
   line, so a landing foot far ahead looks higher than the same foot under the body. The
   floor's slope is fitted (least squares, trimmed) to the foot positions found in contact in
   a first pass, the heights are measured from that sloping floor, and step 2 runs again.
   Rear view, and a runner passing the camera: the floor moves in the image as the runner
   moves; heights are taken above the lowest foot over a short sliding window
   (:func:`floor_detrended`).

The stride period for step 1 comes from the autocorrelation of the signal, so no cadence is
assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

from stridelab.errors import InputFileError
from stridelab.gait.base import check_recording
from stridelab.io.recording import Recording
from stridelab.signal import fill_gaps
from stridelab.thresholds import threshold

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only


def stride_period(signal: np.ndarray, fs: float, min_s: float = 0.4,
                  max_s: float = 2.0) -> float | None:
    """Dominant period (s) of a periodic signal, or ``None`` when it has no clear rhythm.

    The correlation of the signal with itself shifted by each lag (Pearson, over the overlap,
    so short clips are not penalised at long lags); the first local peak reaching 3/4 of the
    highest (and above 0.2) is the period, so that a multiple of it is not taken.
    """
    x = signal[np.isfinite(signal)]
    lo = max(1, int(min_s * fs))
    hi = min(int(max_s * fs), len(x) - max(lo, int(0.5 * min_s * fs)))
    if hi <= lo + 1:
        return None
    r = np.array([np.corrcoef(x[:-lag], x[lag:])[0, 1] for lag in range(lo, hi + 1)])
    r = np.nan_to_num(r, nan=-1.0)
    peaks, _ = find_peaks(r)
    if not len(peaks):
        return None
    top = r[peaks].max()
    # the first peak nearly as high as the highest: a multiple of the period can score as well
    best = peaks[np.argmax(r[peaks] >= 0.75 * top)]
    return (best + lo) / fs if r[best] > 0.2 else None


def floor_detrended(heights: dict[str, np.ndarray], fs: float,
                    window_s: float = 0.5) -> dict[str, np.ndarray]:
    """Foot heights above a floor level that may drift (rear view, runner moving in depth).

    Seen from behind, the floor rises in the image as the runner moves away. One foot is on the
    ground at almost every instant of running, so the lowest of the two feet in each short
    window (shorter than a stride, longer than a flight phase) is a floor point; the floor is
    interpolated between those points at the times they occur (no lag on a sloping floor).
    """
    both = np.fmin(heights["L"], heights["R"])
    n = max(3, int(round(window_s * fs)))
    times, levels = [], []
    for start in range(0, max(len(both) - n + 1, 1), max(1, n // 4)):
        seg = both[start:start + n]
        if np.isfinite(seg).any():
            i = int(np.nanargmin(seg))
            times.append(start + i)
            levels.append(seg[i])
    if len(times) < 2:
        return heights
    times, idx = np.unique(times, return_index=True)
    floor = np.interp(np.arange(len(both)), times, np.asarray(levels)[idx])
    return {side: h - floor for side, h in heights.items()}


def _crossing(t0: float, y0: float, t1: float, y1: float, level: float) -> float:
    return t0 if y1 == y0 else t0 + (level - y0) * (t1 - t0) / (y1 - y0)


def stance_in_window(height: np.ndarray, fs: float, start: int, stop: int,
                     ic_level: float, to_level: float, slowing: float | None = None
                     ) -> tuple[float, float] | None:
    """IC and TO (s) of the one contact between samples ``start`` and ``stop``, or ``None``.

    Contact starts when the foot's lowest point comes within ``ic_level`` of the lowest height
    in the window and ends when it rises above ``to_level``; crossings are interpolated. The
    landing level is the higher one because a keypoint foot lands toes-up on its heel keypoint
    (which sits above the sole) and then settles, while the toe-tip keypoint leaves last.
    With ``slowing``, contact also waits until the landing descent has slowed below that share
    of its peak speed (the heel-velocity criterion of Fellin et al. 2010): a keypoint set
    whose points sit on the sole is within the landing level well before it touches down.
    """
    seg = height[start:stop]
    if len(seg) < 3 or not np.isfinite(seg).all():
        return None
    low = int(np.argmin(seg))
    floor = seg[low]
    a = low
    while a > 0 and seg[a - 1] <= floor + ic_level:
        a -= 1
    b = low
    while b < len(seg) - 1 and seg[b + 1] <= floor + to_level:
        b += 1
    if a == 0 or b == len(seg) - 1:
        return None  # the contact runs into the window's edge: not a whole stance
    ic = _crossing(a - 1, seg[a - 1], a, seg[a], floor + ic_level)
    to = _crossing(b, seg[b], b + 1, seg[b + 1], floor + to_level)
    if slowing is not None:
        # the foot must also have stopped falling fast: the later of the two criteria
        vel = np.gradient(seg) * fs
        fastest = int(np.argmin(vel[:low + 1]))
        level = slowing * vel[fastest]
        i = fastest
        while i < low and vel[i + 1] < level:
            i += 1
        slow = _crossing(i, vel[i], i + 1, vel[i + 1], level) if i < low else float(low)
        ic = max(ic, min(slow, float(low)))
    if to <= ic:
        return None
    return (start + ic) / fs, (start + to) / fs


class KeypointEventDetection:
    """Contacts of both feet from 2D keypoints in the engine frame (see module docstring).

    Follows the :class:`~stridelab.gait.base.EventDetector` protocol. Parameters left at
    ``None`` take their value from the threshold table when the detector is made, and the
    attribute of the same name holds that value; any value given, ``0`` included, is kept.

    Parameters
    ----------
    landing_leg
        Height above the stride's floor, as a share of leg length, below which the foot has
        landed (default: the table's ``video.events.landing_leg``).
    clearance_leg
        Height above the stride's floor, as a share of leg length, above which the foot has
        left the ground (default ``video.events.clearance_leg``).
    slowing
        Share of the peak landing speed below which the descent counts as stopped (default
        ``video.events.landing_slowing``).
    max_gap_s
        Longest keypoint gap filled before detection, s.
    min_contact_s
        Contacts shorter than this are kept but flagged in ``warnings_``, s (default
        ``gait.forceplate.min_contact``, 0.08 s).

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (``"L"``/``"R"``), ``ic_s`` and ``to_s``
        (initial contact and toe-off, s).
    period_s_
        Stride period found per side, s (a side without a regular rhythm is absent).
    floor_slope_
        Slope dy/dx of the floor line fitted in a side view (0 when not fitted).
    warnings_
        Problems found (a foot without rhythm, doubtful short contacts).
    """

    NEEDS = tuple(f"{s}_{p}" for s in "LR" for p in ("hip", "knee", "ankle", "heel", "toe"))
    """Keypoints the detection reads."""

    def __init__(self, landing_leg: float | None = None, clearance_leg: float | None = None,
                 slowing: float | None = None, max_gap_s: float = 0.1,
                 min_contact_s: float | None = None) -> None:
        self.landing_leg = (threshold("video.events.landing_leg")
                            if landing_leg is None else landing_leg)
        self.clearance_leg = (threshold("video.events.clearance_leg")
                              if clearance_leg is None else clearance_leg)
        self.slowing = threshold("video.events.landing_slowing") if slowing is None else slowing
        self.max_gap_s = max_gap_s
        self.min_contact_s = (threshold("gait.forceplate.min_contact")
                              if min_contact_s is None else min_contact_s)

    def _leg_length(self, rec: Recording) -> float:
        legs = [np.linalg.norm(rec.points[f"{s}_hip"] - rec.points[f"{s}_knee"], axis=1)
                + np.linalg.norm(rec.points[f"{s}_knee"] - rec.points[f"{s}_ankle"], axis=1)
                for s in "LR"]
        legs = np.concatenate(legs)
        return float(np.nanpercentile(legs, 90))

    def detect(self, rec: Recording) -> Self:
        """Find the contacts in ``rec``.

        Parameters
        ----------
        rec
            Keypoints in the engine frame (from :mod:`stridelab.pose.to_recording`), with the
            hip, knee, ankle, heel and toe keypoints of both sides.

        Returns
        -------
        Self
            This detector, with ``contacts_``, ``period_s_``, ``floor_slope_`` and
            ``warnings_`` set.

        Raises
        ------
        InputFileError
            When ``rec`` is not in the engine frame, lacks a keypoint, its vertical axis looks
            wrong, or no foot shows a regular running rhythm.
        """
        check_recording(rec, landmarks=("pelvis",), points=self.NEEDS)
        leg = self._leg_length(rec)
        level = (self.landing_leg * leg, self.clearance_leg * leg, self.slowing)
        side_view = rec.axes.get("view", "side") == "side"
        pelvis = rec.landmark("pelvis")
        self.floor_slope_ = 0.0
        rows = self._pass(rec, level, side_view, pelvis, slope=0.0)
        if side_view and len(rows) >= 4:
            self.floor_slope_ = self._floor_slope(rec, rows)
            rows = self._pass(rec, level, side_view, pelvis, slope=self.floor_slope_)
        if not self.period_s_:
            raise InputFileError(rec.path, "no regular running rhythm in the keypoints: is "
                                 "a runner in view for at least two strides?")
        self.contacts_ = (pd.DataFrame(rows, columns=["side", "ic_s", "to_s"])
                          .sort_values("ic_s", ignore_index=True))
        return self

    def _foot(self, rec: Recording, side: str, slope: float) -> tuple[np.ndarray, np.ndarray]:
        """Forward position and height above a floor of the given slope, of the lowest point."""
        fs = rec.fs
        pts = [rec.points[f"{side}_{p}"] for p in ("heel", "toe")]
        x = [fill_gaps(p[:, 0], fs, self.max_gap_s) for p in pts]
        y = [fill_gaps(p[:, 1], fs, self.max_gap_s) - slope * xi for p, xi in zip(pts, x,
                                                                                 strict=True)]
        low = np.where(y[0] <= y[1], 0, 1)
        return np.where(low == 0, x[0], x[1]), np.fmin(y[0], y[1])

    def _floor_slope(self, rec: Recording, rows: list[dict]) -> float:
        """Slope dy/dx of the floor line through the contact positions (trimmed least squares)."""
        xs, ys = [], []
        for side in "LR":
            x, y = self._foot(rec, side, 0.0)
            for r in rows:
                if r["side"] == side:
                    idx = np.arange(int(np.ceil(r["ic_s"] * rec.fs)),
                                    int(np.floor(r["to_s"] * rec.fs)) + 1)
                    idx = idx[(idx >= 0) & (idx < len(x))]
                    # each side has its own floor offset (depth), so centre per contact
                    xs.append(x[idx] - np.nanmean(x[idx]))
                    ys.append(y[idx] - np.nanmean(y[idx]))
        x, y = np.concatenate(xs), np.concatenate(ys)
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        if len(x) < 10 or np.ptp(x) <= 0:
            return 0.0
        slope = 0.0
        keep = np.ones(len(x), bool)
        for _ in range(3):
            slope = float(np.sum(x[keep] * y[keep]) / np.sum(x[keep] ** 2))
            resid = np.abs(y - slope * x)
            keep = resid <= np.percentile(resid, 80)
        return slope

    def _pass(self, rec: Recording, level: tuple[float, float, float], side_view: bool,
              pelvis: np.ndarray, slope: float) -> list[dict]:
        fs = rec.fs
        rows, self.period_s_, self.warnings_ = [], {}, []
        min_contact, short = self.min_contact_s, 0
        heights = {side: self._foot(rec, side, slope)[1] for side in "LR"}
        if not side_view or rec.axes.get("setting") == "overground":
            heights = floor_detrended(heights, fs)
        for side in "LR":
            heel = rec.points[f"{side}_heel"]
            height = heights[side]
            other = heights["R" if side == "L" else "L"]
            # rear view: this foot's height over the other's (the floor's drift cancels)
            cut = (fill_gaps(heel[:, 0] - pelvis[:, 0], fs, self.max_gap_s) if side_view
                   else height - other)
            period = stride_period(cut, fs)
            if period is None:
                self.warnings_.append(f"{rec.path.name}: no regular stride rhythm for the "
                                      f"{'left' if side == 'L' else 'right'} foot")
                continue
            self.period_s_[side] = period
            filled = np.where(np.isfinite(cut), cut, np.nanmin(cut))
            span = np.nanpercentile(cut, 95) - np.nanpercentile(cut, 5)
            peaks, _ = find_peaks(filled, distance=max(1, int(0.6 * period * fs)),
                                  prominence=0.3 * span)
            # side view: start 0.3 stride before the forward peak (about the swing apex, foot
            # high) so that a landing right at the peak is not cut off
            shift = int(round(0.3 * period * fs)) if side_view else 0
            for a, b in zip(peaks[:-1], peaks[1:], strict=True):
                found = stance_in_window(height, fs, max(int(a) - shift, 0),
                                         int(b) + 1 - shift, level[0], level[1], level[2])
                if found is None:
                    continue
                # kept (the stride stays whole) but flagged: no running contact is this short
                short += found[1] - found[0] < min_contact
                rows.append({"side": side, "ic_s": found[0], "to_s": found[1]})
        if short:
            self.warnings_.append(f"{rec.path.name}: {short} contacts shorter than "
                                  f"{1000 * min_contact:.0f} ms: keypoint glitches there, their "
                                  "contact times are doubtful")
        return rows
