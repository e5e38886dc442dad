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

from stridelab.io.markerset import MarkerSet

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
    """

    points: dict[str, np.ndarray]
    fs: float
    path: Path
    markerset: MarkerSet
    plates: list[ForcePlate] = field(default_factory=list)
    frame: str = "lab"
    axes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

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
