"""Initial contact and toe-off from video keypoints (one camera, noisy points).

Keypoints are far noisier than markers (Young 2023, Sensors 23:696: BlazePose step timing
errors of 10-14 ms), and a hand-held camera moves, so one floor level for the whole clip does
not hold. The method combines a horizontal and a vertical criterion, as Alvim et al. 2015
(J Appl Biomech 31:383) found most accurate and speed-independent for running:

1. Strides are cut by the foot's swing: side view, each forward peak of ``heel - pelvis``
   along the direction of travel (Zeni et al. 2008, Gait Posture 27:710: the foot is furthest
   forward just before it lands); rear view, each peak of the foot's height over the other
   foot's (mid-swing).
2. Within each stride each keypoint has its own floor: the height it has at its lowest there
   (the heel's when the foot is flat, the toe tip's at push-off), as the motion-capture
   detector does with its markers (Fellin et al. 2010's foot-height criterion, Alvim et al.
   2015). The foot has **landed** once its heel or its toe tip comes within ``landing_mm`` of
   its floor: the shoe's midsole and the heel pad are compressed after touchdown, so a
   keypoint on the shoe is still that far above its floor when the force starts (De Clercq et
   al. 1994, J Biomech 27:1213; measured against the force plate by
   :mod:`stridelab.sim.virtual_camera`). It has **left** once the toe tip, the point push-off
   pivots on, rises ``clearance_mm`` above its floor: the motion-capture detector's
   criterion. Both crossings use hysteresis (the signal must go well past the level before
   the crossing counts) and are interpolated between frames. The heights are the keypoints
   before the cleaning's smoothing, low-passed here at ``lowpass_hz`` (zero lag), which keeps
   the landing's corner sharp.
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
from stridelab.signal import SLOWEST_STRIDE_S, fill_gaps, lowpass, stride_period
from stridelab.thresholds import given_or_default, threshold

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only

MIN_FLOOR_SLOPE = 0.02
"""Smallest floor slope applied (about 1 degree of camera roll): on a level treadmill filmed
by a virtual camera (RBDS001) the fit returns up to 0.011 from the feet's own movement."""
NOISE_MARGIN = 4.0
"""The toe's rise must clear this many SDs of the height noise (``noise_mm_``)."""
STAY_UP_S = 0.05
"""A toe that has left stays up at least this long, s (swing lasts over 200 ms)."""
UNFILTERED = "@unfiltered"
"""Suffix of the keypoints before the cleaning's smoothing in a recording (the feet)."""


def floor_detrended(heights: dict[str, np.ndarray], fs: float,
                    window_s: float = 0.5) -> dict[str, np.ndarray]:
    """Foot heights above a floor level that may drift (rear view, runner moving in depth).

    Seen from behind, the floor rises in the image as the runner moves away. One foot is on the
    ground at almost every instant of running, so the lowest of the two feet in each short
    window (shorter than a stride, longer than a flight phase) is a floor point; the floor is
    interpolated between those points at the times they occur (no lag on a sloping floor).
    """
    both = np.fmin.reduce(list(heights.values()))
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


def _descent_crossing(above: np.ndarray, start: int, level: float) -> float:
    """Where a descent from ``2 level`` (sample ``start``) passes ``level``, in samples.

    A straight line fitted (least squares) to the descent's samples between ``2 level`` and
    ``level / 2`` gives the crossing: every sample of the descent counts, not only the two
    around it, which halves the noise of the timing at a low frame rate.
    """
    k = start + int(np.argmax(above[start:] <= level))
    stop = start + int(np.argmax(above[start:] <= 0.5 * level))
    idx = np.arange(start, max(stop, k) + 1)
    if len(idx) < 3:
        return _crossing(k - 1, above[k - 1], k, above[k], level)
    slope, icpt = np.polyfit(idx, above[idx], 1)
    if slope >= 0:
        return _crossing(k - 1, above[k - 1], k, above[k], level)
    return float(np.clip((level - icpt) / slope, start, k))


def _ascent_crossing(toe_up: np.ndarray, k: int, level: float, clearance: float) -> float:
    """Where the toe's rise from its last sample at ``level`` (sample ``k``) left ``clearance``.

    A straight line fitted to the rise's samples from ``level`` up to ``2 level`` is followed
    back down to ``clearance``: with noise the leaving level ``level`` sits above the clearance,
    and the first crossing of it comes later than the toe's leaving; the line brings it back
    (no earlier than the last sample at or below ``clearance``).
    """
    stop = k + 1 + int(np.argmax(toe_up[k + 1:] >= 2 * level)) if k + 1 < len(toe_up) else k
    idx = np.arange(k, max(stop, k + 1) + 1)
    idx = idx[idx < len(toe_up)]
    crossing = _crossing(k, toe_up[k], k + 1, toe_up[k + 1], level)
    if level <= clearance or len(idx) < 3:
        return crossing
    slope, icpt = np.polyfit(idx, toe_up[idx], 1)
    if slope <= 0:
        return crossing
    below = np.flatnonzero(toe_up[:k + 1] <= clearance)
    earliest = float(below[-1]) if len(below) else 0.0
    return float(np.clip((clearance - icpt) / slope, earliest, crossing))


def _floor(height: np.ndarray, noise: float) -> float:
    """A keypoint's floor in a stride: the median of its samples near its lowest.

    The lowest samples of a noisy flat stretch lie below the true level (the 5th percentile by
    up to 1.6 noise SDs); the median of those within two SDs above it is nearly unbiased.
    """
    low = np.percentile(height, 5)
    return float(np.median(height[height <= low + 2.0 * noise]))


def contact_in_window(heel: np.ndarray, toe: np.ndarray, fs: float, start: int, stop: int,
                      landing: float, clearance: float, noise: float = 0.0
                      ) -> tuple[float, float] | None:
    """IC and TO (s) of the one contact between samples ``start`` and ``stop``, or ``None``.

    Parameters
    ----------
    heel, toe
        Heights of the heel and toe-tip keypoints, m (smoothed, floor slope removed).
    fs
        Frame rate, Hz.
    start, stop
        The stride's window (one stance inside).
    landing
        Landed once the heel or the toe comes this close to its own floor, m.
    clearance
        Left once the toe rises this far above its floor, m.
    noise
        SD of the noise in the heights, m: the toe's rise must also clear
        :data:`NOISE_MARGIN` of it, and its leaving level is at least 1.5 times it.

    Notes
    -----
    Each keypoint's floor is the median of its samples within two noise SDs of its 5th
    percentile in the window (:func:`_floor`; a minimum would follow the noise down).
    Landing: the first time the lower of the two heights above their
    floors comes down to ``landing`` after it was last above ``2 landing`` (hysteresis), before
    the foot's lowest sample. Leaving: the last time the toe was at ``clearance`` before it
    first rises past ``3 clearance`` (and :data:`NOISE_MARGIN` noise SDs) and stays there for
    :data:`STAY_UP_S` after its lowest sample (a toe resting flat through stance lets noise
    cross the level now and then).
    """
    h, t = heel[start:stop], toe[start:stop]
    if len(h) < 5 or not (np.isfinite(h).all() and np.isfinite(t).all()):
        return None
    above = np.fmin(h - _floor(h, noise), t - _floor(t, noise))
    toe_up = t - _floor(t, noise)
    low = int(np.argmin(above))
    high = np.flatnonzero(above[:low] > 2 * landing)
    if not len(high):
        return None  # the foot did not come down inside the window: not a whole stance
    ic = _descent_crossing(above, int(high[-1]), landing)
    low_toe = int(np.argmin(toe_up))
    up = toe_up[low_toe:] > max(3 * clearance, NOISE_MARGIN * noise)
    stay = max(1, int(round(STAY_UP_S * fs)))  # a rise that lasts, not a noisy sample
    lasting = np.convolve(up, np.ones(stay), "valid") >= stay
    rise = np.flatnonzero(lasting)
    if not len(rise):
        return None  # the toe did not leave inside the window
    k = low_toe + int(rise[0])
    level = max(clearance, 1.5 * noise)  # noise humps on a flat toe are not a take-off
    k = int(np.flatnonzero(toe_up[:k] <= level)[-1])
    to = _ascent_crossing(toe_up, k, level, clearance)
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
    landing_mm
        The foot has landed once its heel or toe keypoint comes this close to its floor, mm
        (default: the table's ``video.events.landing_mm``).
    clearance_mm
        The foot has left once its toe keypoint rises this far above its floor, mm (default
        ``gait.kinematic.clearance_mm``, the motion-capture detector's).
    lowpass_hz
        Zero-lag low-pass of the foot heights, Hz, at most ``pose.clean.lowpass_max_fps_share``
        of the frame rate (default ``video.events.lowpass_hz``).
    max_gap_s
        Longest keypoint gap filled before detection, s.
    min_contact_s
        Contacts shorter than this are left out, with a warning in ``warnings_``, s (default
        ``gait.forceplate.min_contact``, 0.08 s, the shortest stance of sprinting): such a
        contact is a keypoint glitch at its landing, and its stride's values around it are
        left out as for a missed contact.

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (``"L"``/``"R"``), ``ic_s`` and ``to_s``
        (initial contact and toe-off, s).
    period_s_
        Stride period found per side, s (a side without a regular rhythm is absent).
    floor_slope_
        Slope dy/dx of the floor line fitted in a side view (0 when not fitted).
    noise_mm_
        SD of the noise left in each foot's smoothed heights, mm, by side (estimated from
        the data).
    warnings_
        Problems found (a foot without rhythm, doubtful short contacts).
    """

    NEEDS = tuple(f"{s}_{p}" for s in "LR" for p in ("hip", "knee", "ankle", "heel", "toe"))
    """Keypoints the detection reads."""

    SOURCE = "video keypoints (foot height within each stride)"
    """Where this detector's events come from, in words (the summary's ``source``)."""

    def __init__(self, landing_mm: float | None = None, clearance_mm: float | None = None,
                 lowpass_hz: float | None = None, max_gap_s: float = 0.1,
                 min_contact_s: float | None = None) -> None:
        self.landing_mm = given_or_default(landing_mm, "video.events.landing_mm")
        self.clearance_mm = given_or_default(clearance_mm, "gait.kinematic.clearance_mm")
        self.lowpass_hz = given_or_default(lowpass_hz, "video.events.lowpass_hz")
        self.max_gap_s = max_gap_s
        self.min_contact_s = given_or_default(min_contact_s, "gait.forceplate.min_contact")

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
        self.noise_mm_ = {side: 1000.0 * self._noise(rec, side) for side in "LR"}
        level = (self.landing_mm / 1000.0, self.clearance_mm / 1000.0)
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

    def _point(self, rec: Recording, name: str) -> np.ndarray:
        """A keypoint (unsmoothed when the recording has it), gaps filled, low-passed.

        The cut-off is :attr:`lowpass_hz`, at most ``pose.clean.lowpass_max_fps_share`` of
        the frame rate.
        """
        pts = rec.points.get(f"{name}{UNFILTERED}", rec.points[name])
        cutoff = min(self.lowpass_hz, threshold("pose.clean.lowpass_max_fps_share") * rec.fs)
        out = np.column_stack([fill_gaps(pts[:, i], rec.fs, self.max_gap_s) for i in (0, 1)])
        if cutoff > 0:
            out = np.column_stack([lowpass(out[:, i], rec.fs, cutoff) for i in (0, 1)])
        return out

    def _noise(self, rec: Recording, side: str) -> float:
        """SD of the noise left in one foot's smoothed heights, m.

        Third differences of white noise have variance ``20 sigma^2``, while those of the
        foot's smooth movement are small for most of the stride; their median absolute value
        (x 1.4826) over the foot's coordinates (before the cleaning's smoothing) estimates
        ``sigma`` robustly, and a low-pass at ``f_c`` keeps the share ``2 f_c / fs`` of the
        noise's power. Each foot has its own: in a side view the far one is noisier.
        """
        sds = []
        for name in (f"{side}_heel", f"{side}_toe"):
            xy = rec.points.get(f"{name}{UNFILTERED}", rec.points[name])
            for axis in (0, 1):
                d3 = np.diff(xy[np.isfinite(xy[:, axis]), axis], 3)
                if len(d3) > 10 and np.any(d3):  # one camera cannot see depth: all zero
                    sds.append(1.4826 * np.median(np.abs(d3)) / np.sqrt(20.0))
        cutoff = min(self.lowpass_hz, threshold("pose.clean.lowpass_max_fps_share") * rec.fs)
        share = min(1.0, 2.0 * cutoff / rec.fs) if cutoff > 0 else 1.0
        return float(np.median(sds) * np.sqrt(share)) if sds else 0.0

    def _feet(self, rec: Recording, slope: float) -> dict[str, np.ndarray]:
        """Heights of each heel and toe tip (``L_heel`` ...) above a sloping floor line, m."""
        out = {}
        for name in ("L_heel", "L_toe", "R_heel", "R_toe"):
            xy = self._point(rec, name)
            out[name] = xy[:, 1] - slope * xy[:, 0]
        return out

    def _floor_slope(self, rec: Recording, rows: list[dict]) -> float:
        """Slope dy/dx of the floor line under the feet in contact (trimmed least squares).

        A point counts while it is down: within ``landing_mm`` of its lowest height in that
        contact (the heel before it lifts, the toe at push-off), centred per contact and point
        (each has its own height on the shoe and its own depth). A slope under
        :data:`MIN_FLOOR_SLOPE` is within the fit's own error and is not applied.
        """
        xs, ys = [], []
        band = self.landing_mm / 1000.0
        points = {name: self._point(rec, name) for name in ("L_heel", "L_toe", "R_heel",
                                                            "R_toe")}
        for r in rows:
            idx = np.arange(int(np.ceil(r["ic_s"] * rec.fs)), int(np.floor(r["to_s"] * rec.fs)))
            for point in ("heel", "toe"):
                xy = points[f"{r['side']}_{point}"]
                i = idx[(idx >= 0) & (idx < len(xy))]
                i = i[xy[i, 1] <= np.nanmin(xy[i, 1]) + band]
                if len(i) < 3:
                    continue
                xs.append(xy[i, 0] - np.nanmean(xy[i, 0]))
                ys.append(xy[i, 1] - np.nanmean(xy[i, 1]))
        if not xs:
            return 0.0
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
        return slope if abs(slope) >= MIN_FLOOR_SLOPE else 0.0

    def _pass(self, rec: Recording, level: tuple[float, float], side_view: bool,
              pelvis: np.ndarray, slope: float) -> list[dict]:
        fs = rec.fs
        rows, self.period_s_, self.warnings_ = [], {}, []
        min_contact, short = self.min_contact_s, 0
        heights = self._feet(rec, slope)
        if not side_view or rec.axes.get("setting") == "overground":
            heights = floor_detrended(heights, fs)
        for side in "LR":
            heel = rec.points[f"{side}_heel"]
            other = "R" if side == "L" else "L"
            height = np.fmin(heights[f"{side}_heel"], heights[f"{side}_toe"])
            other = np.fmin(heights[f"{other}_heel"], heights[f"{other}_toe"])
            # rear view: this foot's height over the other's (the floor's drift cancels)
            cut = (fill_gaps(heel[:, 0] - pelvis[:, 0], fs, self.max_gap_s) if side_view
                   else height - other)
            # a slow-motion clip read at its playback rate strides several times too slowly,
            # and the slow-motion check after the events names it
            period = stride_period(cut, fs, max_s=SLOWEST_STRIDE_S)
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
                found = contact_in_window(heights[f"{side}_heel"], heights[f"{side}_toe"], fs,
                                          max(int(a) - shift, 0), int(b) + 1 - shift, *level,
                                          noise=self.noise_mm_[side] / 1000.0)
                if found is None:
                    continue
                if found[1] - found[0] < min_contact:  # no running contact is this short
                    short += 1
                    continue
                rows.append({"side": side, "ic_s": found[0], "to_s": found[1]})
        if short:
            self.warnings_.append(f"{rec.path.name}: {short} contact(s) shorter than "
                                  f"{1000 * min_contact:.0f} ms left out: no running contact is "
                                  "this short (keypoint glitches at the landing)")
        return rows
