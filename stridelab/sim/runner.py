"""A synthetic runner (or walker) with exactly known gait events, for unit tests.

:func:`simulate_runner` builds marker trajectories in the built-in ``fukuchi`` marker set and
a vertical ground reaction force from a :class:`RunnerSpec`, together with the true initial
contact (IC) and toe-off (TO) times. Everything is computed in the engine frame (x forward,
y up, z right) on a treadmill (pelvis at ``x = 0``, the ground moving backwards), shifted by
``speed * t`` for overground running, then rotated into the lab axes named by
``RunnerSpec.lab_axes``. See :mod:`stridelab.sim.foot` and :mod:`stridelab.sim.body` for the
model.

Timing: right IC at ``first_ic_s + k T`` with stride time ``T = 120 / cadence``; the left IC
follows the right one by ``T / 2 (1 + asymmetry / 2)``; contact times are
``ct (1 + a / 2)`` (right) and ``ct (1 - a / 2)`` (left).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.io.markerset import load_markerset
from stridelab.io.recording import ForcePlate, Recording
from stridelab.io.trc_writer import write_trc
from stridelab.sim import body, foot

__all__ = ["RunnerSpec", "SyntheticRun", "lab_rotation", "simulate_runner", "write_trc"]

BODY_MASS = 70.0
GRAVITY = 9.81
PEAK_FORCE_BW = 2.5
FORCE_NOISE_N = 10.0
LANDING_X = 0.25
"""Heel position at IC, ahead of the pelvis centre (treadmill frame), metres."""
FOOT_Z = 0.09


@dataclass
class RunnerSpec:
    """Parameters of the synthetic runner; see :func:`simulate_runner`.

    Attributes
    ----------
    cadence_spm
        Steps per minute, both feet (stride time ``120 / cadence_spm``).
    contact_time_s
        Mean stance duration; right ``ct (1 + a / 2)``, left ``ct (1 - a / 2)``.
    asymmetry
        ``a``, also stretching the right step (right IC to left IC) by ``1 + a / 2``.
    speed_ms
        Belt speed (treadmill) or travel speed of the pelvis (overground).
    duration_s, fs
        Length and marker rate; ``round(duration_s * fs)`` samples. The plate runs at ``2 fs``.
    setting
        ``"treadmill"`` (pelvis at ``x = 0``) or ``"overground"`` (every x plus ``speed t``).
    noise_mm
        Gaussian SD added to every marker coordinate (plate: 10 N SD when positive).
    gaps
        ``(marker, start_s, end_s)``: NaN for ``start_s <= t <= end_s``.
    lab_axes
        Lab axes of engine forward and up, e.g. ``("-z", "+y")``; right = forward x up.
    force_plate
        Whether to add one plate carrying both feet.
    seed
        Seed of the noise generator.
    first_ic_s
        Time of the first right IC (earlier stances are simulated but not in the truth).
    """

    cadence_spm: float = 170.0
    contact_time_s: float = 0.24
    asymmetry: float = 0.0
    speed_ms: float = 3.5
    duration_s: float = 10.0
    fs: float = 150.0
    setting: str = "treadmill"
    noise_mm: float = 0.0
    gaps: Sequence[tuple[str, float, float]] = ()
    lab_axes: tuple[str, str] = ("+x", "+y")
    force_plate: bool = True
    seed: int = 0
    first_ic_s: float = 0.1


@dataclass
class SyntheticRun:
    """A simulated recording and its true events.

    Attributes
    ----------
    recording
        Markers in metres in the lab axes of the spec (``frame="lab"``), ``fukuchi`` set.
    events
        One row per complete stance in time order: ``side`` (``"L"``/``"R"``), ``ic_s``,
        ``to_s`` (seconds from the first sample).
    spec
        The parameters used.
    """

    recording: Recording
    events: pd.DataFrame
    spec: RunnerSpec = field(default_factory=RunnerSpec)


def lab_rotation(lab_axes: tuple[str, str]) -> np.ndarray:
    """Rotation whose rows are the engine axes (forward, up, right) in lab coordinates.

    Engine row vectors map to the lab by ``lab = engine @ rot``.

    Parameters
    ----------
    lab_axes
        How engine forward and up appear in the lab, e.g. ``("-z", "+y")``.
    """
    rows = []
    for spec in lab_axes:
        spec = spec.strip().lower()
        name = spec.lstrip("+-")
        if name not in ("x", "y", "z") or len(spec) - len(name) > 1:
            raise ValueError(f"lab axis must be x, y or z with an optional sign, got {spec!r}")
        vec = np.zeros(3)
        vec["xyz".index(name)] = -1.0 if spec.startswith("-") else 1.0
        rows.append(vec)
    fwd, up = rows
    if abs(float(fwd @ up)) > 0.5:
        raise ValueError(f"forward and up must be different lab axes, got {lab_axes}")
    return np.vstack([fwd, up, np.cross(fwd, up)])


def _stances(spec: RunnerSpec, t_end: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    stride = 120.0 / spec.cadence_spm
    k = np.arange(int(np.floor(-spec.first_ic_s / stride)) - 2,
                  int(np.ceil((t_end - spec.first_ic_s) / stride)) + 3)
    r_ic = spec.first_ic_s + k * stride
    l_ic = r_ic + 0.5 * stride * (1.0 + spec.asymmetry / 2.0)
    ct = {"R": spec.contact_time_s * (1.0 + spec.asymmetry / 2.0),
          "L": spec.contact_time_s * (1.0 - spec.asymmetry / 2.0)}
    for side, c in ct.items():
        if not 0.0 < c < stride:
            raise ValueError(f"{side} contact time {c:.3f} s must lie between 0 and the "
                             f"stride time {stride:.3f} s")
    return {"R": (r_ic, r_ic + ct["R"]), "L": (l_ic, l_ic + ct["L"])}


def _check(spec: RunnerSpec) -> None:
    if spec.cadence_spm <= 0 or spec.fs <= 0 or spec.duration_s <= 0:
        raise ValueError("cadence, fs and duration must be positive")
    if not 0.0 <= abs(spec.asymmetry) < 1.0:
        raise ValueError("asymmetry must lie in (-1, 1)")
    if spec.setting not in ("treadmill", "overground"):
        raise ValueError(f"setting must be 'treadmill' or 'overground', got {spec.setting!r}")


def _markers(spec: RunnerSpec, t: np.ndarray,
             stances: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """All markers in the engine frame (treadmill or overground), metres."""
    mid = np.sort(np.concatenate([(ic + to) / 2.0 for ic, to in stances.values()]))
    pelvis_y = body.pelvis_height(t, mid)
    points = body.pelvis_markers(pelvis_y)
    for side, (ic, to) in stances.items():
        lateral = 1.0 if side == "R" else -1.0
        z = lateral * FOOT_Z
        x_h, y_h, theta = foot.foot_pose(t, ic, to, spec.speed_ms, LANDING_X)
        for name, (u, v, w) in foot.FOOT_MARKERS.items():
            x, y = foot.foot_point(x_h, y_h, theta, u, v)
            points[f"{side}.{name}"] = np.column_stack([x, y, np.full(len(t), z + lateral * w)])
        ankle = np.column_stack(foot.foot_point(x_h, y_h, theta, *foot.ANKLE_IN_FOOT))
        hip = np.column_stack([np.zeros(len(t)), pelvis_y - body.HIP_BELOW])
        knee = body.knee_position(hip, ankle)
        points.update(body.leg_markers(side, hip, knee, ankle, lateral * body.HIP_LATERAL))
    if spec.setting == "overground":
        for xyz in points.values():
            xyz[:, 0] += spec.speed_ms * t
    return points


def _plate_force(spec: RunnerSpec, n: int,
                 stances: dict[str, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Vertical ground reaction force ``(n, 3)`` in the engine frame: half-sines per stance."""
    t = np.arange(n) / (2.0 * spec.fs)
    fy = np.zeros(n)
    peak = PEAK_FORCE_BW * BODY_MASS * GRAVITY
    for ic, to in stances.values():
        for a, b in zip(ic, to, strict=True):
            on = (t >= a) & (t <= b)
            fy[on] += peak * np.sin(np.pi * (t[on] - a) / (b - a))
    return np.column_stack([np.zeros(n), fy, np.zeros(n)])


def _truth(stances: dict[str, tuple[np.ndarray, np.ndarray]], t_last: float) -> pd.DataFrame:
    rows = [(side, a, b) for side, (ic, to) in stances.items()
            for a, b in zip(ic, to, strict=True) if a >= 0.0 and b <= t_last]
    table = pd.DataFrame(rows, columns=["side", "ic_s", "to_s"])
    return table.sort_values("ic_s", kind="stable").reset_index(drop=True)


def simulate_runner(spec: RunnerSpec | None = None, **overrides: object) -> SyntheticRun:
    """Simulate a runner with known gait events.

    Parameters
    ----------
    spec
        The parameters; the defaults of :class:`RunnerSpec` when ``None``.
    **overrides
        Fields of :class:`RunnerSpec` to replace, e.g. ``cadence_spm=180``.

    Returns
    -------
    SyntheticRun
        The recording (lab axes, metres, ``fukuchi`` marker names; markers get Gaussian noise
        of ``noise_mm`` SD per coordinate and NaN for ``start <= t <= end`` of each gap) and
        the true events of every stance lying entirely inside the recording.

    Raises
    ------
    ValueError
        For impossible parameters (contact longer than a stride, unknown axes or gap marker).
    """
    spec = replace(spec or RunnerSpec(), **overrides)
    _check(spec)
    rot = lab_rotation(spec.lab_axes)
    n = int(round(spec.duration_s * spec.fs))
    t = np.arange(n) / spec.fs
    stances = _stances(spec, spec.duration_s)
    rng = np.random.default_rng(spec.seed)
    points = {}
    for name, xyz in _markers(spec, t, stances).items():
        lab = xyz @ rot
        if spec.noise_mm > 0:
            lab = lab + rng.normal(0.0, spec.noise_mm / 1000.0, lab.shape)
        points[name] = lab
    for name, start, end in spec.gaps:
        if name not in points:
            raise ValueError(f"gap for unknown marker {name!r}")
        points[name][(t >= start) & (t <= end)] = np.nan
    plates = []
    if spec.force_plate:
        force = _plate_force(spec, 2 * n, stances)
        if spec.noise_mm > 0:
            force = force + rng.normal(0.0, FORCE_NOISE_N, force.shape)
        plates.append(ForcePlate(force=force @ rot, fs=2.0 * spec.fs, cop=None))
    rec = Recording(points=points, fs=float(spec.fs), path=Path("synthetic_runner.c3d"),
                    markerset=load_markerset("fukuchi"), plates=plates, frame="lab")
    return SyntheticRun(recording=rec, events=_truth(stances, t[-1]), spec=spec)
