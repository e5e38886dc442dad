"""The labelled time-series container every reader returns.

Modelled on pyomeca / kineticstoolkit: named channels with their time base and units instead
of bare arrays. Positions are always stored in metres, in the engine frame once
:func:`stridelab.io.frame.to_engine_frame` has run: x forward (direction of travel), y up,
z to the runner's right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.io.markerset import MarkerSet, load_markerset

UNIT_TO_M = {"mm": 1e-3, "cm": 1e-2, "m": 1.0}
"""Length units readers accept, as factors to metres."""


@dataclass
class ForcePlate:
    """Ground reaction force of one platform.

    Attributes
    ----------
    force
        ``(n, 3)`` force in newtons, in the same axes as the markers.
    fs
        Sampling rate in Hz.
    cop
        ``(n, 3)`` centre of pressure in metres, or ``None``.
    """

    force: np.ndarray
    fs: float
    cop: np.ndarray | None = None

    @property
    def time(self) -> np.ndarray:
        """Sample times in seconds."""
        return np.arange(len(self.force)) / self.fs


@dataclass
class Recording:
    """Marker (or keypoint) trajectories with their force plates and provenance.

    Attributes
    ----------
    points
        Trajectories by source name, each ``(n, 3)`` in metres; NaN where the marker is missing.
    fs
        Sampling rate in Hz.
    path
        The file the recording came from.
    markerset
        The mapping from source names to landmarks (see :mod:`stridelab.io.markerset`).
    plates
        Force platforms, possibly none.
    frame
        ``"lab"`` as read, ``"engine"`` after :func:`stridelab.io.frame.to_engine_frame`.
    axes
        How the lab axes were mapped to the engine frame (filled in by ``to_engine_frame``).
    warnings
        Doubtful data noticed while reading, for the summary.
    interpolated
        Per marker, an ``(n,)`` mask of the samples interpolated rather than measured (a
        faulty stretch of a marker cluster rebuilt from its neighbouring segment, see
        :mod:`stridelab.io.clusters`); markers without one were measured throughout. Events
        are not taken from interpolated samples.
    """

    points: dict[str, np.ndarray]
    fs: float
    path: Path
    markerset: MarkerSet
    plates: list[ForcePlate] = field(default_factory=list)
    frame: str = "lab"
    axes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    interpolated: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def from_dataframe(cls, df: pd.DataFrame, sampling_rate_hz: float,
                       markerset: str | Path | MarkerSet = "fukuchi", vertical: str | None = None,
                       forward: str | None = None, path: str | Path | None = None,
                       unit: str = "m") -> Recording:
        """A recording in the engine frame from a table of marker positions.

        Parameters
        ----------
        df
            One row per sample, three columns per marker: ``<marker>_x``, ``<marker>_y`` and
            ``<marker>_z`` (marker names as in the marker set, e.g. ``L.Heel.Bottom_x``), in
            any lab axes. Other columns (a time column, say) are ignored; NaN marks a missing
            sample.
        sampling_rate_hz
            Sampling rate of the rows, Hz.
        markerset
            A built-in marker-set name (``fukuchi``, ``ric_cluster``, ``plugin_gait``,
            ``keypoints``), a marker-set TOML file, or a
            :class:`~stridelab.io.markerset.MarkerSet`.
        vertical, forward
            The lab axes pointing up and in the direction of travel, such as ``"+z"`` or
            ``"-x"``; found from the data when ``None`` (see :mod:`stridelab.io.frame`).
        path
            Name for the data in messages and the summary (default ``<DataFrame>``).
        unit
            Length unit of the positions: ``"m"``, ``"cm"`` or ``"mm"``.

        Returns
        -------
        Recording
            Positions in metres, already rotated to the engine frame (x forward, y up,
            z right), with no force plates.

        Raises
        ------
        ValueError
            When ``sampling_rate_hz`` or ``unit`` is invalid, or an axis name is malformed.
        InputFileError
            When a marker lacks one of its x/y/z columns, a marker column is not numeric,
            the table has no rows, or none of the marker set's markers is present.
        """
        from stridelab.io.frame import to_engine_frame  # frame.py imports this module

        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
        fs = float(sampling_rate_hz)
        if not np.isfinite(fs) or fs <= 0:
            raise ValueError("sampling_rate_hz must be a positive number, got "
                             f"{sampling_rate_hz!r}")
        if unit not in UNIT_TO_M:
            raise ValueError(f"unit must be one of {', '.join(UNIT_TO_M)}, got {unit!r}")
        source = Path(path) if path is not None else Path("<DataFrame>")
        ms = markerset if isinstance(markerset, MarkerSet) else load_markerset(markerset)
        points = _points_from_columns(df, source, UNIT_TO_M[unit])
        if not set(points) & ms.markers():
            wanted = ", ".join(f"{m}_x" for m in sorted(ms.landmarks.get("pelvis", []))[:2])
            raise InputFileError(source, f"no column matches a marker of the marker set "
                                 f"{ms.name!r} (expected columns such as {wanted}, ...; found "
                                 f"markers {', '.join(sorted(points)[:6]) or 'none'})")
        rec = cls(points=points, fs=fs, path=source, markerset=ms)
        return to_engine_frame(rec, vertical=vertical, forward=forward)

    @property
    def n_frames(self) -> int:
        """Number of samples."""
        return len(next(iter(self.points.values())))

    @property
    def time(self) -> np.ndarray:
        """Sample times in seconds, starting at zero."""
        return np.arange(self.n_frames) / self.fs

    @property
    def duration(self) -> float:
        """Length of the recording in seconds."""
        return self.n_frames / self.fs

    def has(self, landmark: str) -> bool:
        """Whether the marker set defines ``landmark`` and all its markers were recorded."""
        names = self.markerset.landmarks.get(landmark, [])
        return bool(names) and all(n in self.points for n in names)

    def landmark(self, landmark: str) -> np.ndarray:
        """Trajectory of a landmark: the mean of the markers the marker set maps to it.

        Parameters
        ----------
        landmark
            Name such as ``"L_heel"`` or ``"pelvis"``.

        Returns
        -------
        numpy.ndarray
            ``(n, 3)`` positions in metres, NaN where any of its markers is missing.

        Raises
        ------
        KeyError
            When the marker set has no such landmark or its markers are absent.
        """
        if not self.has(landmark):
            raise KeyError(landmark)
        names = self.markerset.landmarks[landmark]
        return np.mean([self.points[n] for n in names], axis=0)


def _points_from_columns(df: pd.DataFrame, source: Path, scale: float) -> dict[str, np.ndarray]:
    """``(n, 3)`` arrays in metres from the ``<marker>_x/_y/_z`` columns of ``df``."""
    axes: dict[str, dict[str, object]] = {}
    for col in df.columns:
        name, sep, axis = str(col).rpartition("_")
        if sep and name and axis.lower() in ("x", "y", "z"):
            axes.setdefault(name, {})[axis.lower()] = col
    if not axes:
        shown = ", ".join(map(str, list(df.columns)[:6])) or "none"
        raise InputFileError(source, f"no marker columns named <marker>_x, <marker>_y, "
                             f"<marker>_z (columns: {shown})")
    incomplete = {name: sorted(set("xyz") - set(cols)) for name, cols in axes.items()
                  if len(cols) < 3}
    if incomplete:
        shown = "; ".join(f"{name} has no {', '.join(f'{name}_{a}' for a in missing)}"
                          for name, missing in sorted(incomplete.items())[:4])
        raise InputFileError(source, f"every marker needs x, y and z columns: {shown}")
    if len(df) == 0:
        raise InputFileError(source, "the table has no rows (no samples)")
    points = {}
    for name, cols in axes.items():
        for axis in "xyz":
            col = df[cols[axis]]
            if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
                bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
                example = f" (e.g. {bad.iloc[0]!r})" if len(bad) else ""
                raise InputFileError(source, f"column {cols[axis]!r} is not numeric "
                                     f"(dtype {col.dtype}){example}")
        xyz = df[[cols["x"], cols["y"], cols["z"]]].to_numpy(dtype=float) * scale
        if np.isinf(xyz).any():
            raise InputFileError(source, f"marker {name!r} has infinite positions")
        points[name] = xyz
    return points
