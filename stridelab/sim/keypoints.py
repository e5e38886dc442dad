"""2D keypoints of the synthetic runner as a camera would see them, with known gait events.

:func:`simulate_keypoints` runs :func:`stridelab.sim.runner.simulate_runner` (engine frame:
x forward, y up, z right) and derives joint centres from its markers:

* hip: the pelvis centre (mean of ASIS and PSIS) moved ``body.HIP_BELOW`` down and
  ``body.HIP_LATERAL`` to the side -- the model's own hip definition;
* knee and ankle: the thigh and shank markers sit at 25 % and 75 % of each segment, so the
  joint is extrapolated along the line through the top and bottom markers;
* heel: ``Heel.Bottom``; toe: the tip of the foot (like MediaPipe ``foot_index``), one foot
  length ahead of the heel along the heel-metatarsal line;
* shoulders, elbows, wrists and nose (the model has no upper body): a trunk of
  :data:`TRUNK_LENGTH` leaning :data:`TRUNK_LEAN_DEG` forward above the pelvis, arms swinging
  opposite to the legs (each upper arm follows the other side's thigh angle) with the elbow
  bent 90 degrees.

The points are projected orthographically (or with a pinhole camera at ``camera_distance_m``)
for a side view (camera on the runner's right: the runner faces image right and the right leg
is the near one; camera on the left: faces image left) or a rear view (camera behind: the
runner's right is image right), in pixels with y down. Noise, low-confidence dropouts, gaps,
outliers and left/right label swaps can be injected to test the cleaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints
from stridelab.sim import body, foot
from stridelab.sim.runner import RunnerSpec, simulate_runner

TRUNK_LENGTH = 0.50
"""Pelvis centre to shoulder centre, metres."""
TRUNK_LEAN_DEG = 8.0
"""Forward lean of the trunk from vertical, degrees."""
SHOULDER_HALF_WIDTH = 0.18
UPPER_ARM = 0.30
FOREARM = 0.27
ARM_SWING_GAIN = 0.8
"""Upper-arm angle from vertical per unit of the opposite thigh's angle."""
NECK_TO_NOSE = (0.10, 0.22)
"""Nose ahead of and above the shoulder centre, metres."""
NEAR_CONF, FAR_CONF = 0.9, 0.7
"""Confidence of the points on the camera's side and on the far side (side view)."""
LEG_GROUP = ("hip", "knee", "ankle", "heel", "toe")


@dataclass
class KeypointSpec:
    """Camera and corruption of the synthetic keypoints; see :func:`simulate_keypoints`.

    Attributes
    ----------
    view
        ``"side"`` or ``"rear"``.
    camera_side
        Side view only: ``"right"`` (runner faces image right) or ``"left"``.
    mirror
        Flip the image left-right (a selfie camera).
    fps
        Frame rate, Hz (the runner is simulated at this rate).
    size
        Image ``(width, height)``, pixels.
    px_per_m
        Scale in the plane of the runner's body centre.
    camera_distance_m
        Distance of a pinhole camera from the body plane; ``None`` = orthographic.
    ground_frac
        Height of the ground line, as a share of the image height from the top.
    noise_px
        Gaussian SD added to every coordinate.
    dropout
        Share of points given a low confidence (0-0.2) and a displaced position.
    gaps
        ``(name, start_s, end_s)``: the point is missing (NaN, confidence 0) for
        ``start_s <= t <= end_s``; name ``"*"`` for every point (no person).
    swaps
        ``(start_s, end_s)``: the leg labels (hip, knee, ankle, heel, toe) are exchanged.
    outliers
        ``(name, t_s)``: the point is moved by ``outlier_px`` in a random direction in the
        frame nearest ``t_s``.
    outlier_px
        Size of an injected outlier, pixels.
    seed
        Seed of the noise generator.
    """

    view: str = "side"
    camera_side: str = "right"
    mirror: bool = False
    fps: float = 60.0
    size: tuple[int, int] = (1920, 1080)
    px_per_m: float = 400.0
    camera_distance_m: float | None = None
    ground_frac: float = 0.9
    noise_px: float = 0.0
    dropout: float = 0.0
    gaps: Sequence[tuple[str, float, float]] = ()
    swaps: Sequence[tuple[float, float]] = ()
    outliers: Sequence[tuple[str, float]] = ()
    outlier_px: float = 80.0
    seed: int = 0

    def truth(self) -> KeypointSpec:
        """The same camera without noise, dropouts, gaps, swaps or outliers."""
        return replace(self, noise_px=0.0, dropout=0.0, gaps=(), swaps=(), outliers=())


def _joint(top: np.ndarray, bottom: np.ndarray, at: float) -> np.ndarray:
    """Point at fraction ``at`` along a segment whose markers sit at 0.25 and 0.75."""
    return top + (at - 0.25) / 0.5 * (bottom - top)


def _mid(points: dict[str, np.ndarray], *names: str) -> np.ndarray:
    return np.mean([points[n] for n in names], axis=0)


def _rot_z(v: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotate sagittal vectors ``(n, 3)`` by ``angle`` (positive = tip moves forward, +x)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.column_stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1], v[:, 2]])


def joint_centres(points: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Keypoints ``(n, 3)`` (engine frame, metres) from the synthetic runner's markers."""
    out: dict[str, np.ndarray] = {}
    pelvis = _mid(points, "L.ASIS", "R.ASIS", "L.PSIS", "R.PSIS")
    for side, lat in (("L", -1.0), ("R", 1.0)):
        hip = pelvis + np.array([0.0, -body.HIP_BELOW, lat * body.HIP_LATERAL])
        th_top = _mid(points, f"{side}.Thigh.Top.Lateral", f"{side}.Thigh.Top.Medial")
        th_bot = _mid(points, f"{side}.Thigh.Bottom.Lateral", f"{side}.Thigh.Bottom.Medial")
        sh_top = _mid(points, f"{side}.Shank.Top.Lateral", f"{side}.Shank.Top.Medial")
        sh_bot = _mid(points, f"{side}.Shank.Bottom.Lateral", f"{side}.Shank.Bottom.Medial")
        heel = points[f"{side}.Heel.Bottom"]
        mt = _mid(points, f"{side}.MT1", f"{side}.MT5")
        mt_u = 0.5 * (foot.FOOT_MARKERS["MT1"][0] + foot.FOOT_MARKERS["MT5"][0])
        out[f"{side}_hip"] = hip
        out[f"{side}_knee"] = _joint(th_top, th_bot, 1.0)
        out[f"{side}_ankle"] = _joint(sh_top, sh_bot, 1.0)
        out[f"{side}_heel"] = heel
        out[f"{side}_toe"] = heel + (mt - heel) * (foot.FOOT_LENGTH / mt_u)
    return add_upper_body(out)


def add_upper_body(joints: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Shoulders, elbows, wrists and nose added to leg keypoints (engine frame, metres).

    The trunk (:data:`TRUNK_LENGTH`, leaning :data:`TRUNK_LEAN_DEG` forward) stands on the
    pelvis centre, ``body.HIP_BELOW`` above the hips' midpoint; each upper arm swings with the
    other side's thigh (:data:`ARM_SWING_GAIN`), the elbow bent 90 degrees.

    Parameters
    ----------
    joints
        ``L_hip`` ... ``R_toe``, each ``(n, 3)``.
    """
    out = dict(joints)
    pelvis = 0.5 * (joints["L_hip"] + joints["R_hip"]) + np.array([0.0, body.HIP_BELOW, 0.0])
    n = len(pelvis)
    thigh_angle = {}
    for side in "LR":
        d = joints[f"{side}_knee"] - joints[f"{side}_hip"]
        thigh_angle[side] = np.arctan2(d[:, 0], -d[:, 1])  # forward of vertical
    lean = np.deg2rad(TRUNK_LEAN_DEG)
    neck = pelvis + TRUNK_LENGTH * np.array([np.sin(lean), np.cos(lean), 0.0])
    for side, lat, other in (("L", -1.0, "R"), ("R", 1.0, "L")):
        shoulder = neck + np.array([0.0, 0.0, lat * SHOULDER_HALF_WIDTH])
        swing = ARM_SWING_GAIN * thigh_angle[other]
        down = np.tile([0.0, -UPPER_ARM, 0.0], (n, 1))
        elbow = shoulder + _rot_z(down, swing)
        fore = np.tile([0.0, -FOREARM, 0.0], (n, 1))
        wrist = elbow + _rot_z(fore, swing + np.pi / 2)
        out[f"{side}_shoulder"], out[f"{side}_elbow"], out[f"{side}_wrist"] = shoulder, elbow, wrist
    out["nose"] = neck + np.array([NECK_TO_NOSE[0], NECK_TO_NOSE[1], 0.0])
    return out


def project(xyz: np.ndarray, spec: KeypointSpec, centre_x: float) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Pixel coordinates ``(..., 2)`` and depth toward the camera ``(...)`` of engine points."""
    if spec.view == "side":
        sign = 1.0 if spec.camera_side == "right" else -1.0
        u, toward = sign * (xyz[..., 0] - centre_x), sign * xyz[..., 2]
    else:
        u, toward = xyz[..., 2], -(xyz[..., 0] - centre_x)
    if spec.mirror:
        u = -u
    scale = spec.px_per_m
    if spec.camera_distance_m is not None:
        scale = scale * spec.camera_distance_m / (spec.camera_distance_m - toward)
    w, h = spec.size
    px = np.stack([0.5 * w + scale * u, spec.ground_frac * h - scale * xyz[..., 1]], axis=-1)
    return px, toward


def _check(spec: KeypointSpec) -> None:
    if spec.view not in ("side", "rear"):
        raise ValueError(f"view must be 'side' or 'rear', got {spec.view!r}")
    if spec.camera_side not in ("right", "left"):
        raise ValueError(f"camera_side must be 'right' or 'left', got {spec.camera_side!r}")
    if spec.fps <= 0 or spec.px_per_m <= 0:
        raise ValueError("fps and px_per_m must be positive")
    if not 0.0 <= spec.dropout < 1.0:
        raise ValueError("dropout must lie in [0, 1)")


def simulate_keypoints(spec: KeypointSpec | None = None, runner: RunnerSpec | None = None,
                       **overrides: object) -> tuple[Keypoints, pd.DataFrame]:
    """Project the synthetic runner to 2D keypoints with known gait events.

    Parameters
    ----------
    spec
        Camera and corruption; :class:`KeypointSpec` defaults when ``None``.
    runner
        The runner (its ``fs`` is replaced by ``spec.fps``); :class:`RunnerSpec` defaults
        (treadmill, 3.5 m/s, 170 steps/min) when ``None``.
    **overrides
        Fields of :class:`KeypointSpec` to replace, e.g. ``view="rear"``.

    Returns
    -------
    tuple
        The :class:`Keypoints` (names :data:`KEYPOINT_NAMES`, pixels, y down; points outside
        the image are missing) and the true events (``side``, ``ic_s``, ``to_s``) as in
        :class:`stridelab.sim.runner.SyntheticRun`.
    """
    spec = replace(spec or KeypointSpec(), **overrides)
    _check(spec)
    runner = replace(runner or RunnerSpec(), fs=spec.fps, noise_mm=0.0, gaps=(),
                     lab_axes=("+x", "+y"), force_plate=False)
    run = simulate_runner(runner)
    joints = joint_centres(run.recording.points)
    names = KEYPOINT_NAMES
    xyz = np.stack([joints[n] for n in names], axis=1)  # (n, k, 3)
    n, k = xyz.shape[:2]
    centre_x = float(np.mean(xyz[..., 0]))  # the runner is mid-image (overground: mid-clip)
    xy, toward = project(xyz, spec, centre_x)
    near = toward >= np.median(toward, axis=1, keepdims=True)
    conf = np.where(near, NEAR_CONF, FAR_CONF) if spec.view == "side" else np.full((n, k),
                                                                                     NEAR_CONF)
    rng = np.random.default_rng(spec.seed)
    t = np.arange(n) / spec.fps
    if spec.noise_px > 0:
        xy = xy + rng.normal(0.0, spec.noise_px, xy.shape)
    if spec.dropout > 0:
        drop = rng.random((n, k)) < spec.dropout
        conf = np.where(drop, rng.uniform(0.0, 0.2, (n, k)), conf)
        xy = xy + drop[..., None] * rng.normal(0.0, 0.1 * spec.px_per_m, xy.shape)
    for name, t_s in spec.outliers:
        i, j = int(np.argmin(np.abs(t - t_s))), names.index(name)
        angle = rng.uniform(0.0, 2.0 * np.pi)
        xy[i, j] += spec.outlier_px * np.array([np.cos(angle), np.sin(angle)])
    for start, end in spec.swaps:
        rows = (t >= start) & (t <= end)
        for p in LEG_GROUP:
            a, b = names.index(f"L_{p}"), names.index(f"R_{p}")
            xy[rows, a], xy[rows, b] = xy[rows, b].copy(), xy[rows, a].copy()
            conf[rows, a], conf[rows, b] = conf[rows, b].copy(), conf[rows, a].copy()
    for name, start, end in spec.gaps:
        rows = (t >= start) & (t <= end)
        cols = slice(None) if name == "*" else names.index(name)
        xy[rows, cols] = np.nan
        conf[rows, cols] = 0.0
    w, h = spec.size
    outside = ~((xy[..., 0] >= 0) & (xy[..., 0] < w) & (xy[..., 1] >= 0) & (xy[..., 1] < h))
    xy[outside] = np.nan
    conf[outside] = 0.0
    with_person = np.isfinite(xy).all(axis=2).any(axis=1)
    kp = Keypoints(xy=xy, conf=conf, names=names, fps=float(spec.fps), size=(int(w), int(h)),
                   path=Path(f"synthetic_{spec.view}.keypoints"),
                   source=f"synthetic runner ({spec.view} view)",
                   frames_with_person=float(with_person.mean()), warnings=[])
    return kp, run.events

