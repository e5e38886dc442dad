"""Virtual inertial sensors (IMUs) computed from marker motion capture, with plate ground truth.

A sensor strapped to a segment moves with the segment's marker cluster. For each simulated
position (feet, shanks, lower back) this module

1. low-pass filters the cluster's markers (zero-lag 4th-order Butterworth,
   :func:`stridelab.signal.lowpass`) and resamples them to the sensor rate (cubic spline);
2. fits the cluster's rigid reference shape onto every sample (least squares, Söderkvist &
   Wedin 1993, J Biomech 26:1473; Challis 1995, J Biomech 28:733;
   :func:`stridelab.io.clusters.rigid_fit`), giving the segment orientation ``R(t)``;
3. takes the angular velocity in the segment (sensor) frame from consecutive orientations,
   ``w = log(R(t-dt)^T R(t+dt)) / (2 dt)`` (the body-frame angular velocity, Murray, Li &
   Sastry 1994, A Mathematical Introduction to Robotic Manipulation, ch. 2);
4. takes the specific force at the sensor point, its second derivative of position minus
   gravity, rotated into the sensor frame (``f = R^T (a - g)``; a still sensor reads +9.81
   m/s^2 along its upward axis), as in the virtual-IMU studies that validate inertial
   algorithms on motion capture (e.g. Young et al. 2011, BSN 2011: IMUSim);
5. adds a fixed mounting tilt, a constant bias and white noise per sensor (seeded).

The segment (body) frame follows :mod:`stridelab.io.imu`: x forward, y up, z to the runner's
right. For the feet it is the foot's orientation while flat on the ground (the samples of
least angular speed, i.e. mid-stance), headed along the heel-to-toe line; for the shanks the
long axis is y and z is the lab's right, orthogonalised; for the lower back the mean pelvis
orientation. Left and right use the same axes (no mirroring of the sensor frame).

Ground truth comes from the recording's force plate (:class:`ForcePlateEventDetection` at
20 N after a 50 Hz zero-lag low-pass).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline
from scipy.spatial.transform import Rotation

from stridelab.errors import InputFileError
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.io.clusters import reference_shape, rigid_fit, segment_clusters
from stridelab.io.imu import POSITIONS, G, ImuRecording, ImuSensor
from stridelab.io.recording import Recording
from stridelab.signal import fill_gaps, lowpass

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only

CLUSTER_OF = {"left_foot": "L_foot", "right_foot": "R_foot", "left_shank": "L_shank",
              "right_shank": "R_shank", "lower_back": "pelvis"}
"""The marker cluster (see :func:`stridelab.io.clusters.segment_clusters`) of each position."""

GYR_NOISE_DENSITY = 0.007
"""Gyroscope white-noise density, deg/s/sqrt(Hz) (Bosch BMI160 data sheet, BST-BMI160-DS000,
2020: 0.007 deg/s/sqrt(Hz))."""

ACC_NOISE_DENSITY = 180e-6 * G
"""Accelerometer white-noise density, m/s^2/sqrt(Hz) (BMI160: 180 micro-g/sqrt(Hz))."""

GYR_BIAS = 3.0
"""Largest gyroscope zero-rate offset, deg/s (BMI160: +/-3 deg/s after soldering)."""

ACC_BIAS = 0.04 * G
"""Largest accelerometer zero-g offset, m/s^2 (BMI160: +/-40 mg)."""


def mirror_recording(rec: Recording) -> Recording:
    """The runner mirrored left-right: z negated, the force plates' z too.

    Marker names keep their side letters, so the left foot's cluster now moves as a right foot
    would; :class:`VirtualImu` with ``mirror=True`` swaps the positions' sides to match.
    """
    flip = np.array([1.0, 1.0, -1.0])
    points = {k: v * flip for k, v in rec.points.items()}
    plates = [replace(p, force=p.force * flip, cop=None if p.cop is None else p.cop * flip)
              for p in rec.plates]
    return replace(rec, points=points, plates=plates)


def _cluster_positions(rec: Recording, name: str) -> tuple[list[str], np.ndarray]:
    markers = segment_clusters(rec).get(name)
    if not markers:
        raise InputFileError(rec.path, f"no marker cluster for {name} (three or more markers "
                             "on the segment): cannot place a virtual sensor there")
    return markers, np.stack([rec.points[m] for m in markers], axis=1)


def _rotation_mean(rot: np.ndarray) -> np.ndarray:
    """Chordal L2 mean of rotations ``(n, 3, 3)`` (the nearest rotation to their average)."""
    u, _, vt = np.linalg.svd(np.nanmean(rot, axis=0))
    d = np.sign(np.linalg.det(u @ vt))
    return u @ np.diag([1.0, 1.0, d]) @ vt


def _heading(vec: np.ndarray) -> np.ndarray:
    """Rotation whose x is ``vec`` flattened onto the ground, y up, z = x cross y."""
    x = np.array([vec[0], 0.0, vec[2]])
    x = x / np.linalg.norm(x) if np.linalg.norm(x) > 1e-9 else np.array([1.0, 0.0, 0.0])
    y = np.array([0.0, 1.0, 0.0])
    return np.column_stack([x, y, np.cross(x, y)])


def random_tilt(angle_deg: float, rng: np.random.Generator) -> np.ndarray:
    """Rotation of ``angle_deg`` about a random axis (uniform on the sphere)."""
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    return Rotation.from_rotvec(np.radians(angle_deg) * axis).as_matrix()


class VirtualImu:
    """Virtual IMUs on the feet, shanks and lower back of a motion-capture recording.

    Parameters
    ----------
    fs
        Output rate, Hz (``None``: the recording's own rate).
    positions
        Body positions to simulate (keys of :data:`CLUSTER_OF`).
    frame
        ``"sensor"``: each sensor tilted by ``tilt_deg`` about a random axis;
        ``"body"``: no tilt, the axes of :mod:`stridelab.io.imu` (for development).
    tilt_deg
        Mounting tilt angle, degrees (ignored with ``frame="body"``).
    noise_scale
        Multiplier of the white-noise densities (:data:`GYR_NOISE_DENSITY`,
        :data:`ACC_NOISE_DENSITY`); ``0`` for none.
    bias_scale
        Multiplier of the largest biases (:data:`GYR_BIAS`, :data:`ACC_BIAS`); each sensor's
        bias is drawn uniformly within +/- that figure per axis; ``0`` for none.
    lowpass_hz
        Zero-lag low-pass cut-off applied to the markers before differentiation, Hz.
    mirror
        Mirror the runner left-right (:func:`mirror_recording`): the left foot's markers
        become a right foot, and the plate's contacts change side accordingly.
    seed
        Seed of the tilt, bias and noise draws.
    plate_threshold_n, plate_lowpass_hz
        Ground truth: contact while the vertical force filtered at ``plate_lowpass_hz``
        exceeds ``plate_threshold_n``.

    Attributes
    ----------
    imu_
        The :class:`~stridelab.io.imu.ImuRecording` (layout ``"virtual"``).
    contacts_
        Reference contacts from the force plate (``side``, ``ic_s``, ``to_s``), sides
        swapped when mirrored; times on the IMU's clock (both start at the recording's start).
    orientation_
        Per position, ``(n, 3, 3)`` body-frame orientation in the engine frame at the output
        rate (columns: the body's x, y, z axes).
    tilt_
        Per position, the ``(3, 3)`` rotation from sensor to body axes
        (``v_body = tilt @ v_sensor``).
    bias_
        Per position, ``(acc_bias, gyr_bias)`` added.
    warnings_
        Problems met (e.g. missing marker samples bridged).
    """

    def __init__(self, fs: float | None = None, positions: tuple[str, ...] = POSITIONS,
                 frame: str = "sensor", tilt_deg: float = 10.0, noise_scale: float = 1.0,
                 bias_scale: float = 1.0, lowpass_hz: float = 20.0, mirror: bool = False,
                 seed: int = 0, plate_threshold_n: float = 20.0,
                 plate_lowpass_hz: float = 50.0) -> None:
        self.fs = fs
        self.positions = positions
        self.frame = frame
        self.tilt_deg = tilt_deg
        self.noise_scale = noise_scale
        self.bias_scale = bias_scale
        self.lowpass_hz = lowpass_hz
        self.mirror = mirror
        self.seed = seed
        self.plate_threshold_n = plate_threshold_n
        self.plate_lowpass_hz = plate_lowpass_hz

    def simulate(self, rec: Recording) -> Self:
        """Compute the virtual sensors of ``rec`` and its force-plate contacts.

        Parameters
        ----------
        rec
            A recording in the engine frame (:func:`stridelab.io.frame.to_engine_frame`)
            with the marker clusters of the positions asked for.

        Returns
        -------
        Self
            This simulator, with ``imu_``, ``contacts_``, ``orientation_``, ``tilt_``,
            ``bias_`` and ``warnings_`` set.

        Raises
        ------
        InputFileError
            When ``rec`` is not in the engine frame or lacks a cluster.
        """
        if self.frame not in ("sensor", "body"):
            raise ValueError(f"frame must be 'sensor' or 'body', got {self.frame!r}")
        if rec.frame != "engine":
            raise InputFileError(rec.path, "the recording is not in the engine frame: call "
                                 "stridelab.io.frame.to_engine_frame first")
        unknown = [p for p in self.positions if p not in CLUSTER_OF]
        if unknown:
            raise ValueError(f"unknown positions {unknown}; one of {list(CLUSTER_OF)}")
        rng = np.random.default_rng(self.seed)
        self.warnings_: list[str] = []
        self.contacts_ = self._reference(rec)
        src = mirror_recording(rec) if self.mirror else rec
        fs_out = float(self.fs or rec.fs)
        t_in = np.arange(rec.n_frames) / rec.fs
        n_out = int(np.floor(t_in[-1] * fs_out)) + 1
        t_out = np.arange(n_out) / fs_out
        sensors, self.orientation_, self.tilt_, self.bias_ = {}, {}, {}, {}
        for pos in self.positions:
            cluster = CLUSTER_OF[pos]
            if self.mirror:
                cluster = {"L": "R", "R": "L"}.get(cluster[0], "") + cluster[1:] \
                    if cluster[0] in "LR" else cluster
            rot, acc_e, gyr_b = self._segment(src, cluster, t_in, t_out, fs_out)
            self.orientation_[pos] = rot
            tilt = (np.eye(3) if self.frame == "body"
                    else random_tilt(self.tilt_deg, rng))
            self.tilt_[pos] = tilt
            acc_b = np.einsum("nji,nj->ni", rot, acc_e)  # R^T f
            acc_s, gyr_s = acc_b @ tilt, gyr_b @ tilt  # (tilt^T v) for each row
            b_acc = self.bias_scale * ACC_BIAS * rng.uniform(-1, 1, 3)
            b_gyr = self.bias_scale * GYR_BIAS * rng.uniform(-1, 1, 3)
            self.bias_[pos] = (b_acc, b_gyr)
            sd = np.sqrt(fs_out / 2) * self.noise_scale
            acc_s = acc_s + b_acc + rng.normal(0, ACC_NOISE_DENSITY * sd, acc_s.shape)
            gyr_s = gyr_s + b_gyr + rng.normal(0, GYR_NOISE_DENSITY * sd, gyr_s.shape)
            sensors[pos] = ImuSensor(pos, acc_s, gyr_s, frame=self.frame)
        self.imu_ = ImuRecording(sensors, fs_out, rec.path, layout="virtual",
                                 warnings=list(self.warnings_))
        return self

    def _reference(self, rec: Recording) -> pd.DataFrame:
        """Force-plate contacts, sides swapped when mirrored."""
        if not rec.plates:
            return pd.DataFrame(columns=["side", "ic_s", "to_s"])
        det = ForcePlateEventDetection(threshold_n=self.plate_threshold_n,
                                       lowpass_hz=self.plate_lowpass_hz).detect(rec)
        out = det.contacts_[["side", "ic_s", "to_s"]].copy()
        if self.mirror:
            out["side"] = out["side"].map({"L": "R", "R": "L"}).fillna("?")
        return out

    def _segment(self, rec: Recording, cluster: str, t_in: np.ndarray, t_out: np.ndarray,
                 fs_out: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Orientation, engine-frame specific force and body-frame angular velocity (deg/s)."""
        markers, x = _cluster_positions(rec, cluster)
        n_missing = int((~np.isfinite(x).all(axis=(1, 2))).sum())
        if n_missing:
            self.warnings_.append(f"{rec.path.name}: {cluster}: {n_missing} samples with a "
                                  "missing marker bridged by a cubic spline")
            x = fill_gaps(x.reshape(len(x), -1), rec.fs, np.inf).reshape(x.shape)
            if not np.isfinite(x).all():
                raise InputFileError(rec.path, f"{cluster}: markers missing at the start or "
                                     "end of the recording: cannot simulate a sensor there")
        flat = x.reshape(len(x), -1)
        flat = np.column_stack([lowpass(flat[:, j], rec.fs, self.lowpass_hz)
                                for j in range(flat.shape[1])])
        x_out = CubicSpline(t_in, flat)(t_out).reshape(len(t_out), *x.shape[1:])
        _, shape = reference_shape(x_out)
        rot, trans = rigid_fit(shape, x_out)
        body = self._body_axes(rec, cluster, markers, shape, rot)
        rot_b = rot @ body  # body axes in the engine frame
        point = self._sensor_point(rec, cluster, markers, shape)  # in shape coords
        p = np.einsum("nij,j->ni", rot, point) + trans
        dt = 1.0 / fs_out
        acc = np.gradient(np.gradient(p, dt, axis=0), dt, axis=0)
        acc[:, 1] += G  # specific force: a - g, with g = (0, -G, 0)
        r = Rotation.from_matrix(rot_b)
        gyr = np.zeros((len(rot_b), 3))
        gyr[1:-1] = (r[:-2].inv() * r[2:]).as_rotvec() / (2 * dt)
        gyr[0], gyr[-1] = gyr[1], gyr[-2]
        return rot_b, acc, np.degrees(gyr)

    def _body_axes(self, rec: Recording, cluster: str, markers: list[str], shape: np.ndarray,
                   rot: np.ndarray) -> np.ndarray:
        """``B`` (3, 3): the body axes in the shape's coordinates (``R(t) B`` in the engine)."""
        if cluster.endswith("_foot"):
            speed = np.linalg.norm(np.gradient(Rotation.from_matrix(rot).as_rotvec(), axis=0),
                                   axis=1)
            flat = speed <= np.nanpercentile(speed, 10)
            r_flat = _rotation_mean(rot[flat])
            heel, toe = self._foot_line(rec, cluster, markers, shape)
            heading = _heading(r_flat @ (toe - heel)) if heel is not None else np.eye(3)
            return r_flat.T @ heading
        if cluster.endswith("_shank"):
            lm = rec.markerset.landmarks
            side = cluster[0]
            top = [markers.index(m) for m in lm.get(f"{side}_shank_top", []) if m in markers]
            bottom = [markers.index(m) for m in lm.get(f"{side}_shank_bottom", [])
                      if m in markers]
            r_mean = _rotation_mean(rot)
            if top and bottom:
                y = r_mean @ (shape[top].mean(axis=0) - shape[bottom].mean(axis=0))
            else:
                y = r_mean @ np.array([0.0, 1.0, 0.0])
            y /= np.linalg.norm(y)
            z = np.array([0.0, 0.0, 1.0]) - y[2] * y
            z /= np.linalg.norm(z)
            return r_mean.T @ np.column_stack([np.cross(y, z), y, z])
        return _rotation_mean(rot).T  # lower back: the mean pelvis orientation

    @staticmethod
    def _foot_line(rec: Recording, cluster: str, markers: list[str],
                   shape: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        lm = rec.markerset.landmarks
        side = cluster[0]
        heel = [markers.index(m) for m in lm.get(f"{side}_heel", []) if m in markers]
        toe = [markers.index(m) for m in lm.get(f"{side}_toe", []) if m in markers]
        if not heel or not toe:
            return None, None
        return shape[heel].mean(axis=0), shape[toe].mean(axis=0)

    def _sensor_point(self, rec: Recording, cluster: str, markers: list[str],
                      shape: np.ndarray) -> np.ndarray:
        """Sensor location in shape coordinates (before the body rotation is applied).

        Foot: the instep, the cluster's centroid (shoe-lace sensors sit near the midfoot);
        shank: the cluster's centroid (mid-shank); lower back: between the PSIS markers when
        named, else the centroid (sacrum).
        """
        if cluster == "pelvis":
            back = [i for i, m in enumerate(markers) if "PSIS" in m.upper()]
            if back:
                return shape[back].mean(axis=0)
        return shape.mean(axis=0)
