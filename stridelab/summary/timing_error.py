"""The measured error of contact, flight and step times from video, by frame rate and view.

``stridelab/data/video_timing_error.csv`` is written by ``benchmarks/measure_timing_error.py``:
real running motion with its force plate (RBDS001), filmed by virtual cameras at 30-240 fps
with 2 px of noise; for each leg, the analysed mean against the plate's mean. Its root mean
square over legs and seeds is the error a video summary states for each timing metric
(:attr:`MetricStats.error`), and the assessment widens its bands' margins by it: a value within
that error of a band's edge could belong to the neighbouring band.

Views: ``side`` (the leg near the camera), ``side_far`` (the far leg of a side view) and
``rear`` (both legs from behind). A single side clip's means mix its near and far leg; a
session takes each leg from its near-leg clip (:mod:`stridelab.summary.session`).
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from stridelab.summary.model import Summary

TIMED = ("contact_time_ms", "flight_time_ms", "step_time_ms")
"""The metrics the table gives an error for (duty factor follows from contact time)."""


@lru_cache(maxsize=1)
def load_table() -> pd.DataFrame:
    """The table (``fps``, ``view``, ``metric``, ``rms_error_ms``, ``max_error_ms``, ...)."""
    with resources.files("stridelab.data").joinpath("video_timing_error.csv").open() as f:
        return pd.read_csv(f)


def timing_error_ms(metric: str, fps: float, view: str) -> float | None:
    """The measured error of ``metric``'s mean at ``fps`` from ``view``.

    Linear in the logarithm of the frame rate between the table's rates; above the highest,
    the highest's; below the lowest, ``None`` (not validated).

    Parameters
    ----------
    metric
        ``contact_time_ms``, ``flight_time_ms`` or ``step_time_ms``.
    fps
        The clip's frame rate (its capture rate for slow motion).
    view
        ``"side"`` (near leg), ``"side_far"`` or ``"rear"``.
    """
    rows = load_table()
    rows = rows[(rows.metric == metric) & (rows.view == view)].sort_values("fps")
    if rows.empty or not math.isfinite(fps) or fps < rows.fps.iloc[0]:
        return None
    value = np.interp(math.log(fps), np.log(rows.fps.to_numpy(float)),
                      rows.rms_error_ms.to_numpy(float))
    return round(float(value), 1)


def _combined(metric: str, fps: float, views: tuple[str, ...]) -> float | None:
    """The root mean square of the errors of several views (legs) averaged into one mean."""
    errors = [timing_error_ms(metric, fps, v) for v in views]
    if any(e is None for e in errors):
        return None
    return round(math.sqrt(sum(e * e for e in errors) / len(errors)), 1)


def set_timing_errors(summary: Summary, fps: float | None, views: tuple[str, ...],
                      metrics: tuple[str, ...] = TIMED) -> Summary:
    """Give each timing metric of ``summary`` its measured error (in place; returns it).

    Parameters
    ----------
    summary
        A video or keypoint summary.
    fps
        The frame rate its events were found at.
    views
        The views its legs' values come from: ``("side", "side_far")`` for one side clip,
        ``("side",)`` for a session's pair of side clips, ``("rear",)`` for a rear clip.
    metrics
        The metrics to set (of :data:`TIMED`; duty factor follows contact time).
    """
    if fps is None:
        return summary
    for metric in metrics:
        m = summary.metrics.get(metric)
        if m is not None:
            m.error = _combined(metric, fps, views)
    contact, duty = summary.metrics.get("contact_time_ms"), summary.metrics.get("duty_factor")
    stride = summary.metrics.get("stride_time_ms")
    if (duty is not None and "contact_time_ms" in metrics and contact is not None
            and contact.error and stride and stride.mean):
        duty.error = round(contact.error / stride.mean, 4)
    return summary


def clip_views(summary: Summary) -> tuple[str, ...]:
    """The views a single clip's means mix: near and far leg of a side view, or the rear."""
    return ("rear",) if summary.view == "rear" else ("side", "side_far")
