"""Virtual IMUs from motion capture: gravity, units, frames, rates, noise, mirror, truth."""

from dataclasses import replace

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from stridelab.errors import InputFileError
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.io.frame import to_engine_frame
from stridelab.io.imu import POSITIONS, G
from stridelab.io.load import read_recording
from stridelab.sim.virtual_imu import VirtualImu

QUIET = dict(noise_scale=0, bias_scale=0)


@pytest.fixture(scope="module")
def rec(shared_file):
    return to_engine_frame(read_recording(shared_file("mocap/RBDS001runT35.c3d")))


def _held(rec, n=600, spin_dps=0.0):
    """The first frame's markers held still (or turned about the vertical at ``spin_dps``)."""
    t = np.arange(n) / rec.fs
    rot = Rotation.from_rotvec(np.outer(np.radians(spin_dps) * t, [0.0, 1.0, 0.0]))
    points = {}
    for name, x in rec.points.items():
        start = x[np.isfinite(x).all(axis=1)][0]
        points[name] = rot.apply(np.repeat(start[None], n, axis=0))
    return replace(rec, points=points, plates=[])


def test_a_still_sensor_reads_gravity_up_and_no_rotation(rec):
    sim = VirtualImu(frame="body", **QUIET).simulate(_held(rec))
    for pos in POSITIONS:
        s = sim.imu_.sensors[pos]
        assert s.frame == "body"
        assert np.abs(s.gyr).max() < 1e-6
        # +9.81 along the segment's own up axis as it is held: R^T (0, g, 0)
        up = sim.orientation_[pos][300, 1]  # engine y in body axes (row y of R)
        np.testing.assert_allclose(s.acc[50:-50], np.tile(G * up, (500, 1)), atol=1e-6)
    for pos in ("left_foot", "right_foot", "lower_back"):  # held flat / in its mean posture
        np.testing.assert_allclose(sim.imu_.sensors[pos].acc[300], [0.0, G, 0.0], atol=1e-6)


def test_turning_about_the_vertical_reads_that_rate_in_deg_per_s(rec):
    sim = VirtualImu(frame="body", **QUIET).simulate(_held(rec, spin_dps=30.0))
    for pos in ("left_foot", "right_foot"):  # feet: body y is vertical while flat
        gyr = sim.imu_.sensors[pos].gyr[50:-50]
        np.testing.assert_allclose(gyr[:, 1], 30.0, atol=0.05)
        np.testing.assert_allclose(np.linalg.norm(gyr, axis=1), 30.0, atol=0.05)
    # the lower back turns at the same rate whatever its tilt
    back = sim.imu_.sensors["lower_back"].gyr[50:-50]
    np.testing.assert_allclose(np.linalg.norm(back, axis=1), 30.0, atol=0.05)


def test_tilt_turns_the_sensor_axes_by_the_angle_asked(rec):
    held = _held(rec)
    body = VirtualImu(frame="body", **QUIET).simulate(held).imu_
    sim = VirtualImu(frame="sensor", tilt_deg=20, seed=3, **QUIET).simulate(held)
    for pos, tilt in sim.tilt_.items():
        assert np.degrees(Rotation.from_matrix(tilt).magnitude()) == pytest.approx(20, abs=1e-9)
        s = sim.imu_.sensors[pos]
        assert s.frame == "sensor"
        g, g_body = s.acc[300], body.sensors[pos].acc[300]
        np.testing.assert_allclose(tilt @ g, g_body, atol=1e-6)
        angle = np.degrees(np.arccos(np.dot(g, g_body) / G**2))
        assert 0 < angle <= 20 + 1e-6  # the tilt's axis may lie partly along gravity


def test_rates_and_seeded_noise_and_bias(rec):
    native = VirtualImu(positions=("left_foot",)).simulate(rec).imu_
    assert native.fs == rec.fs and native.n_samples == rec.n_frames
    fast = VirtualImu(fs=500, positions=("left_foot",)).simulate(rec).imu_
    assert fast.fs == 500 and abs(fast.duration - native.duration) < 0.01
    a = VirtualImu(fs=200, positions=("left_foot",), seed=1).simulate(rec)
    b = VirtualImu(fs=200, positions=("left_foot",), seed=1).simulate(rec)
    c = VirtualImu(fs=200, positions=("left_foot",), seed=2).simulate(rec)
    np.testing.assert_array_equal(a.imu_.sensors["left_foot"].gyr, b.imu_.sensors["left_foot"].gyr)
    assert not np.allclose(a.imu_.sensors["left_foot"].gyr, c.imu_.sensors["left_foot"].gyr)
    acc_bias, gyr_bias = a.bias_["left_foot"]
    assert np.all(np.abs(acc_bias) <= 0.04 * G) and np.all(np.abs(gyr_bias) <= 3.0)
    assert np.any(acc_bias != 0) and np.any(gyr_bias != 0)


def test_running_signals_look_like_a_running_foot(rec):
    sim = VirtualImu(fs=200, frame="body", **QUIET).simulate(rec)
    for pos in ("left_foot", "right_foot"):
        s = sim.imu_.sensors[pos]
        assert 400 < s.gyr[:, 2].max() < 1500  # mid-swing pitch rate, deg/s
        assert s.gyr[:, 2].min() < -400  # push-off
    for pos in POSITIONS:
        # over whole strides the segment's acceleration averages out: the specific force,
        # turned back into the engine frame, averages to gravity's +9.81 up
        world = np.einsum("nij,nj->ni", sim.orientation_[pos], sim.imu_.sensors[pos].acc)
        np.testing.assert_allclose(world.mean(axis=0), [0.0, G, 0.0], atol=0.3)


def test_mirroring_swaps_the_sides_and_mirrors_the_signals(rec):
    pos = ("left_foot", "right_foot", "left_shank", "right_shank")
    a = VirtualImu(fs=200, frame="body", positions=pos, **QUIET).simulate(rec)
    b = VirtualImu(fs=200, frame="body", positions=pos, mirror=True, **QUIET).simulate(rec)
    for left, right in (("left_foot", "right_foot"), ("left_shank", "right_shank")):
        np.testing.assert_allclose(b.imu_.sensors[right].acc,
                                   a.imu_.sensors[left].acc * [1, 1, -1], atol=1e-9)
        np.testing.assert_allclose(b.imu_.sensors[right].gyr,
                                   a.imu_.sensors[left].gyr * [-1, -1, 1], atol=1e-9)
    swapped = a.contacts_.side.map({"L": "R", "R": "L"})
    assert (b.contacts_.side == swapped).all()
    np.testing.assert_allclose(b.contacts_.ic_s, a.contacts_.ic_s)


def test_ground_truth_is_the_plate_at_20_n(rec):
    sim = VirtualImu(positions=("left_foot",)).simulate(rec)
    plate = ForcePlateEventDetection(threshold_n=20, lowpass_hz=50).detect(rec).contacts_
    assert len(sim.contacts_) == len(plate) > 80
    np.testing.assert_allclose(sim.contacts_.to_s, plate.to_s)
    assert set(sim.contacts_.side) == {"L", "R"}


def test_bad_input_is_named(rec):
    no_feet = replace(rec, points={k: v for k, v in rec.points.items() if ".Heel." not in k
                                   and ".MT" not in k})
    with pytest.raises(InputFileError, match="no marker cluster for L_foot"):
        VirtualImu(positions=("left_foot",)).simulate(no_feet)
    with pytest.raises(InputFileError, match="engine frame"):
        VirtualImu().simulate(replace(rec, frame="lab"))
    with pytest.raises(ValueError, match="unknown positions"):
        VirtualImu(positions=("left_hand",)).simulate(rec)
