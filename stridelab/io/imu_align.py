"""Turn inertial sensors from their own (sensor) frame into the body frame, one by one.

The body frame (see :mod:`stridelab.io.imu`) has x forward, y up and z to the runner's right
for every position and both sides. Each sensor is aligned on its own, from its own data, in
two steps (the approach of gaitmap's ``align_dataset_to_gravity`` followed by a principal
component heading alignment, Küderle et al. 2024, JOSS 9:6202; and of Falbriard et al. 2018,
Front Physiol 9:610, who align foot sensors by gravity and the main axis of rotation):

1. **Gravity to +y.** A sensor lying still reads gravity alone (+9.81 m/s^2 along the axis
   that points up), so the mean specific force of the still periods (low angular velocity
   and a steady acceleration norm) gives the up direction. Without a still period:

   * feet: the foot's orientation at mid-stance (flat on the ground): from each stride's
     quietest sample the gyroscope is integrated half a stride each way and the readings
     turned into that sample's frame; over a whole stride the foot's acceleration averages
     to zero, so their mean is gravity (the zero-velocity principle of foot-worn inertial
     navigation, Foxlin 2005);
   * shanks and the lower back: the mean reading over the first several seconds of
     movement. Over whole strides the body's acceleration averages to about zero, so the
     mean reading is gravity; a segment's mean inclination over the stride is then taken as
     upright (for the shank a few degrees of forward lean; the price of no still period).

   The smallest rotation that turns that direction onto +y is applied.
2. **Heading about the vertical.**

   * Feet and shanks: the mediolateral axis (body z) is the principal axis of the
     horizontal angular velocity: a leg segment's largest rotations in running and walking
     are sagittal, about the mediolateral axis. Its sign, so that a positive rate about z
     lifts the toes / swings the distal end forward:

     - shank: the mid-swing peak (the largest angular velocity of the stride, the leg
       swinging forward) is positive (the common shank-gyroscope rule, Aminian et al. 2002,
       J Biomech 35:689; Kiernan et al. 2023, Sensors 23:5022);
     - foot: the foot's pitch angle (the integral of that rate) swings far further into
       plantar flexion (toes down, heel up behind the runner, 60-100 degrees after
       toe-off) than into dorsiflexion (10-25 degrees before initial contact), so the
       larger excursion of the pitch angle from its median is negative (foot angles from
       Falbriard et al. 2018 and Zrenner et al. 2020, Sensors 20:5705).

   * Lower back: the anteroposterior axis (body x) is the principal axis of the horizontal
     acceleration: in running the trunk's fore-aft acceleration (braking then propulsion at
     every step) is larger than its sideways sway. Its sign follows the ground reaction
     force: in the first half of each stance the runner brakes (negative fore-aft
     acceleration) while the vertical acceleration rises, in the second half propels while
     it falls, so the fore-aft acceleration runs against the vertical acceleration's rate of
     change (Cavanagh & Lafortune 1980, J Biomech 13:397; Munro et al. 1987, J Biomech
     20:147).

A sensor whose gravity reads negative along the axis expected to point up (the layout's
``up``, or +y) was worn upside down: the alignment corrects it (the gravity step turns it
over) and says so in a warning naming it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from importlib import resources

import numpy as np
import tomllib
from scipy.spatial.transform import Rotation

from stridelab.errors import InputFileError
from stridelab.io.imu import G, ImuRecording, ImuSensor
from stridelab.signal import stride_period
from stridelab.thresholds import threshold

__all__ = ["align_to_body", "gravity_direction", "heading_rotation", "moving_mean",
           "rotation_to_up"]

_AXES = {"x": 0, "y": 1, "z": 2}


def moving_mean(x: np.ndarray, n: int) -> np.ndarray:
    """Centred moving mean over ``n`` samples along axis 0 (edges: shorter windows)."""
    n = min(max(int(n), 1), max(len(x), 1))  # never wider than the signal
    x2 = x.reshape(len(x), -1)
    kernel = np.ones(n)
    num = np.apply_along_axis(lambda c: np.convolve(c, kernel, mode="same"), 0, x2)
    den = np.convolve(np.ones(len(x)), kernel, mode="same")[:, None]
    return (num / den).reshape(x.shape)


def still_mask(acc: np.ndarray, gyr: np.ndarray | None, fs: float) -> np.ndarray:
    """Samples inside still periods: low angular velocity and a steady acceleration norm.

    Over a centred window of ``imu.align.still_window_s`` the mean angular speed stays below
    ``imu.align.still_gyr_dps`` (when there is a gyroscope) and the standard deviation of the
    acceleration norm below ``imu.align.still_acc_sd``; the idea of gaitmap's static moment
    detection (a windowed activity measure under a threshold; Küderle et al. 2024) and of
    zero-velocity detectors (Skog et al. 2010, IEEE Trans Biomed Eng 57:2657).

    Parameters
    ----------
    acc
        ``(n, 3)`` specific force, m/s^2.
    gyr
        ``(n, 3)`` angular velocity, deg/s, or ``None``.
    fs
        Sampling rate, Hz.
    """
    n = max(int(round(threshold("imu.align.still_window_s") * fs)), 3)
    norm = np.linalg.norm(np.nan_to_num(acc), axis=1)
    mean = moving_mean(norm, n)
    sd = np.sqrt(np.maximum(moving_mean(norm**2, n) - mean**2, 0.0))
    mask = sd < threshold("imu.align.still_acc_sd")
    mask &= np.abs(mean - G) < 3 * threshold("imu.align.still_acc_sd") + 0.5
    if gyr is not None:
        speed = moving_mean(np.linalg.norm(np.nan_to_num(gyr), axis=1), n)
        mask &= speed < threshold("imu.align.still_gyr_dps")
    return mask & np.isfinite(acc).all(axis=1)


def gravity_direction(sensor: ImuSensor, fs: float) -> tuple[np.ndarray, str]:
    """Unit vector of the up direction in the sensor's frame, and how it was found.

    See the module's step 1.

    Parameters
    ----------
    sensor
        The sensor, in its own frame.
    fs
        Sampling rate, Hz.

    Returns
    -------
    up, how
        The unit vector (the mean specific force, which points up) and ``"still"``,
        ``"stride"`` (feet: whole strides seen from mid-stance) or ``"mean"`` (the mean
        over the movement).
    """
    acc, gyr = sensor.acc, sensor.gyr
    ok = np.isfinite(acc).all(axis=1)
    if gyr is not None:
        ok &= np.isfinite(gyr).all(axis=1)
    still = still_mask(acc, gyr, fs) & ok
    if still.sum() >= threshold("imu.align.still_min_s") * fs:
        vec, how = acc[still].mean(axis=0), "still"
    elif gyr is not None and sensor.position.endswith("_foot") and (
            (vec := _mid_stance_gravity(acc, gyr, fs)) is not None):
        how = "stride"
    else:
        n = int(round(threshold("imu.align.gravity_window_s") * fs))
        idx = np.flatnonzero(ok)[:max(n, 1)]
        vec, how = acc[idx].mean(axis=0), "mean"
    norm = float(np.linalg.norm(vec))
    if not np.isfinite(norm) or norm == 0:
        raise ValueError(f"{sensor.position}: no usable accelerometer samples to find gravity")
    return vec / norm, how


def _mid_stance_gravity(acc: np.ndarray, gyr: np.ndarray, fs: float) -> np.ndarray | None:
    """Gravity in a foot sensor's frame at mid-stance, from whole strides; ``None`` if none.

    Each stride's mid-stance is its sample of least angular speed (the foot flat on the
    ground; Falbriard et al. 2018, Skog et al. 2010). From there the gyroscope is integrated
    half a stride each way and the specific force rotated into the mid-stance frame: over one
    whole stride the foot ends as fast as it started, so its acceleration averages to zero
    and the mean rotated reading is gravity alone (the zero-velocity principle of foot-worn
    inertial navigation; Foxlin 2005, IEEE Comput Graph Appl 25:38). Half a stride of
    integration drifts by well under a degree with consumer gyroscope biases (0.1-1 deg/s).
    The mean direction over all strides is returned (not normalised).
    """
    ok = np.isfinite(acc).all(axis=1) & np.isfinite(gyr).all(axis=1)
    speed = np.where(ok, np.linalg.norm(np.nan_to_num(gyr), axis=1), np.inf)
    period = stride_period(np.where(ok, speed, np.nanmedian(speed[ok]) if ok.any() else 0),
                           fs, threshold("imu.align.stride_min_s"),
                           threshold("imu.align.stride_max_s"))
    if period is None:
        return None
    half = int(round(period * fs / 2))
    refs = []
    for start in range(half, len(speed) - half, 2 * half):
        k = start + int(np.argmin(speed[start:start + 2 * half]))
        if half <= k < len(speed) - half and ok[k - half:k + half].all():
            refs.append(k)
    refs = np.unique(refs)
    if len(refs) < 2:
        return None
    w = np.radians(gyr) / fs
    f = acc
    total = np.zeros((len(refs), 3))
    for direction in (1, -1):
        rot = Rotation.identity(len(refs))
        for j in range(half):
            idx = refs + direction * j
            if direction == 1:
                total += rot.apply(f[idx])
                rot = rot * Rotation.from_rotvec(w[idx])
            else:
                rot = rot * Rotation.from_rotvec(-w[idx])
                total += rot.apply(f[idx - 1])
    per_stride = total / np.linalg.norm(total, axis=1, keepdims=True)
    return per_stride.mean(axis=0)


def rotation_to_up(up: np.ndarray) -> np.ndarray:
    """The smallest rotation matrix taking the unit vector ``up`` onto +y (Rodrigues).

    Parameters
    ----------
    up
        Unit vector in the sensor frame.
    """
    y = np.array([0.0, 1.0, 0.0])
    v = np.cross(up, y)
    c = float(np.dot(up, y))
    s = float(np.linalg.norm(v))
    if s < 1e-12:
        # already up, or exactly upside down: turn half a circle about x
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    k = v / s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * (kx @ kx)


def _principal_horizontal(xz: np.ndarray) -> np.ndarray:
    """Unit principal axis (first eigenvector of the covariance) of ``(n, 2)`` samples."""
    xz = xz[np.isfinite(xz).all(axis=1)]
    xz = xz - xz.mean(axis=0)
    vals, vecs = np.linalg.eigh(xz.T @ xz)
    return vecs[:, int(np.argmax(vals))]


def _pitch_sign(pitch_rate: np.ndarray, fs: float, position: str) -> float:
    """+1 when ``pitch_rate`` (deg/s) already has the body convention's sign, else -1.

    See the module's step 2 for the rule per segment.
    """
    w = np.nan_to_num(pitch_rate - np.nanmean(pitch_rate))
    if position.endswith("_shank"):
        hi, lo = np.percentile(w, [99.5, 0.5])
        return 1.0 if hi >= -lo else -1.0
    angle = np.cumsum(w) / fs
    window = int(round(threshold("imu.align.pitch_detrend_s") * fs))
    angle = angle - moving_mean(angle, window)
    med = np.median(angle)
    hi, lo = np.percentile(angle, [99, 1])
    return 1.0 if (med - lo) >= (hi - med) else -1.0


def _step_symmetric(horizontal: np.ndarray, vertical: np.ndarray, fs: float) -> np.ndarray:
    """The part of the horizontal acceleration that repeats every step (lower back).

    The trunk's fore-aft acceleration repeats at every step (braking and propulsion under
    each foot) while its sideways sway alternates with the side of the stance foot, so it
    repeats only every stride: fore-aft and vertical accelerations are dominated by the even
    harmonics of the stride frequency, the mediolateral one by the odd ones (Moe-Nilssen &
    Helbostad 2004, J Biomech 37:121; the harmonic ratio of Smidt et al. 1977). Adding the
    signal to itself one step later keeps the fore-aft part and cancels most of the sway, so
    its principal axis is anteroposterior even when the sway is as large. The step is the
    period of the vertical acceleration (:func:`stridelab.signal.stride_period` between
    ``imu.align.step_min_s`` and ``imu.align.step_max_s``); without a clear rhythm the
    signal is returned as it is.
    """
    n = int(round(threshold("imu.align.gravity_window_s") * fs))
    v = vertical[:n]
    step = stride_period(np.nan_to_num(v - np.nanmean(v)), fs,
                         threshold("imu.align.step_min_s"), threshold("imu.align.step_max_s"))
    if step is None:
        return horizontal
    lag = int(round(step * fs))
    return horizontal[:-lag] + horizontal[lag:]


def _forward_sign(ap: np.ndarray, vertical: np.ndarray, fs: float) -> float:
    """+1 when ``ap`` already points forward (lower back), else -1; see the module."""
    ok = np.isfinite(ap) & np.isfinite(vertical)
    ap, vertical = ap[ok] - ap[ok].mean(), vertical[ok] - vertical[ok].mean()
    dv = np.gradient(vertical) * fs
    return 1.0 if float(np.dot(ap, dv)) <= 0 else -1.0


def heading_rotation(sensor_levelled: ImuSensor, fs: float) -> np.ndarray:
    """Rotation about +y that turns a levelled sensor (gravity already on +y) to the body frame.

    See the module's step 2.

    Parameters
    ----------
    sensor_levelled
        The sensor after the gravity step (its y axis up).
    fs
        Sampling rate, Hz.

    Returns
    -------
    numpy.ndarray
        ``(3, 3)`` matrix whose rows are the body x, y and z axes in the levelled frame.
    """
    pos = sensor_levelled.position
    acc, gyr = sensor_levelled.acc, sensor_levelled.gyr
    y = np.array([0.0, 1.0, 0.0])
    if pos == "lower_back" or gyr is None:
        e = _principal_horizontal(_step_symmetric(acc[:, [0, 2]], acc[:, 1], fs))
        x_axis = np.array([e[0], 0.0, e[1]])
        x_axis *= _forward_sign(acc @ x_axis, acc[:, 1], fs)
        z_axis = np.cross(x_axis, y)
    else:
        e = _principal_horizontal(gyr[:, [0, 2]])
        z_axis = np.array([e[0], 0.0, e[1]])
        z_axis *= _pitch_sign(gyr @ z_axis, fs, pos)
        x_axis = np.cross(y, z_axis)
    return np.vstack([x_axis, y, z_axis])


def _layout_up(layout: str) -> dict[str, str]:
    """Expected up axis per position (or ``"*"``) from the packaged layout, if it names one."""
    try:
        text = resources.files("stridelab.data").joinpath("imu_layouts.toml").read_text("utf-8")
        table = tomllib.loads(text).get(layout, {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    up = table.get("up")
    if isinstance(up, str):
        return {"*": up} if up else {}
    return dict(up) if isinstance(up, dict) else {}


def _axis_vector(spec: str) -> np.ndarray:
    """``"+z"``, ``"-x"``, ``"y"`` -> a unit vector."""
    spec = spec.strip().lower()
    sign = -1.0 if spec.startswith("-") else 1.0
    vec = np.zeros(3)
    vec[_AXES[spec.lstrip("+-")]] = sign
    return vec


def _rotate(sensor: ImuSensor, rot: np.ndarray) -> ImuSensor:
    gyr = None if sensor.gyr is None else sensor.gyr @ rot.T
    return replace(sensor, acc=sensor.acc @ rot.T, gyr=gyr, frame="body")


def align_to_body(rec: ImuRecording, up: dict[str, str] | None = None) -> ImuRecording:
    """A new recording with every sensor turned into the body frame (x fwd, y up, z right).

    Each sensor is aligned on its own from its own data: gravity onto +y, then the heading
    about the vertical from the principal axis of the horizontal angular velocity (feet,
    shanks) or acceleration (lower back), signed by the rules in this module's description
    (gaitmap's gravity and PCA alignment, Küderle et al. 2024; Falbriard et al. 2018).

    Parameters
    ----------
    rec
        Recording in the sensor frame. Sensors already in the body frame are kept.
    up
        Axis each sensor was expected to be worn with pointing up, by position (``"*"`` for
        all), e.g. ``{"*": "+z"}``; only used to warn of a sensor worn upside down. Default:
        the layout's ``up`` in ``imu_layouts.toml`` when ``rec.layout`` names one, else
        ``"+y"`` (the sensor worn close to the body axes).

    Returns
    -------
    ImuRecording
        A new recording; its warnings are ``rec.warnings`` plus one per sensor turned over
        or levelled without a still period. ``rec`` is left as it is.
    """
    expected = dict(up) if up is not None else _layout_up(rec.layout)
    if up is None and not expected and rec.layout not in _known_layouts():
        expected = {"*": "+y"}
    warnings = list(rec.warnings)
    sensors: dict[str, ImuSensor] = {}
    for pos, sensor in rec.sensors.items():
        if sensor.frame == "body":
            sensors[pos] = sensor
            continue
        try:
            g_dir, how = gravity_direction(sensor, rec.fs)
        except ValueError as exc:
            raise InputFileError(rec.path, str(exc)) from None
        spec = expected.get(pos, expected.get("*"))
        if spec and float(np.dot(g_dir, _axis_vector(spec))) < 0:
            angle = np.degrees(np.arccos(np.clip(np.dot(g_dir, _axis_vector(spec)), -1, 1)))
            worn = ("upside down" if angle > threshold("imu.align.upside_down_deg")
                    else "on its side")
            warnings.append(
                f"The {pos.replace('_', ' ')} sensor was worn {worn} (gravity "
                f"{angle:.0f} degrees from its expected up axis {spec}); turned over.")
        if how == "mean":
            warnings.append(
                f"The {pos.replace('_', ' ')} sensor has no still period: up was taken as "
                "its mean reading over the movement (its mean inclination counts as upright).")
        r1 = rotation_to_up(g_dir)
        levelled = _rotate(sensor, r1)
        r2 = heading_rotation(levelled, rec.fs)
        sensors[pos] = _rotate(sensor, r2 @ r1)
    return dataclasses.replace(rec, sensors=sensors, warnings=warnings)


def _known_layouts() -> set[str]:
    try:
        text = resources.files("stridelab.data").joinpath("imu_layouts.toml").read_text("utf-8")
        return set(tomllib.loads(text))
    except (OSError, tomllib.TOMLDecodeError):
        return set()
