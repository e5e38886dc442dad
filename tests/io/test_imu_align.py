"""Alignment of inertial sensors to the body frame (stridelab.io.imu_align).

Synthetic sensors with a known body-frame signal are worn with a known mounting rotation
(tilts, headings, upside down, both sides); the alignment must find the body frame again.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from scipy.interpolate import PchipInterpolator
from scipy.spatial.transform import Rotation

from stridelab.io.imu import G, ImuRecording, ImuSensor
from stridelab.io.imu_align import align_to_body, gravity_direction

FS = 200.0


def _profile(u: np.ndarray, knots_u: list[float], knots_a: list[float]) -> np.ndarray:
    """Shape-preserving (PCHIP) curve through ``(knots_u, knots_a)`` at stride phases ``u``
    (flat where two knots are equal: no overshoot in mid-stance)."""
    return PchipInterpolator(knots_u, knots_a)(u)


#: Sagittal angles (deg, + toes up / distal end forward) over a running stride from initial
#: contact: the foot flat in mid-stance, kicked up behind after toe-off (-90 deg), toes up
#: (+20 deg) before the next contact; the shank from +10 deg at contact to -25 at toe-off,
#: -70 in early swing, then swung fast forward to +20 (Falbriard 2018; Novacheck 1998).
PROFILES = {
    "foot": ([0.0, 0.05, 0.25, 0.40, 0.55, 0.90, 0.97, 1.0],
             [15.0, 0.0, 0.0, -60.0, -90.0, 15.0, 20.0, 15.0]),
    "shank": ([0.0, 0.38, 0.55, 0.88, 0.95, 1.0], [10.0, -25.0, -70.0, 20.0, 15.0, 10.0]),
}


def _leg_sensor(position: str, seconds: float = 12.0, stride_s: float = 0.7,
                rng: np.random.Generator | None = None,
                still_s: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Body-frame (acc m/s^2, gyr deg/s) of a foot or shank in running; optional still start.

    Physically consistent: the segment turns by the sagittal profile (about z) and a little
    roll (about x); the gyroscope is the body-frame angular velocity of that orientation, the
    accelerometer the world acceleration (the derivative of a velocity that repeats every
    stride and rests in mid-stance) plus gravity, seen from the segment.
    """
    rng = rng or np.random.default_rng(0)
    t = np.arange(int(seconds * FS)) / FS
    u = ((t / stride_s) + (0.0 if position.startswith("left") else 0.5)) % 1.0
    pitch = _profile(u, *PROFILES[position.split("_")[1]])
    swing = np.clip(np.abs(u - 0.15) / 0.1 - 1, 0, 1) ** 2  # 0 in mid-stance (u 0.05-0.25)
    roll = 5 * np.sin(2 * np.pi * u) * swing
    vel = np.c_[3 * np.sin(np.pi * u) ** 2, 0.8 * np.sin(2 * np.pi * u), 0.3 * np.sin(
        2 * np.pi * u)] * swing[:, None]
    if still_s:
        n0 = int(still_s * FS)
        pitch = np.r_[np.full(n0, pitch[0]), pitch[: len(t) - n0]]
        roll = np.r_[np.full(n0, roll[0]), roll[: len(t) - n0]]
        vel = np.r_[np.repeat(vel[:1], n0, axis=0), vel[: len(t) - n0]]
        pitch[:n0] = 0.0
        roll[:n0] = 0.0
    rot = Rotation.from_euler("ZX", np.c_[pitch, roll], degrees=True)  # body -> world
    step = (rot[:-1].inv() * rot[1:]).as_rotvec(degrees=True) * FS
    gyr = np.r_[step[:1], (step[:-1] + step[1:]) / 2, step[-1:]]
    acc_world = np.gradient(vel, axis=0) * FS + np.array([0.0, G, 0.0])
    acc = rot.inv().apply(acc_world) + rng.normal(0, 0.2, (len(t), 3))
    gyr = gyr + rng.normal(0, 1.0, gyr.shape)
    return acc, gyr


def _back_sensor(seconds: float = 12.0, step_s: float = 0.34,
                 rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Body-frame lower-back signals of running: vertical bumps each step, braking then
    propulsion under each foot, a sideways sway once per stride larger than both."""
    rng = rng or np.random.default_rng(0)
    t = np.arange(int(seconds * FS)) / FS
    u = (t / step_s) % 1.0
    stance = u < 0.4
    v = np.where(stance, 14 * np.sin(np.pi * u / 0.4), -G * 0.9)
    ap = np.where(stance, -4 * np.sin(2 * np.pi * u / 0.4), 0.0)
    ml = 7 * np.sin(np.pi * t / step_s)  # one period per stride (two steps)
    acc = np.c_[ap, G + v - v.mean(), ml] + rng.normal(0, 0.2, (len(t), 3))
    gyr = np.c_[20 * np.sin(np.pi * t / step_s), 30 * np.sin(np.pi * t / step_s + 1),
                10 * np.sin(2 * np.pi * t / step_s)] + rng.normal(0, 2, (len(t), 3))
    return acc, gyr


def _worn(acc: np.ndarray, gyr: np.ndarray | None, mount: np.ndarray):
    """Readings of a sensor worn turned: sensor components = ``mount.T @ body components``,
    so the rotation from the sensor to the body frame is ``mount``."""
    return acc @ mount, None if gyr is None else gyr @ mount


def _angle_between(a: np.ndarray, b: np.ndarray) -> float:
    """Angle of the rotation taking frame ``b`` to frame ``a`` (deg)."""
    m = a @ b.T
    return float(np.degrees(np.arccos(np.clip((np.trace(m) - 1) / 2, -1, 1))))


def _recovered(raw_acc: np.ndarray, out_acc: np.ndarray) -> np.ndarray:
    """The sensor->body matrix the alignment applied (least squares, exact for a rotation)."""
    return np.linalg.lstsq(raw_acc, out_acc, rcond=None)[0].T


MOUNTS = [
    ("small tilt", (8, -5, 12)),
    ("on the side", (90, 20, 0)),
    ("heading 120", (0, 120, 10)),
    ("tilted 30 and turned", (30, -75, 25)),
]


@pytest.mark.parametrize("position", ["left_foot", "right_foot", "left_shank", "right_shank",
                                      "lower_back"])
@pytest.mark.parametrize("name,euler", MOUNTS, ids=[m[0] for m in MOUNTS])
def test_tilted_sensor_realigned(position, name, euler):
    rng = np.random.default_rng(zlib.crc32(f"{position} {name}".encode()))
    acc, gyr = (_back_sensor(rng=rng) if position == "lower_back"
                else _leg_sensor(position, rng=rng, still_s=2.0))
    mount = Rotation.from_euler("xyz", euler, degrees=True).as_matrix()
    raw_acc, raw_gyr = _worn(acc, gyr, mount)
    rec = ImuRecording({position: ImuSensor(position, raw_acc, raw_gyr)}, FS, "synthetic.csv")
    out = align_to_body(rec)
    sensor = out.sensors[position]
    assert sensor.frame == "body"
    found = _recovered(raw_acc, sensor.acc)
    error = _angle_between(found, mount)
    assert error < 2.0, f"{position} {name}: off by {error:.1f} deg"
    # the gyroscope is turned by the same rotation
    np.testing.assert_allclose(sensor.gyr, raw_gyr @ found.T, atol=1e-6)
    assert rec.sensors[position].frame == "sensor"  # the input is left as it is


@pytest.mark.parametrize("position", ["left_foot", "right_foot"])
def test_foot_without_still_period(position):
    """Running from the first sample: gravity from whole strides seen from mid-stance."""
    acc, gyr = _leg_sensor(position, rng=np.random.default_rng(3))
    mount = Rotation.from_euler("xyz", (20, 40, -10), degrees=True).as_matrix()
    raw_acc, raw_gyr = _worn(acc, gyr, mount)
    rec = ImuRecording({position: ImuSensor(position, raw_acc, raw_gyr)}, FS, "run.csv")
    assert gravity_direction(rec.sensors[position], FS)[1] == "stride"
    out = align_to_body(rec)
    found = _recovered(raw_acc, out.sensors[position].acc)
    assert _angle_between(found, mount) < 2.0
    assert not any("still" in w for w in out.warnings)


def test_upside_down_detected_and_corrected():
    acc, gyr = _leg_sensor("right_foot", rng=np.random.default_rng(4), still_s=2.0)
    mount = Rotation.from_euler("xyz", (180, 30, 5), degrees=True).as_matrix()
    raw_acc, raw_gyr = _worn(acc, gyr, mount)
    rec = ImuRecording({"right_foot": ImuSensor("right_foot", raw_acc, raw_gyr)}, FS,
                       "run.csv", warnings=["earlier warning"])
    out = align_to_body(rec)
    assert out.warnings[0] == "earlier warning"
    assert any("right foot" in w and "upside down" in w for w in out.warnings)
    still = out.sensors["right_foot"].acc[: int(1.5 * FS)].mean(axis=0)
    assert still[1] == pytest.approx(G, abs=0.1)
    found = _recovered(raw_acc, out.sensors["right_foot"].acc)
    assert _angle_between(found, mount) < 2.0
    # worn the right way up: no such warning
    ok = ImuRecording({"right_foot": ImuSensor("right_foot", acc, gyr)}, FS, "run.csv")
    assert not any("upside down" in w for w in align_to_body(ok).warnings)


def test_expected_up_axis_given():
    """A sensor meant to be worn z up (gaitmap's foot frame) read with y up is no warning
    when its layout says z; with z pointing down it is."""
    acc, gyr = _leg_sensor("left_foot", rng=np.random.default_rng(5), still_s=2.0)
    z_up = Rotation.from_euler("x", -90, degrees=True).as_matrix()  # sensor z = body y
    raw_acc, raw_gyr = _worn(acc, gyr, z_up)
    assert raw_acc[:100, 2].mean() > 9
    rec = ImuRecording({"left_foot": ImuSensor("left_foot", raw_acc, raw_gyr)}, FS, "x.csv")
    assert not any("upside down" in w for w in align_to_body(rec, up={"*": "+z"}).warnings)
    assert any("upside down" in w for w in align_to_body(rec, up={"*": "-z"}).warnings)


def test_sensors_aligned_each_on_its_own():
    rng = np.random.default_rng(6)
    sensors, mounts = {}, {}
    for pos, euler in (("left_foot", (10, 30, 0)), ("right_foot", (-15, -140, 5)),
                       ("lower_back", (0, 90, 8))):
        acc, gyr = (_back_sensor(rng=rng) if pos == "lower_back"
                    else _leg_sensor(pos, rng=rng, still_s=2.0))
        mounts[pos] = Rotation.from_euler("xyz", euler, degrees=True).as_matrix()
        sensors[pos] = ImuSensor(pos, *_worn(acc, gyr, mounts[pos]))
    out = align_to_body(ImuRecording(sensors, FS, "three.csv"))
    for pos, mount in mounts.items():
        found = _recovered(sensors[pos].acc, out.sensors[pos].acc)
        assert _angle_between(found, mount) < 2.0, pos


def test_lower_back_accelerometer_only():
    acc, _ = _back_sensor(rng=np.random.default_rng(7))
    mount = Rotation.from_euler("xyz", (-90, 10, 60), degrees=True).as_matrix()
    raw_acc, _ = _worn(acc, None, mount)
    rec = ImuRecording({"lower_back": ImuSensor("lower_back", raw_acc)}, FS, "sacrum.csv")
    out = align_to_body(rec)
    assert out.sensors["lower_back"].gyr is None
    found = _recovered(raw_acc, out.sensors["lower_back"].acc)
    # no still period: up from the mean reading, which the body acceleration barely moves
    assert _angle_between(found, mount) < 2.0
    assert any("no still period" in w for w in out.warnings)


def test_real_sacral_running_forward_sign(shared_file):
    """Alcantara et al. 2022's sacral accelerometer (vertical and fore-aft, 500 Hz, 31 trials
    at 2.5-4.2 m/s on -10..+10 deg slopes), worn at random headings and tilts: the fore-aft
    axis and its forward sign (braking then propulsion) are found again (every third trial
    here; all 31 agree)."""
    acc_table = pd.read_csv(shared_file("imu/running_sacrum/Accelerometer_one_sub.csv"),
                            header=None).to_numpy()
    rng = np.random.default_rng(11)
    errors = []
    for row in acc_table[::3]:
        vertical, fore_aft = row[:2480] * G, row[2480:] * G
        acc = np.c_[fore_aft, vertical, rng.normal(0, 0.3, len(vertical))]
        euler = (rng.uniform(-20, 20), rng.uniform(-180, 180), rng.uniform(-20, 20))
        mount = Rotation.from_euler("xyz", euler, degrees=True).as_matrix()
        raw, _ = _worn(acc, None, mount)
        out = align_to_body(ImuRecording({"lower_back": ImuSensor("lower_back", raw)}, 500.0,
                                         "sacrum.csv"))
        # the data's axes are the sensor's (tilted with the trunk and the slope), so only
        # the heading is compared: the data's fore-aft axis must come out forward
        fwd = _recovered(raw, out.sensors["lower_back"].acc) @ mount.T @ [1.0, 0.0, 0.0]
        errors.append(np.degrees(np.arctan2(fwd[2], fwd[0])))
    assert np.max(np.abs(errors)) < 10, np.round(errors, 1)
