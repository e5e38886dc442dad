"""Map a recording from the lab's axes to the engine frame: x forward, y up, z right.

Nothing about the lab is assumed. The vertical axis is the lab axis along which the pelvis sits
furthest from the feet; the forward axis is the remaining axis along which the feet move most
relative to the pelvis, signed so that the toes are ahead of the heels (or, without
anatomical foot markers, so that a foot moves backwards relative to the pelvis while it is
at its lowest, i.e. in stance). The third axis completes a right-handed frame (OpenSim's
convention: z = x cross y, pointing to the runner's right).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stridelab.errors import InputFileError

if TYPE_CHECKING:  # the container imports this module for Recording.from_dataframe
    from stridelab.io.recording import Recording

_AXIS = {"x": 0, "y": 1, "z": 2}


def _axis_vector(spec: str) -> np.ndarray:
    """``"+y"``/``"-z"``/``"x"`` -> unit vector."""
    spec = spec.strip().lower()
    sign = -1.0 if spec.startswith("-") else 1.0
    name = spec.lstrip("+-")
    if name not in _AXIS:
        raise ValueError(f"axis must be one of x, y, z with an optional sign, got {spec!r}")
    vec = np.zeros(3)
    vec[_AXIS[name]] = sign
    return vec


def _name(vec: np.ndarray) -> str:
    i = int(np.argmax(np.abs(vec)))
    return ("+" if vec[i] > 0 else "-") + "xyz"[i]


def _feet(rec: Recording) -> list[np.ndarray]:
    feet = [rec.landmark(f"{s}_foot") for s in "LR" if rec.has(f"{s}_foot")]
    if not feet:
        raise InputFileError(rec.path, "no foot markers found for either foot")
    return feet


def detect_vertical(rec: Recording) -> np.ndarray:
    """Unit vector of 'up' in lab axes: the pelvis is well above the feet."""
    if not rec.has("pelvis"):
        raise InputFileError(rec.path, "no pelvis markers: cannot find the vertical axis")
    offset = np.nanmedian(rec.landmark("pelvis") - np.nanmean(_feet(rec), axis=0), axis=0)
    if not np.isfinite(offset).all():
        raise InputFileError(rec.path, "pelvis or foot markers are missing throughout")
    up = np.zeros(3)
    i = int(np.argmax(np.abs(offset)))
    up[i] = np.sign(offset[i])
    return up


def detect_forward(rec: Recording, up: np.ndarray) -> np.ndarray:
    """Unit vector of the direction of travel in lab axes (perpendicular to ``up``)."""
    pelvis = rec.landmark("pelvis")
    horizontal = [i for i in range(3) if up[i] == 0]
    rel = [foot - pelvis for foot in _feet(rec)]
    spread = [np.nanmean([np.nanstd(r[:, i]) for r in rel]) for i in horizontal]
    axis = horizontal[int(np.argmax(spread))]
    sign = _forward_sign(rec, axis, up)
    fwd = np.zeros(3)
    fwd[axis] = sign
    return fwd


def _forward_sign(rec: Recording, axis: int, up: np.ndarray) -> float:
    votes = []
    for side in "LR":
        if rec.has(f"{side}_heel") and rec.has(f"{side}_toe"):
            votes.append(np.nanmedian(rec.landmark(f"{side}_toe")[:, axis]
                                      - rec.landmark(f"{side}_heel")[:, axis]))
    if votes:
        return float(np.sign(np.nansum(votes)) or 1.0)
    # No heel/toe: in stance (foot lowest) the foot moves backwards relative to the pelvis.
    pelvis = rec.landmark("pelvis")
    vert = int(np.argmax(np.abs(up)))
    for side in "LR":
        if not rec.has(f"{side}_foot"):
            continue
        foot = rec.landmark(f"{side}_foot")
        height = foot[:, vert] * up[vert]
        low = height <= np.nanpercentile(height, 20)
        vel = np.gradient(foot[:, axis] - pelvis[:, axis]) * rec.fs
        votes.append(-np.nanmedian(vel[low]))
    return float(np.sign(np.nansum(votes)) or 1.0)


def to_engine_frame(rec: Recording, vertical: str | None = None,
                    forward: str | None = None) -> Recording:
    """Rotate markers and force plates into the engine frame (x forward, y up, z right).

    Parameters
    ----------
    rec
        A recording in lab axes (:meth:`Recording.from_dataframe
        <stridelab.io.recording.Recording.from_dataframe>` calls this itself).
    vertical, forward
        Lab axes such as ``"+y"`` or ``"-x"``; detected from the data when ``None``.

    Returns
    -------
    Recording
        The same object, rotated in place, with ``rec.axes`` recording the mapping and the
        setting (``"treadmill"`` or ``"overground"``).
    """
    if rec.frame == "engine":
        return rec
    up = _axis_vector(vertical) if vertical else detect_vertical(rec)
    fwd = _axis_vector(forward) if forward else detect_forward(rec, up)
    if abs(float(up @ fwd)) > 1e-9:
        raise InputFileError(rec.path, "the forward and vertical axes must differ")
    right = np.cross(fwd, up)
    rot = np.vstack([fwd, up, right])  # rows: engine axes in lab coordinates
    rec.points = {k: v @ rot.T for k, v in rec.points.items()}
    for plate in rec.plates:
        plate.force = plate.force @ rot.T
        if plate.cop is not None:
            plate.cop = plate.cop @ rot.T
    rec.frame = "engine"
    rec.axes = {"forward": _name(fwd), "vertical": _name(up), "right": _name(right),
                "setting": _setting(rec)}
    _check_sides(rec)
    return rec


def _setting(rec: Recording) -> str:
    """Treadmill when the pelvis travels less than 0.5 m/s on average (unknown without it)."""
    if not rec.has("pelvis"):
        return "unknown"
    x = rec.landmark("pelvis")[:, 0]
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return "unknown"
    t = rec.time[ok]
    speed = abs(x[ok][-1] - x[ok][0]) / max(t[-1] - t[0], 1e-9)
    return "overground" if speed > 0.5 else "treadmill"


def _check_sides(rec: Recording) -> None:
    if rec.has("L_foot") and rec.has("R_foot"):
        dz = np.nanmedian(rec.landmark("R_foot")[:, 2] - rec.landmark("L_foot")[:, 2])
        if dz < 0:
            rec.warnings.append(
                f"{rec.path.name}: the right-foot markers lie to the left of the left-foot "
                "markers; labels may be swapped or the lab frame mirrored"
            )
