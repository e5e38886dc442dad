"""Wearable sensors (IMU) through the same analysis as video and motion capture.

Reading (:func:`stridelab.io.imu_csv.read_imu`: layouts, units, alignment to the body frame),
contacts (:class:`stridelab.gait.imu_auto.ImuAutoEventDetection`: feet, shanks or lower
back), the per-stance table with the phases a sensor can bound, the pronation proxy of a
foot gyroscope, and the same summary, findings and report. What a sensor position cannot
give is listed under the summary's ``unavailable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stridelab.io.imu import ImuRecording
from stridelab.io.markerset import MarkerSet
from stridelab.io.recording import Recording

IMU_SUFFIXES = (".csv",)
"""Files read as wearable-sensor recordings by :func:`stridelab.analyze`."""

IMU_MARKERSET = MarkerSet(name="imu", title="wearable sensors (IMU)", landmarks={})
"""The stand-in marker set of a sensor recording: no landmark, so nothing positional."""

NO_SIDES = ("the sensor cannot tell the left foot from the right (no mediolateral signal): "
            "left/right values and their symmetry are not given")


class ImuReader:
    """IMU CSV file(s) into an :class:`~stridelab.io.imu.ImuRecording` in the body frame.

    Parameters
    ----------
    layout
        A layout name (``gaitmap``, ``phyphox``, ``shimmer``, ``generic``) or a layout TOML
        file; ``None``: detected from the header.
    positions
        The file's sensor names (or file stems) to body positions, e.g.
        ``{"left_sensor": "left_foot"}``; ``None``: the layout's defaults.
    fs
        Sampling rate (Hz) of files without a time column; ``None``: the layout's.

    Attributes
    ----------
    recording_
        The recording, aligned to the body frame.
    """

    def __init__(self, layout: str | None = None,
                 positions: dict[str, str] | None = None, fs: float | None = None) -> None:
        self.layout = layout
        self.positions = positions
        self.fs = fs

    def read(self, source: str | Path | Sequence[str | Path] | ImuRecording) -> ImuReader:
        """Read ``source`` (paths, or a recording to align when in the sensor frame)."""
        from stridelab.io.imu_csv import check_duration, read_imu

        if isinstance(source, ImuRecording):
            check_duration(source)
            if any(s.frame != "body" for s in source.sensors.values()):
                from stridelab.io.imu_align import align_to_body

                source = align_to_body(source)
            self.recording_ = source
            return self

        self.recording_ = read_imu(source, layout=self.layout, positions=self.positions,
                                   fs=self.fs)
        return self


def is_imu_input(source: Any) -> bool:
    """Whether ``source`` is a sensor recording: an ImuRecording, or CSV file(s)."""
    if isinstance(source, ImuRecording):
        return True
    paths = list(source) if isinstance(source, list | tuple) else [source]
    return bool(paths) and all(isinstance(p, str | Path) and Path(p).suffix.lower()
                               in IMU_SUFFIXES for p in paths)


def stand_in_recording(rec: ImuRecording) -> Recording:
    """A landmark-free :class:`Recording` with the sensors' rate, length and file.

    The phase segmentation and the summary read a recording's rate, duration and axes; with
    ``view == "imu"`` no forward position is known, so the phases bounded by positions
    (mid-stance to take-off, the swing's) are left out instead of guessed.
    """
    return Recording(points={"_": np.full((rec.n_samples, 3), np.nan)}, fs=rec.fs,
                     path=rec.path, markerset=IMU_MARKERSET, frame="engine",
                     axes={"view": "imu"}, warnings=[])


def unknown_sides(contacts: pd.DataFrame) -> bool:
    """Whether the detector could not tell the feet apart (every side ``"?"``)."""
    return len(contacts) > 0 and bool((contacts.side == "?").all())


def label_alternating(contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts of unknown side labelled L, R, L... in time order (steps alternate).

    Only the step-to-step structure is used from the labels: the per-side values are then
    removed from the summary (:func:`drop_sides`) and the sides set back to ``"?"`` in the
    strides table, since which foot is which is unknown.
    """
    out = contacts.sort_values("ic_s").reset_index(drop=True).copy()
    out["side"] = ["L" if i % 2 == 0 else "R" for i in range(len(out))]
    return out


def drop_sides(summary: Any) -> None:
    """Remove every left/right value and symmetry index from ``summary`` (in place)."""
    for block in (summary.metrics, summary.phases):
        for m in block.values():
            m.L = m.R = None
    summary.symmetry_index_pct = {k: None for k in summary.symmetry_index_pct}
    summary.n_contacts = {"L": None, "R": None}
    summary.unavailable["left_right"] = NO_SIDES


def imu_measures(strides: pd.DataFrame, rec: ImuRecording) -> pd.DataFrame:
    """Per-stance measures a sensor gives: the pronation proxy of a foot gyroscope.

    Returns an empty table (same index as ``strides``) without foot gyroscopes.
    """
    measures = pd.DataFrame(index=strides.index)
    feet = [p for p in ("left_foot", "right_foot")
            if p in rec.sensors and rec.sensors[p].gyr is not None]
    if not feet or strides.empty:
        return measures
    from stridelab.kinematics.imu_pronation import PronationProxy

    proxy = PronationProxy().calculate(strides, rec)
    for column in proxy.measures_.columns:
        measures[column] = proxy.measures_[column].reindex(strides.index)
    return measures
