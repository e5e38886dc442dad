"""Signal helpers at the bottom layer (pose cleaning, event detectors): gaps, filters, crossings."""

from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.signal import butter, filtfilt, find_peaks


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of True in a 1-D mask (``end`` exclusive)."""
    edges = np.diff(np.r_[0, np.asarray(mask).astype(np.int8), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def fill_gaps(x: np.ndarray, fs: float, max_gap_s: float, kind: str = "cubic") -> np.ndarray:
    """Fill gaps (NaN runs) up to ``max_gap_s`` long with a cubic spline (or a line), per column.

    Longer gaps and gaps at either end stay NaN, so no event is ever invented in them.

    Parameters
    ----------
    x
        ``(n,)`` or ``(n, k)`` samples.
    fs
        Sampling rate, Hz.
    max_gap_s
        Longest gap filled, s.
    kind
        ``"cubic"`` (spline through all samples) or ``"linear"`` (straight between the gap's
        neighbours).
    """
    out = np.array(x, dtype=float, copy=True)
    cols = out.reshape(len(out), -1)
    t = np.arange(len(out))
    for j in range(cols.shape[1]):
        col = cols[:, j]
        ok = np.isfinite(col)
        if ok.all() or ok.sum() < (4 if kind == "cubic" else 2):
            continue
        if kind == "cubic":
            fill = CubicSpline(t[ok], col[ok])
        else:
            def fill(ts, tk=t[ok], yk=col[ok]):
                return np.interp(ts, tk, yk)
        for start, end in true_runs(~ok):
            if start > 0 and end < len(col) and (end - start) / fs <= max_gap_s:
                col[start:end] = fill(t[start:end])
    return out


def lowpass(x: np.ndarray, fs: float, cutoff_hz: float) -> np.ndarray:
    """Zero-lag 4th-order Butterworth low-pass (2nd order run forwards and backwards).

    NaN runs are left NaN; each finite stretch longer than the filter's padding is filtered.
    """
    if cutoff_hz >= 0.5 * fs:
        return np.asarray(x, dtype=float)
    b, a = butter(2, cutoff_hz / (0.5 * fs))
    x = np.asarray(x, dtype=float)
    out = x.copy()
    ok = np.isfinite(x)
    edges = np.diff(np.r_[0, ok.astype(np.int8), 0])
    for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if e - s > 3 * max(len(a), len(b)):
            out[s:e] = filtfilt(b, a, x[s:e])
    return out


def threshold_crossings(signal: np.ndarray, fs: float, level: float, min_on: float,
                        min_off: float) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times (s) of the intervals where ``signal`` exceeds ``level``.

    Gaps shorter than ``min_off`` seconds are bridged, then intervals shorter than ``min_on``
    seconds are dropped. Crossing times are linearly interpolated between samples. Intervals
    cut by the start or end of the signal, or by missing samples, are dropped.
    """
    sig = np.asarray(signal, dtype=float)
    above = np.nan_to_num(sig, nan=-np.inf) > level
    edges = np.diff(above.astype(np.int8))
    starts = np.flatnonzero(edges == 1) + 1
    ends = np.flatnonzero(edges == -1) + 1
    if len(ends) and (not len(starts) or ends[0] < starts[0]):
        ends = ends[1:]
    starts = starts[: len(ends)]
    keep_s: list[int] = []
    keep_e: list[int] = []
    for s, e in zip(starts, ends, strict=True):
        if keep_e and (s - keep_e[-1]) / fs < min_off:
            keep_e[-1] = e
        else:
            keep_s.append(s)
            keep_e.append(e)
    s_arr, e_arr = np.array(keep_s, dtype=int), np.array(keep_e, dtype=int)
    ok = (e_arr - s_arr) / fs >= min_on
    # an interval next to missing data may be truncated: drop it
    before, after = np.maximum(s_arr - 1, 0), np.minimum(e_arr, len(sig) - 1)
    ok &= np.isfinite(sig[before]) & np.isfinite(sig[after])
    s_arr, e_arr = s_arr[ok], e_arr[ok]

    def _interp(idx: np.ndarray) -> np.ndarray:
        a, b = sig[idx - 1], sig[idx]
        step = np.where(b != a, b - a, 1.0)
        frac = np.where(b != a, (level - a) / step, 0.0)
        return (idx - 1 + np.clip(frac, 0.0, 1.0)) / fs

    return _interp(s_arr), _interp(e_arr)


SLOWEST_STRIDE_S = 12.0
"""Longest stride period looked for, s: running strides last 0.6-0.8 s and walking ones ~1.1 s,
but slow motion read at its playback rate stretches them by the unknown slow-down (up to 16
times), and the slow-motion check after the events must see that rhythm to name it."""


def stride_period(signal: np.ndarray, fs: float, min_s: float = 0.4,
                  max_s: float = 2.0) -> float | None:
    """Dominant period (s) of a periodic signal, or ``None`` when it has no clear rhythm.

    The correlation of the signal with itself shifted by each lag (Pearson, over the overlap,
    so short clips are not penalised at long lags) up to half the signal (a period is seen
    only over two cycles); the first local peak reaching 3/4 of the highest (and above 0.2)
    is the period, so that a multiple of it is not taken.
    """
    x = signal[np.isfinite(signal)]
    lo = max(1, int(min_s * fs))
    hi = min(int(max_s * fs), len(x) // 2)  # a period shows only over two cycles
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
