"""Each contact's foot-strike pattern, by the best method the recording allows.

1. **Strike index from the force plate** (Cavanagh & Lafortune 1980, J Biomech 13:397): the
   centre of pressure where the foot first loads the plate, along the foot's long axis from
   the heel, as a share of foot length; rear third rearfoot, middle third midfoot, front third
   forefoot (``kinematics.strike_index.*``). The plate's centre of pressure is noisy while the
   force is small (here +/-10 cm near the 30 N contact level), so it is read from the
   low-passed moments and force (the moment ``COP x F`` filtered like the force, then divided)
   where the force first reaches ``kinematics.strike_index.cop_force_n`` after the plate was
   unloaded. Foot length is the heel marker to the virtual toe tip of the event detector
   (``toe = MT + k (MT - heel)``, ``gait.kinematic.toe_extension``): markers do not give the
   shoe's length, and a longer foot gives a smaller index.
2. **Foot angle referenced to standing** (Altman & Davis 2012, Gait Posture 35:298): the
   heel-to-toe line at initial contact minus the same line in the runner's static trial, the
   reference their bands (``kinematics.foot_strike.*``) assume. Markers sit at different
   heights on heel and forefoot, so the line is tilted even when standing (4.6-4.8 deg in
   ``RBDS001static.c3d``).
3. **Foot angle against the floor**: the heel-to-toe line at initial contact, when no static
   trial is found (video, keypoints, a lone trial).

A static trial is found beside a C3D recording (:func:`find_static_trial`): a file whose name
holds ``static`` and whose other part begins the recording's name (``RBDS001static.c3d`` for
``RBDS001runT35.c3d``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.io.recording import ForcePlate, Recording
from stridelab.signal import lowpass, threshold_crossings
from stridelab.summary.build import STRIKE_METHODS
from stridelab.thresholds import threshold


def strike_label(index: float) -> str | None:
    """Rearfoot / midfoot / forefoot from a strike index (0-1 of foot length from the heel)."""
    if not np.isfinite(index):
        return None
    if index < threshold("kinematics.strike_index.rearfoot_max"):
        return "rearfoot"
    if index >= threshold("kinematics.strike_index.forefoot_min"):
        return "forefoot"
    return "midfoot"


def angle_label(inclination_deg: float) -> str | None:
    """Rearfoot / midfoot / forefoot from the foot angle at contact (Altman & Davis 2012)."""
    if not np.isfinite(inclination_deg):
        return None
    if inclination_deg > threshold("kinematics.foot_strike.rearfoot_min_deg"):
        return "rearfoot"
    if inclination_deg < threshold("kinematics.foot_strike.forefoot_max_deg"):
        return "forefoot"
    return "midfoot"


# -- force plate ----------------------------------------------------------------------------

def plate_force_and_cop(plate: ForcePlate) -> tuple[np.ndarray, np.ndarray]:
    """The plate's vertical force (N) and centre of pressure (m, ``(n, 3)``), low-passed.

    The centre of pressure is rebuilt from moments: ``COP x F`` and ``F`` are each low-passed
    (``gait.forceplate.lowpass_hz``, zero lag) and divided, which weights each sample by its
    force instead of letting the near-zero force of first contact scatter it.
    """
    fy = np.nan_to_num(plate.force[:, 1].astype(float))
    if np.median(fy) < 0:  # the reaction on the plate: flip to the ground reaction force
        fy = -fy
    cutoff = threshold("gait.forceplate.lowpass_hz")
    force = lowpass(fy, plate.fs, cutoff)
    cop = np.nan_to_num(np.asarray(plate.cop, dtype=float))
    moments = np.column_stack([lowpass(cop[:, k] * fy, plate.fs, cutoff) for k in range(3)])
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = moments / force[:, None]
    centre[force <= 0] = np.nan
    return force, centre


def _loading_points(plate: ForcePlate) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each contact's onset (s), and the time (s) and centre of pressure (m) of first loading.

    Onsets are where the low-passed force rises through ``gait.forceplate.contact_threshold``
    from an unloaded plate; the centre of pressure is read where the force first reaches
    ``kinematics.strike_index.cop_force_n`` within ``kinematics.strike_index.max_offset_s``.
    """
    if plate.cop is None or len(plate.force) < 2:
        return np.zeros(0), np.zeros(0), np.zeros((0, 3))
    force, centre = plate_force_and_cop(plate)
    onsets, _ = threshold_crossings(force, plate.fs, threshold("gait.forceplate.contact_threshold"),
                                    threshold("gait.forceplate.min_contact"),
                                    threshold("gait.forceplate.min_gap"))
    level = threshold("kinematics.strike_index.cop_force_n")
    window = int(round(threshold("kinematics.strike_index.max_offset_s") * plate.fs))
    times, points = np.full(len(onsets), np.nan), np.full((len(onsets), 3), np.nan)
    for n, t0 in enumerate(onsets):
        start = int(np.ceil(t0 * plate.fs))
        loaded = np.flatnonzero(force[start:start + window] >= level)
        if loaded.size:
            times[n] = (start + loaded[0]) / plate.fs
            points[n] = centre[start + loaded[0]]
    return np.asarray(onsets, dtype=float), times, points


def _at(rec: Recording, name: str, t: float) -> np.ndarray:
    """A landmark's position at time ``t`` (s), interpolated between frames."""
    xyz = rec.landmark(name)
    i = np.arange(rec.n_frames)
    return np.array([np.interp(t * rec.fs, i, xyz[:, k], left=np.nan, right=np.nan)
                     for k in range(3)])


def strike_index(rec: Recording, side: str, t: float, cop: np.ndarray) -> float:
    """The strike index of a centre of pressure ``cop`` under foot ``side`` at time ``t``.

    Returns
    -------
    float
        The share of foot length from the heel (``NaN`` without heel and toe landmarks, or
        when the point lies far outside the foot: another foot's load, or none).
    """
    if (not (rec.has(f"{side}_heel") and rec.has(f"{side}_toe")) or not np.isfinite(t)
            or not np.isfinite(cop).all()):
        return np.nan
    heel, toe = _at(rec, f"{side}_heel", t), _at(rec, f"{side}_toe", t)
    axis = (toe - heel)[[0, 2]]
    length = np.linalg.norm(axis)
    if not np.isfinite(length) or length <= 0:
        return np.nan
    foot = (1.0 + threshold("gait.kinematic.toe_extension")) * length
    index = float((cop[[0, 2]] - heel[[0, 2]]) @ (axis / length) / foot)
    margin = threshold("kinematics.strike_index.outside_margin")
    return index if -margin <= index <= 1.0 + margin else np.nan


def strike_indices(strides: pd.DataFrame, rec: Recording) -> pd.Series:
    """Each stance's strike index from the force plates of ``rec`` (``NaN`` where none).

    A stance takes the plate contact whose onset lies within
    ``kinematics.strike_index.max_offset_s`` of its initial contact; the foot's markers are
    read at the instant the centre of pressure is (on a treadmill the foot moves with the belt).
    """
    out = pd.Series(np.nan, index=strides.index, dtype=float)
    offset = threshold("kinematics.strike_index.max_offset_s")
    for plate in rec.plates:
        onsets, times, points = _loading_points(plate)
        if not onsets.size:
            continue
        for row in strides.itertuples():
            near = np.flatnonzero(np.abs(onsets - row.ic_s) <= offset)
            if near.size and not np.isfinite(out[row.Index]):
                k = near[np.argmin(np.abs(onsets[near] - row.ic_s))]
                out[row.Index] = strike_index(rec, row.side, times[k], points[k])
    return out


# -- static trial ---------------------------------------------------------------------------

def find_static_trial(path: Path) -> Path | None:
    """The static trial recorded beside ``path``, if any.

    A file in the same folder, with the same suffix, whose name holds ``static`` and whose
    name without it (and without separators) begins the recording's name.
    """
    path = Path(path)
    if "static" in path.stem.lower() or not path.parent.is_dir():
        return None
    for candidate in sorted(path.parent.glob(f"*{path.suffix}")):
        stem = candidate.stem.lower()
        if "static" not in stem:
            continue
        subject = stem.replace("static", "").strip("_- .")
        if subject and path.stem.lower().startswith(subject):
            return candidate
    return None


def standing_foot_angles(static: Recording) -> dict[str, float]:
    """Each foot's heel-to-toe angle (deg, + toes up) in a static trial in the engine frame."""
    out = {}
    for side in "LR":
        if static.has(f"{side}_heel") and static.has(f"{side}_toe"):
            d = static.landmark(f"{side}_toe") - static.landmark(f"{side}_heel")
            angle = float(np.nanmedian(np.degrees(np.arctan2(d[:, 1], d[:, 0]))))
            if np.isfinite(angle):
                out[side] = angle
    return out


def read_standing_reference(static_path: Path, rec: Recording) -> dict[str, float]:
    """The standing foot angles of the static trial at ``static_path``, in ``rec``'s axes.

    Returns an empty dict when the trial cannot be read (a one-frame trial, which the C3D
    reader refuses, a damaged file) or has no heel and toe markers.
    """
    from stridelab.io.c3d import read_c3d
    from stridelab.io.frame import to_engine_frame

    axes = rec.axes or {}
    try:
        static = to_engine_frame(read_c3d(static_path), vertical=axes.get("vertical"),
                                 forward=axes.get("forward"))
    except (InputFileError, ValueError, KeyError):
        return {}
    return standing_foot_angles(static)


# -- per stance ------------------------------------------------------------------------------

def classify_strikes(measures: pd.DataFrame, strides: pd.DataFrame, index: pd.Series,
                     standing: dict[str, float]) -> pd.DataFrame:
    """Add each stance's ``foot_strike``, ``foot_strike_method`` and ``strike_index``.

    The foot angle (``foot_inclination_ic_deg``) becomes relative to standing where
    ``standing`` holds that side's angle (the floor-referenced one is kept as
    ``foot_inclination_floor_ic_deg``).
    """
    out = measures.copy()
    angle = out.get("foot_inclination_ic_deg")
    if angle is not None and standing:
        out["foot_inclination_floor_ic_deg"] = angle
        offset = strides.side.map(standing)
        out["foot_inclination_ic_deg"] = angle - offset.fillna(0.0)
        referenced = offset.notna()
    else:
        referenced = pd.Series(False, index=out.index)
    labels, methods = [], []
    for i in out.index:
        if np.isfinite(index.get(i, np.nan)):
            labels.append(strike_label(index[i]))
            methods.append(STRIKE_METHODS["strike_index"])
        elif angle is not None and np.isfinite(out.at[i, "foot_inclination_ic_deg"]):
            labels.append(angle_label(out.at[i, "foot_inclination_ic_deg"]))
            methods.append(STRIKE_METHODS["standing" if referenced[i] else "floor"])
        else:
            labels.append(None)
            methods.append(None)
    out["foot_strike"] = pd.Series(labels, index=out.index, dtype=object)
    out["foot_strike_method"] = pd.Series(methods, index=out.index, dtype=object)
    out["strike_index"] = index.reindex(out.index)
    return out
