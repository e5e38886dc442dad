"""The container every wearable-sensor (IMU) reader returns, and its conventions.

One :class:`ImuRecording` holds the synchronised sensors of one recording, each an
:class:`ImuSensor` at a named body position. Like :class:`~stridelab.io.recording.Recording`
(kineticstoolkit's one time-series container), it carries its rate, its file and the
warnings met while reading.

Conventions (the same as the motion-capture engine frame, so both inputs read alike):

* ``acc``: specific force in m/s^2, gravity included (a sensor lying still reads +9.81 along
  the axis pointing up);
* ``gyr``: angular velocity in deg/s (gaitmap's unit), right-hand rule;
* ``frame == "sensor"``: the axes as the sensor recorded them;
  ``frame == "body"``: x forward (posterior to anterior), y up (inferior to superior),
  z to the runner's right, for every position and both sides (right-handed). A rotation about
  z is pitch (positive: the toes go up), about x roll (positive: the right side goes down),
  about y yaw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

POSITIONS = ("left_foot", "right_foot", "left_shank", "right_shank", "lower_back")
"""Body positions a sensor can be worn at (``lower_back``: sacrum, belt or pelvis)."""

G = 9.80665
"""Standard gravity (m/s^2)."""


def side_of(position: str) -> str | None:
    """``"L"``, ``"R"`` or ``None`` (the lower back) for a body position."""
    if position.startswith("left_"):
        return "L"
    if position.startswith("right_"):
        return "R"
    return None


@dataclass
class ImuSensor:
    """One inertial sensor at one body position.

    Attributes
    ----------
    position
        One of :data:`POSITIONS`.
    acc
        ``(n, 3)`` specific force in m/s^2 (gravity included); NaN where missing.
    gyr
        ``(n, 3)`` angular velocity in deg/s, or ``None`` for an accelerometer alone.
    frame
        ``"sensor"`` (as recorded) or ``"body"`` (x forward, y up, z right; see the module).
    """

    position: str
    acc: np.ndarray
    gyr: np.ndarray | None = None
    frame: str = "sensor"

    def __post_init__(self) -> None:
        if self.position not in POSITIONS:
            raise ValueError(f"unknown body position {self.position!r}; one of "
                             f"{', '.join(POSITIONS)}")
        self.acc = np.asarray(self.acc, dtype=float)
        if self.gyr is not None:
            self.gyr = np.asarray(self.gyr, dtype=float)
            if self.gyr.shape != self.acc.shape:
                raise ValueError(f"{self.position}: gyroscope shape {self.gyr.shape} differs "
                                 f"from the accelerometer's {self.acc.shape}")
        if self.acc.ndim != 2 or self.acc.shape[1] != 3:
            raise ValueError(f"{self.position}: acc must be (n, 3), got {self.acc.shape}")

    @property
    def side(self) -> str | None:
        """``"L"``, ``"R"`` or ``None``."""
        return side_of(self.position)

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return len(self.acc)


@dataclass
class ImuRecording:
    """Synchronised inertial sensors of one recording, with their provenance.

    Attributes
    ----------
    sensors
        The sensors by body position (keys of :data:`POSITIONS`), all of one length.
    fs
        Common sampling rate in Hz.
    path
        The file (or first file) the recording came from.
    layout
        The column layout it was read with (``gaitmap``, ``phyphox``, ``generic``...).
    warnings
        Problems met while reading (gaps filled, units guessed, a sensor turned over...).
    source_fs
        The slowest rate any of its files was recorded at (Hz), when files of different
        rates were put on one clock at ``fs`` (their highest); ``None``: ``fs`` itself.
    """

    sensors: dict[str, ImuSensor]
    fs: float
    path: Path
    layout: str = "generic"
    warnings: list[str] = field(default_factory=list)
    source_fs: float | None = None

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        lengths = {s.n_samples for s in self.sensors.values()}
        if len(lengths) > 1:
            raise ValueError(f"sensors of different lengths {sorted(lengths)}: synchronise "
                             "them first")

    @property
    def effective_fs(self) -> float:
        """The rate the timing is only as good as: the slowest source rate, else ``fs``."""
        return float(min(self.fs, self.source_fs)) if self.source_fs else float(self.fs)

    @property
    def positions(self) -> list[str]:
        """The body positions present, in :data:`POSITIONS` order."""
        return [p for p in POSITIONS if p in self.sensors]

    @property
    def n_samples(self) -> int:
        """Number of samples (0 without sensors)."""
        return next(iter(self.sensors.values())).n_samples if self.sensors else 0

    @property
    def time(self) -> np.ndarray:
        """Sample times in seconds from the start."""
        return np.arange(self.n_samples) / self.fs

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.n_samples / self.fs

    def to_dataframe(self) -> pd.DataFrame:
        """One column per channel, ``<position>_<acc|gyr>_<x|y|z>``, indexed by time (s)."""
        cols = {}
        for pos in self.positions:
            s = self.sensors[pos]
            for kind, data in (("acc", s.acc), ("gyr", s.gyr)):
                if data is None:
                    continue
                for i, axis in enumerate("xyz"):
                    cols[f"{pos}_{kind}_{axis}"] = data[:, i]
        return pd.DataFrame(cols, index=pd.Index(self.time, name="time_s"))
