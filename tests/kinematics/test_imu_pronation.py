"""Pronation proxy: eversion positive for both feet, and against the markers' foot roll."""

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.transform import Rotation

from stridelab.io.frame import to_engine_frame
from stridelab.io.imu import G, ImuRecording, ImuSensor
from stridelab.io.imu_align import align_to_body
from stridelab.io.load import read_recording
from stridelab.kinematics.imu_pronation import (
    EVERSION_SIGN,
    PronationProxy,
    foot_roll_deg,
    stance_eversion,
)
from stridelab.sim.virtual_imu import VirtualImu

FEET = ("left_foot", "right_foot")
FS = 200.0


def _feet(roll_rate_left, roll_rate_right):
    n = len(roll_rate_left)
    sensors = {}
    for pos, rate in (("left_foot", roll_rate_left), ("right_foot", roll_rate_right)):
        gyr = np.zeros((n, 3))
        gyr[:, 0] = rate
        sensors[pos] = ImuSensor(pos, np.tile([0.0, G, 0.0], (n, 1)), gyr, frame="body")
    return ImuRecording(sensors, FS, "feet.csv")


def _triangle(n=400, start=100, peak_dps=300.0):
    """Roll rate rising to ``peak_dps`` and back over 0.1 s, then as far the other way."""
    rate = np.zeros(n)
    up = np.r_[np.linspace(0, peak_dps, 10), np.linspace(peak_dps, 0, 11)[1:]]
    rate[start:start + 20] = up
    rate[start + 20:start + 40] = -up
    return rate


def test_medial_side_down_is_eversion_on_both_feet():
    # left foot: medial = its right side: rolling right side down (positive roll) everts;
    # right foot: medial = its left side: negative roll everts
    rate = _triangle()
    stance = pd.DataFrame({"side": ["L", "R"], "ic_s": [0.45, 0.45], "to_s": [0.8, 0.8]})
    m = PronationProxy(lowpass_hz=80).calculate(stance, _feet(rate, -rate)).measures_
    expected = 0.5 * 300 * 0.1  # triangle area, deg
    np.testing.assert_allclose(m.eversion_excursion_deg, expected, rtol=0.05)
    np.testing.assert_allclose(m.peak_eversion_velocity_dps, 300, rtol=0.05)
    inverting = PronationProxy(lowpass_hz=80).calculate(stance, _feet(-rate, rate)).measures_
    # inverting first, then everting back past the start: the excursion is what lies
    # beyond the contact's angle, none here
    assert (inverting.eversion_excursion_deg < 0.05 * expected).all()
    assert EVERSION_SIGN == {"L": 1.0, "R": -1.0}


def test_stance_outside_the_signal_or_missing_foot_gives_nan_and_a_warning():
    rate = _triangle()
    assert np.isnan(stance_eversion(rate, FS, 1.9, 2.3)).all()
    imu = _feet(rate, rate)
    del imu.sensors["right_foot"]
    stance = pd.DataFrame({"side": ["L", "R"], "ic_s": [0.45, 0.45], "to_s": [0.8, 0.8]},
                          index=[7, 9])
    p = PronationProxy().calculate(stance, imu)
    assert list(p.measures_.index) == [7, 9]
    assert p.measures_.loc[9].isna().all() and p.measures_.loc[7].notna().all()
    assert len(p.warnings_) == 1 and "right_foot" in p.warnings_[0]


def test_foot_roll_is_positive_with_the_right_side_down():
    rot = Rotation.from_rotvec([[np.radians(10), 0, 0], [np.radians(-5), 0, 0]]).as_matrix()
    np.testing.assert_allclose(foot_roll_deg(rot), [10, -5], atol=1e-9)


@pytest.fixture(scope="module")
def rec(shared_file):
    return to_engine_frame(read_recording(shared_file("mocap/RBDS001runT35.c3d")))


def _truth(sim, ref, fs):
    out = []
    for _, c in ref.iterrows():
        pos = {"L": "left_foot", "R": "right_foot"}[c.side]
        ev = EVERSION_SIGN[c.side] * foot_roll_deg(sim.orientation_[pos])
        i0, i1 = int(np.ceil(c.ic_s * fs)), int(np.floor(c.to_s * fs)) + 1
        seg = ev[i0:i1] - ev[i0]
        k = int(np.argmax(seg))
        out.append((max(seg[k], 0.0), (np.gradient(ev) * fs)[i0:i0 + k + 1].max()))
    return np.array(out)


@pytest.mark.parametrize(("frame", "exc_tol", "vel_tol"), [("body", 1.0, 40.0),
                                                           ("sensor", 3.0, 100.0)])
def test_proxy_follows_the_markers_foot_roll(rec, frame, exc_tol, vel_tol):
    # body frame: measured 0.1-0.8 deg and 7-27 deg/s; after a 5-20 degree tilt and
    # align_to_body: 0.2-2.0 deg and 10-62 deg/s (the aligned forward axis is not exactly
    # the markers' heel-to-toe line)
    sim = VirtualImu(fs=FS, frame=frame, tilt_deg=10, positions=FEET, seed=0).simulate(rec)
    imu = sim.imu_ if frame == "body" else align_to_body(sim.imu_)
    ref = sim.contacts_
    m = PronationProxy().calculate(ref, imu).measures_
    truth = _truth(sim, ref, FS)
    for side in "LR":
        rows = (ref.side == side).to_numpy()
        d_exc = m.eversion_excursion_deg.to_numpy()[rows] - truth[rows, 0]
        d_vel = m.peak_eversion_velocity_dps.to_numpy()[rows] - truth[rows, 1]
        assert np.nanmean(np.abs(d_exc)) <= exc_tol
        assert np.nanmean(np.abs(d_vel)) <= vel_tol
    # this runner everts, the left foot more than the right (truth 24 and 14 deg)
    assert truth[(ref.side == "L").to_numpy(), 0].mean() > truth[(ref.side == "R").to_numpy(),
                                                                  0].mean() > 5
