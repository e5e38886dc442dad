"""Virtual cameras on real running motion: keypoints with force-plate truth.

The cheapest honest ground truth for video events is a real marker recording with a force
plate, filmed by a virtual camera (design guide, "Validation is part of the product"). This
module turns a marker trial and its static trial into the 2D keypoints a pose model would give,
with the errors a pose model makes, at any frame rate:

1. **Joint centres** (engine frame, metres). Knee and ankle: the midpoint of the lateral and
   medial epicondyle (malleolus) markers of the static trial, carried into each running frame
   by the shank cluster's rigid-body motion (least-squares fit, Söderkvist & Wedin 1993,
   J Biomech 26:1473). Hip: Harrington et al. 2007 (J Biomech 40:595) from pelvic width and
   depth. Heel: the heel's bottom marker. Toe: the virtual toe tip of the motion-capture
   detector (metatarsal markers extended along the foot). The marker set has no upper body:
   shoulders, arms and nose are added as in :mod:`stridelab.sim.keypoints` (trunk and arm
   swing), so trunk and arm measures from this harness mean nothing.
2. **Sampling**: a camera frame every ``1 / fps`` s from a random start, the markers
   interpolated by cubic splines (the trial is 150 Hz).
3. **Projection**: :func:`stridelab.sim.keypoints.project` (side camera on either side, or
   behind; pinhole or orthographic).
4. **Pose-model errors**: Gaussian pixel noise; the far leg (side view) at lower confidence
   with more jitter; short left/right label swaps; frames without a detection.

:func:`plate_contacts` gives the truth: vertical force above 20 N after a 50 Hz zero-lag
low-pass (the truth itself moves by about 10 ms between 20 and 50 N on RBDS001).
:func:`match_contacts` pairs detected and true contacts and gives the errors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline

from stridelab.io.recording import Recording
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints
from stridelab.sim.keypoints import LEG_GROUP, KeypointSpec, add_upper_body, project


@dataclass
class CameraErrors:
    """The errors of a pose model, added to the projected keypoints.

    Attributes
    ----------
    noise_px
        Gaussian SD of every coordinate, pixels.
    far_noise_factor
        The far leg's noise (side view) is this many times larger.
    far_conf
        Confidence of the far leg's points (side view); the near side has 0.9.
    swap_rate
        Expected left/right label swaps (leg points) per second, each 1-3 frames long.
    drop_rate
        Share of frames without a detection (every point missing).
    seed
        Seed of the random generator.
    """

    noise_px: float = 2.0
    far_noise_factor: float = 1.5
    far_conf: float = 0.6
    swap_rate: float = 0.1
    drop_rate: float = 0.01
    seed: int = 0


def _rigid_fit(ref: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotation and translation taking the reference cluster ``(k, 3)`` onto ``cur``."""
    a, b = ref.mean(axis=0), cur.mean(axis=0)
    u, _, vt = np.linalg.svd((ref - a).T @ (cur - b))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    rot = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    return rot, b - rot @ a


def _carried(static: Recording, run: Recording, cluster: list[str],
             target: np.ndarray) -> np.ndarray:
    """A point fixed to a marker cluster in the static trial, followed through the run."""
    ref = np.array([np.nanmedian(static.points[m], axis=0) for m in cluster])
    cur = np.stack([run.points[m] for m in cluster], axis=1)  # (n, k, 3)
    out = np.full((run.n_frames, 3), np.nan)
    for i, frame in enumerate(cur):
        if np.isfinite(frame).all():
            rot, shift = _rigid_fit(ref, frame)
            out[i] = rot @ target + shift
    return out


def _mid(rec: Recording, *names: str) -> np.ndarray:
    return np.mean([rec.points[n] for n in names], axis=0)


def hip_centres(run: Recording) -> dict[str, np.ndarray]:
    """Hip joint centres from the pelvis markers (Harrington et al. 2007), lab axes, metres.

    Pelvis frame: origin between the ASIS, z from left to right ASIS, x forward from the
    PSIS midpoint, y up. ``x = -0.24 PD - 9.9 mm``, ``y = -0.30 PW - 10.9 mm``,
    ``z = +/-(0.33 PW + 7.3 mm)`` with PW the ASIS distance and PD the ASIS-PSIS depth.
    """
    lasis, rasis = run.points["L.ASIS"], run.points["R.ASIS"]
    origin = 0.5 * (lasis + rasis)
    back = _mid(run, "L.PSIS", "R.PSIS")
    z = rasis - lasis
    pw = np.linalg.norm(z, axis=1, keepdims=True)
    z = z / pw
    x = origin - back
    pd_ = np.linalg.norm(x, axis=1, keepdims=True)
    y = np.cross(z, x)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    x = np.cross(y, z)
    out = {}
    for side, sign in (("L", -1.0), ("R", 1.0)):
        local = (-0.24 * pd_ - 0.0099, -0.30 * pw - 0.0109, sign * (0.33 * pw + 0.0073))
        out[side] = origin + local[0] * x + local[1] * y + local[2] * z
    return out


def leg_keypoints(run: Recording, static: Recording,
                  toe_extension: float) -> dict[str, np.ndarray]:
    """Hip, knee, ankle, heel and toe per side, ``(n, 3)`` in the run's (lab) axes, metres.

    Parameters
    ----------
    run, static
        The running trial and the static trial of the Fukuchi marker set, same lab axes.
    toe_extension
        How far the toe tip lies beyond the metatarsal markers, as a share of the
        heel-to-metatarsal distance (the foot-clearance detector's ``toe_extension``).
    """
    hips = hip_centres(run)
    out = {}
    for s in "LR":
        shank = [f"{s}.Shank.{a}.{b}" for a in ("Top", "Bottom") for b in ("Lateral", "Medial")]
        knee = np.nanmedian(_mid(static, f"{s}.Knee", f"{s}.Knee.Medial"), axis=0)
        ankle = np.nanmedian(_mid(static, f"{s}.Ankle", f"{s}.Ankle.Medial"), axis=0)
        heel, mt = run.points[f"{s}.Heel.Bottom"], _mid(run, f"{s}.MT1", f"{s}.MT5")
        out[f"{s}_hip"] = hips[s]
        out[f"{s}_knee"] = _carried(static, run, shank, knee)
        out[f"{s}_ankle"] = _carried(static, run, shank, ankle)
        out[f"{s}_heel"] = heel
        out[f"{s}_toe"] = mt + toe_extension * (mt - heel)
    return out


def resample(points: dict[str, np.ndarray], fs: float, fps: float,
             start_s: float) -> dict[str, np.ndarray]:
    """Points sampled at ``fps`` from ``start_s`` (cubic splines through the ``fs`` samples)."""
    n = next(iter(points.values())).shape[0]
    t = np.arange(n) / fs
    times = np.arange(start_s, t[-1], 1.0 / fps)
    out = {}
    for name, xyz in points.items():
        ok = np.isfinite(xyz).all(axis=1)
        out[name] = CubicSpline(t[ok], xyz[ok], axis=0)(times)
    return out


def _corrupt(xy: np.ndarray, conf: np.ndarray, near: str | None, fps: float,
             errors: CameraErrors) -> tuple[np.ndarray, np.ndarray]:
    """Add noise, far-leg jitter, label swaps and dropped frames (in place on copies)."""
    rng = np.random.default_rng(errors.seed)
    xy, conf = xy.copy(), conf.copy()
    n = len(xy)
    sd = np.full(len(KEYPOINT_NAMES), errors.noise_px)
    if near is not None:
        far = "L" if near == "R" else "R"
        for i, name in enumerate(KEYPOINT_NAMES):
            if name.startswith(f"{far}_"):
                sd[i] *= errors.far_noise_factor
                conf[:, i] = errors.far_conf
    xy += rng.normal(0.0, 1.0, xy.shape) * sd[None, :, None]
    legs = {s: [KEYPOINT_NAMES.index(f"{s}_{p}") for p in LEG_GROUP] for s in "LR"}
    for start in np.flatnonzero(rng.random(n) < errors.swap_rate / fps):
        stop = min(n, start + int(rng.integers(1, 4)))
        a, b = legs["L"], legs["R"]
        xy[start:stop, a + b] = xy[start:stop, b + a]
        conf[start:stop, a + b] = conf[start:stop, b + a]
    dropped = rng.random(n) < errors.drop_rate
    xy[dropped], conf[dropped] = np.nan, 0.0
    return xy, conf


def film(points: dict[str, np.ndarray], fs: float, spec: KeypointSpec,
         errors: CameraErrors | None = None, path: str | Path = "virtual-camera",
         ) -> tuple[Keypoints, float]:
    """Keypoints of engine-frame points as a camera at ``spec.fps`` films them.

    Parameters
    ----------
    points
        Leg keypoints (``L_hip`` ... ``R_toe``), ``(n, 3)`` engine frame (x forward, y up,
        z right), metres, sampled at ``fs``.
    fs
        Their sampling rate, Hz.
    spec
        Camera: view, side, frame rate, size, scale, distance (``noise_px`` etc. unused).
    errors
        Pose-model errors; ``None``: none.
    path
        Name the keypoints carry (error messages).

    Returns
    -------
    tuple
        The keypoints (time 0 at their first frame) and the time of that frame in the
        recording, s: add it to times found in the keypoints to compare them with the plate.
    """
    errors = errors or CameraErrors(noise_px=0.0, swap_rate=0.0, drop_rate=0.0)
    rng = np.random.default_rng(errors.seed + 1)
    start_s = float(rng.uniform(0, 1.0 / spec.fps))
    sampled = resample(points, fs, spec.fps, start_s)
    # the camera aims at the runner: the body's mean lateral position is its depth origin
    centre_z = float(np.nanmean(sampled["L_hip"][:, 2] + sampled["R_hip"][:, 2]) / 2)
    full = add_upper_body({k: v - np.array([0.0, 0.0, centre_z]) for k, v in sampled.items()})
    centre_x = float(np.nanmean(full["L_hip"][:, 0] + full["R_hip"][:, 0]) / 2)
    xyz = np.stack([full[name] for name in KEYPOINT_NAMES], axis=1)
    xy, _ = project(xyz, spec, centre_x)
    conf = np.full(xy.shape[:2], 0.9)
    near = None
    if spec.view == "side":
        near = "R" if spec.camera_side == "right" else "L"
    xy, conf = _corrupt(xy, conf, near, spec.fps, errors)
    kp = Keypoints(xy=xy, conf=conf, names=KEYPOINT_NAMES, fps=float(spec.fps),
                   size=spec.size, path=Path(path), source="virtual camera")
    return kp, start_s


def plate_contacts(rec: Recording, threshold_n: float = 20.0) -> pd.DataFrame:
    """Force-plate contacts (``side``, ``ic_s``, ``to_s``): force above ``threshold_n``."""
    from stridelab.gait.forceplate import ForcePlateEventDetection

    return ForcePlateEventDetection(threshold_n=threshold_n, lowpass_hz=50.0).detect(
        rec).contacts_


def match_contacts(truth: pd.DataFrame, found: pd.DataFrame,
                   tolerance_s: float = 0.1) -> pd.DataFrame:
    """Pair each true contact with the detected one of the same foot nearest in IC.

    Returns
    -------
    pandas.DataFrame
        One row per true contact inside the detected span: ``side``, ``ic_s``, ``to_s``
        (truth), ``ic_err_ms``, ``to_err_ms``, ``contact_err_ms`` (detected - true; NaN
        where none lies within ``tolerance_s``). ``attrs["extras"]``: detected contacts
        matched to no true one.
    """
    lo = found.ic_s.min() - tolerance_s if len(found) else 0.0
    hi = found.to_s.max() + tolerance_s if len(found) else -1.0
    inside = truth[(truth.ic_s >= lo) & (truth.to_s <= hi)].reset_index(drop=True)
    rows, used = [], set()
    for r in inside.itertuples():
        cand = found[found.side == r.side]
        err = np.abs(cand.ic_s.to_numpy() - r.ic_s) if len(cand) else np.array([])
        row = {"side": r.side, "ic_s": r.ic_s, "to_s": r.to_s, "ic_err_ms": np.nan,
               "to_err_ms": np.nan, "contact_err_ms": np.nan}
        if len(err) and err.min() <= tolerance_s:
            k = cand.index[int(np.argmin(err))]
            used.add(k)
            d = found.loc[k]
            row.update(ic_err_ms=1000 * (d.ic_s - r.ic_s), to_err_ms=1000 * (d.to_s - r.to_s),
                       contact_err_ms=1000 * ((d.to_s - d.ic_s) - (r.to_s - r.ic_s)))
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["extras"] = int(len(found) - len(used))
    return out


def error_summary(matched: pd.DataFrame) -> dict[str, float]:
    """Mean absolute IC and TO error, their biases, contact-time bias and matched share."""
    ok = matched.dropna(subset=["ic_err_ms"])
    per_side = {s: float(np.isfinite(matched[matched.side == s].ic_err_ms).mean())
                if (matched.side == s).any() else 0.0 for s in "LR"}
    return {
        "contacts": int(len(matched)),
        "matched_pct": round(100 * len(ok) / max(len(matched), 1), 1),
        "matched_min_side_pct": round(100 * min(per_side.values()), 1),
        "extras": int(matched.attrs.get("extras", 0)),
        "ic_mae_ms": round(float(ok.ic_err_ms.abs().mean()), 1) if len(ok) else np.nan,
        "to_mae_ms": round(float(ok.to_err_ms.abs().mean()), 1) if len(ok) else np.nan,
        "ic_bias_ms": round(float(ok.ic_err_ms.mean()), 1) if len(ok) else np.nan,
        "to_bias_ms": round(float(ok.to_err_ms.mean()), 1) if len(ok) else np.nan,
        "contact_bias_ms": round(float(ok.contact_err_ms.mean()), 1) if len(ok) else np.nan,
    }


@dataclass
class MotionWithTruth:
    """Leg keypoints of a real trial (engine frame) and its force-plate contacts.

    Attributes
    ----------
    points
        ``L_hip`` ... ``R_toe``, ``(n, 3)`` metres, x forward, y up, z right.
    fs
        Their sampling rate, Hz.
    truth
        Force-plate contacts at 20 N (``side``, ``ic_s``, ``to_s``).
    truth_50n
        The same at 50 N: how far the truth itself moves with its threshold.
    """

    points: dict[str, np.ndarray]
    fs: float
    truth: pd.DataFrame
    truth_50n: pd.DataFrame


def motion_with_truth(run_path: str | Path, static_path: str | Path) -> MotionWithTruth:
    """Keypoints and force-plate truth of a Fukuchi-set running trial and its static trial."""
    from stridelab.gait.foot_clearance import FootClearanceEventDetection
    from stridelab.io.c3d import read_c3d
    from stridelab.io.frame import to_engine_frame

    run, static = read_c3d(Path(run_path)), read_c3d(Path(static_path))
    legs = leg_keypoints(run, static, FootClearanceEventDetection().toe_extension)
    for name, xyz in legs.items():
        run.points[f"KP.{name}"] = xyz
    run = to_engine_frame(run)
    points = {k[3:]: v for k, v in run.points.items() if k.startswith("KP.")}
    return MotionWithTruth(points, run.fs, plate_contacts(run, 20.0), plate_contacts(run, 50.0))


RBDS001 = ("mocap/RBDS001runT35.c3d", "mocap/RBDS001static.c3d")
"""The harness's trial and its static trial, relative to the shared data folder."""
RBDS001_HEIGHT_M = 1.81
"""RBDS001's height (RBDSinfo.txt), the scale its keypoints are analysed at."""


def rbds001_motion(shared: str | Path) -> MotionWithTruth | None:
    """:func:`motion_with_truth` of RBDS001 in the ``shared`` data folder (``None``: absent)."""
    run_path, static_path = (Path(shared) / name for name in RBDS001)
    if not run_path.exists():
        return None
    return motion_with_truth(run_path, static_path)


def write_openpose(kp: Keypoints, folder: str | Path) -> Path:
    """Write keypoints as OpenPose BODY_25 JSON files, one per frame (``<n>_keypoints.json``).

    Points missing (NaN) are written as ``0, 0, 0``, as OpenPose does; a frame without any
    point has no person.
    """
    import json

    from stridelab.pose.openpose import BODY_25

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(kp.n_frames):
        flat = [0.0] * 75
        for name, j in BODY_25.items():
            x, y = kp.xy[i, kp.names.index(name)]
            if np.isfinite(x) and np.isfinite(y):
                c = float(kp.conf[i, kp.names.index(name)])
                flat[3 * j:3 * j + 3] = [round(float(x), 2), round(float(y), 2), round(c, 3)]
        people = [{"pose_keypoints_2d": flat}] if any(flat) else []
        (folder / f"{i:06d}_keypoints.json").write_text(
            json.dumps({"version": 1.3, "people": people}), encoding="utf-8")
    return folder


def camera(view: str = "side", side: str = "right", fps: float = 60.0,
           **spec: object) -> KeypointSpec:
    """A 1920 x 1080 camera 4 m from the runner, about 470 px per metre at the body."""
    base = KeypointSpec(view=view, camera_side=side, fps=fps, size=(1920, 1080),
                        px_per_m=470.0, camera_distance_m=4.0, ground_frac=0.9)
    return replace(base, **spec)
