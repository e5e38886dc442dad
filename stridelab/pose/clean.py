"""Clean 2D keypoints: confidence gate, L/R swaps, outliers, short gaps, zero-lag low-pass.

Each step is a small algorithm object (parameters in ``__init__``, one action method returning
``self``, results in ``*_`` attributes) with its defaults in the ``pose.clean.*`` rows of the
threshold table. :func:`clean_keypoints` runs them in order and records what each did in the
returned :class:`~stridelab.pose.keypoints.Keypoints`' ``warnings``:

1. :class:`ConfidenceGate`: points below ``min_confidence`` become missing;
2. :class:`~stridelab.pose.swap.LeftRightSwapFixer`: relabel legs the detector swapped;
3. :class:`HampelOutliers`: isolated jumps (a point grabbing the other leg or the background for
   a frame or two) become missing;
4. :class:`GapFiller`: gaps up to ``max_gap_s`` filled by a cubic spline, longer ones kept and
   reported;
5. zero-lag 4th-order Butterworth low-pass (:func:`stridelab.signal.lowpass`).
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from stridelab.pose.keypoints import Keypoints
from stridelab.pose.swap import LeftRightSwapFixer, leg_length_px
from stridelab.signal import fill_gaps, lowpass, true_runs
from stridelab.thresholds import threshold

MAD_TO_SD = 1.4826
"""Consistency factor of the median absolute deviation for Gaussian noise."""


def _missing(xy: np.ndarray) -> np.ndarray:
    return ~np.isfinite(xy).all(axis=-1)


class ConfidenceGate:
    """Treat low-confidence points as missing.

    Parameters
    ----------
    min_confidence
        Points whose confidence is below this become NaN with confidence 0
        (``pose.clean.min_confidence``).

    Attributes
    ----------
    keypoints_
        The gated keypoints.
    gated_share_
        Share of the points present before gating that were removed.
    """

    def __init__(self, min_confidence: float | None = None) -> None:
        self.min_confidence = (threshold("pose.clean.min_confidence") if min_confidence is None
                               else min_confidence)

    def apply(self, kp: Keypoints) -> ConfidenceGate:
        """Gate ``kp``."""
        present = ~_missing(kp.xy)
        low = present & (np.nan_to_num(kp.conf) < self.min_confidence)
        xy, conf = kp.xy.copy(), kp.conf.copy()
        xy[low] = np.nan
        conf[low | ~present] = 0.0
        self.gated_share_ = float(low.sum() / max(present.sum(), 1))
        self.keypoints_ = kp.with_data(xy, conf)
        return self


def _hampel_flags(x: np.ndarray, half: int, n_sigma: float, floor: float) -> np.ndarray:
    """Outlier mask of one coordinate ``(n,)``; see :class:`HampelOutliers`."""
    padded = np.pad(x, half, constant_values=np.nan)
    win = sliding_window_view(padded, 2 * half + 1)  # (n, 2 half + 1)
    before, after = win[:, :half][:, ::-1], win[:, half + 1:]  # j = 1..half frames away
    # the point must have data on both sides (clip ends and gap edges are not judged)
    enough = (np.isfinite(before) & np.isfinite(after)).sum(axis=1) >= max(1, half - 1)
    offsets = np.arange(-half, half + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
        # robust line through the window: median symmetric slope, then median level
        slope = np.nanmedian((after - before) / (2.0 * offsets[half + 1:]), axis=1)
        detrended = win - slope[:, None] * offsets
        resid = detrended - np.nanmedian(detrended, axis=1)[:, None]
        spread = MAD_TO_SD * np.nanmedian(
            np.abs(resid - np.nanmedian(resid, axis=1)[:, None]), axis=1)
        dev = np.abs(x - np.nanmedian(win, axis=1))
    stat = np.minimum(np.abs(resid[:, half]), dev)
    return enough & np.isfinite(stat) & (stat > np.maximum(n_sigma * spread, floor))


class HampelOutliers:
    """Hampel filter on each coordinate, around the window's robust trend line.

    The classic Hampel identifier (Hampel 1974, JASA 69:383; Pearson et al. 2016, EURASIP J
    Adv Signal Process 2016:87) compares a value with its window's median, scaled by the
    window's MAD; on a point moving fast across the image that MAD is mostly motion, so outliers
    hide. Here the window of ``+/- window_s`` is first detrended by a robust line (median of the
    symmetric slopes ``(x[t+j] - x[t-j]) / 2j``, median level) and the MAD is taken of what is
    left. A value is an outlier when both its distance from that line and its distance from the
    window median exceed ``n_sigma`` robust SDs (``1.4826 MAD``) and ``min_leg`` leg lengths (a
    kink, where a foot lands, leaves the line but sits at its window's median; a spike does
    both). The whole point (x and y) is then made missing. Values without data on both sides
    (clip ends, gap edges) are not judged.

    Parameters
    ----------
    window_s
        Half-width of the window, s (``pose.clean.hampel_window_s``).
    n_sigma
        Threshold in robust SDs (``pose.clean.hampel_n_sigma``).
    min_leg
        Smallest deviation called an outlier, share of the hip-ankle length
        (``pose.clean.outlier_min_leg``).

    Attributes
    ----------
    keypoints_
        Keypoints with the outliers removed.
    outliers_
        ``(n_frames, n_points)`` mask of the removed points.
    """

    def __init__(self, window_s: float | None = None, n_sigma: float | None = None,
                 min_leg: float | None = None) -> None:
        self.window_s = threshold("pose.clean.hampel_window_s") if window_s is None else window_s
        self.n_sigma = threshold("pose.clean.hampel_n_sigma") if n_sigma is None else n_sigma
        self.min_leg = threshold("pose.clean.outlier_min_leg") if min_leg is None else min_leg

    def apply(self, kp: Keypoints) -> HampelOutliers:
        """Remove the outliers of ``kp``."""
        half = max(1, int(round(self.window_s * kp.fps)))
        leg = leg_length_px(kp)
        floor = self.min_leg * leg if np.isfinite(leg) else 0.0
        n, k, _ = kp.xy.shape
        cols = kp.xy.reshape(n, k * 2)
        flag = np.column_stack([_hampel_flags(cols[:, j], half, self.n_sigma, floor)
                                for j in range(k * 2)])
        self.outliers_ = flag.reshape(n, k, 2).any(axis=2)
        xy, conf = kp.xy.copy(), kp.conf.copy()
        xy[self.outliers_] = np.nan
        conf[self.outliers_] = 0.0
        self.keypoints_ = kp.with_data(xy, conf)
        return self


class GapFiller:
    """Fill short gaps of each point by a cubic spline; leave longer gaps missing.

    Parameters
    ----------
    max_gap_s
        Longest gap filled, s (``pose.clean.max_gap_s``). Gaps at the start or end of the clip
        are never filled.

    Attributes
    ----------
    keypoints_
        Keypoints with the short gaps filled; a filled point's confidence is the lower of the
        confidences just before and after its gap.
    n_filled_
        Number of gaps filled (over all points).
    long_gaps_
        ``(point name, start_s, end_s)`` of every interior gap left missing.
    """

    def __init__(self, max_gap_s: float | None = None) -> None:
        self.max_gap_s = threshold("pose.clean.max_gap_s") if max_gap_s is None else max_gap_s

    def apply(self, kp: Keypoints) -> GapFiller:
        """Fill the gaps of ``kp``."""
        n, k, _ = kp.xy.shape
        xy = fill_gaps(kp.xy.reshape(n, k * 2), kp.fps, self.max_gap_s).reshape(n, k, 2)
        conf = kp.conf.copy()
        before = _missing(kp.xy)
        after = _missing(xy)
        self.n_filled_ = 0
        self.long_gaps_: list[tuple[str, float, float]] = []
        for j, name in enumerate(kp.names):
            for s, e in true_runs(before[:, j]):
                if s == 0 or e == n:
                    continue
                if not after[s:e, j].any():
                    self.n_filled_ += 1
                    conf[s:e, j] = min(kp.conf[s - 1, j], kp.conf[e, j])
                else:
                    self.long_gaps_.append((name, s / kp.fps, (e - 1) / kp.fps))
        self.keypoints_ = kp.with_data(xy, conf)
        return self


def lowpass_keypoints(kp: Keypoints, cutoff_hz: float) -> Keypoints:
    """Zero-lag 4th-order Butterworth low-pass of every coordinate (NaN runs left as they are).

    Parameters
    ----------
    kp
        Keypoints.
    cutoff_hz
        Cut-off frequency, Hz (see :func:`stridelab.signal.lowpass`; Winter 2009,
        Biomechanics and Motor Control of Human Movement, ch. 2).
    """
    n, k, _ = kp.xy.shape
    cols = kp.xy.reshape(n, k * 2)
    out = np.column_stack([lowpass(cols[:, j], kp.fps, cutoff_hz) for j in range(k * 2)])
    return kp.with_data(out.reshape(n, k, 2))


class KeypointCleaner:
    """The whole cleaning pipeline; each parameter ``None`` takes its threshold-table default.

    Parameters
    ----------
    min_confidence
        See :class:`ConfidenceGate`.
    swap_penalty
        See :class:`~stridelab.pose.swap.LeftRightSwapFixer`; ``fix_swaps=False`` skips it.
    hampel_window_s, hampel_n_sigma, outlier_min_leg
        See :class:`HampelOutliers`; ``reject_outliers=False`` skips it.
    max_gap_s
        See :class:`GapFiller`.
    lowpass_hz
        Low-pass cut-off, capped at ``pose.clean.lowpass_max_fps_share`` of the frame rate;
        ``0`` skips the filter.
    fix_swaps, reject_outliers
        Switch those steps off.

    Attributes
    ----------
    keypoints_
        The cleaned keypoints (its ``warnings`` list what was done).
    report_
        The figures behind those warnings: ``gated_share``, ``swaps``, ``swapped_frames``,
        ``outliers``, ``gaps_filled``, ``long_gaps`` (list of ``(name, start_s, end_s)``),
        ``lowpass_hz``.
    unfiltered_
        The keypoints cleaned but not low-passed (event detection smooths them less).
    """

    def __init__(self, min_confidence: float | None = None, swap_penalty: float | None = None,
                 hampel_window_s: float | None = None, hampel_n_sigma: float | None = None,
                 outlier_min_leg: float | None = None, max_gap_s: float | None = None,
                 lowpass_hz: float | None = None, fix_swaps: bool = True,
                 reject_outliers: bool = True) -> None:
        self.min_confidence = min_confidence
        self.swap_penalty = swap_penalty
        self.hampel_window_s = hampel_window_s
        self.hampel_n_sigma = hampel_n_sigma
        self.outlier_min_leg = outlier_min_leg
        self.max_gap_s = max_gap_s
        self.lowpass_hz = lowpass_hz
        self.fix_swaps = fix_swaps
        self.reject_outliers = reject_outliers

    def clean(self, kp: Keypoints) -> KeypointCleaner:
        """Clean ``kp``."""
        report: dict = {}
        gate = ConfidenceGate(self.min_confidence).apply(kp)
        out = gate.keypoints_
        report["gated_share"] = gate.gated_share_
        notes = [f"{100 * gate.gated_share_:.1f} % of points below confidence "
                 f"{gate.min_confidence:g} removed"]
        report["swaps"] = report["swapped_frames"] = 0
        if self.fix_swaps:
            fixer = LeftRightSwapFixer(self.swap_penalty).fix(out)
            out = fixer.keypoints_
            report["swaps"], report["swapped_frames"] = fixer.n_swaps_, fixer.n_swapped_frames_
            notes.append(f"{fixer.n_swaps_} left/right swaps fixed "
                         f"({fixer.n_swapped_frames_} frames)")
        report["outliers"] = 0
        if self.reject_outliers:
            hampel = HampelOutliers(self.hampel_window_s, self.hampel_n_sigma,
                                    self.outlier_min_leg).apply(out)
            out = hampel.keypoints_
            report["outliers"] = int(hampel.outliers_.sum())
            notes.append(f"{report['outliers']} outlying points removed")
        filler = GapFiller(self.max_gap_s).apply(out)
        out = filler.keypoints_
        report["gaps_filled"], report["long_gaps"] = filler.n_filled_, filler.long_gaps_
        notes.append(f"{filler.n_filled_} gaps up to {filler.max_gap_s:g} s filled")
        if filler.long_gaps_:
            frames = sum(round((e - s) * kp.fps) + 1 for _, s, e in filler.long_gaps_)
            notes.append(f"{len(filler.long_gaps_)} longer gaps left missing "
                         f"({frames} point-frames)")
        cutoff = threshold("pose.clean.lowpass_hz") if self.lowpass_hz is None else self.lowpass_hz
        cutoff = min(cutoff, threshold("pose.clean.lowpass_max_fps_share") * kp.fps)
        report["lowpass_hz"] = cutoff
        self.unfiltered_ = out
        if cutoff > 0:
            out = lowpass_keypoints(out, cutoff)
            notes.append(f"low-pass {cutoff:.3g} Hz (zero-lag Butterworth, 4th order)")
        out.warnings.append("cleaning: " + "; ".join(notes))
        self.report_ = report
        self.keypoints_ = out
        return self


def clean_keypoints(kp: Keypoints, **params: object) -> Keypoints:
    """Clean keypoints with :class:`KeypointCleaner` (``params`` are its parameters).

    Returns
    -------
    Keypoints
        A new object; ``warnings`` gains one line saying what the cleaning did.
    """
    return KeypointCleaner(**params).clean(kp).keypoints_
