"""Foot-strike pattern (issue 13, point 11): strike index from the plate, angle to standing.

Synthetic plates and feet check the strike index (Cavanagh & Lafortune 1980) and its bands;
the shared Fukuchi trial checks the whole chain: the plate gives the label, the static trial
beside it references the foot angle, and the summary says which method gave the label.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.io.markerset import load_markerset
from stridelab.io.recording import ForcePlate, Recording
from stridelab.kinematics.foot_strike import (
    classify_strikes,
    find_static_trial,
    standing_foot_angles,
    strike_indices,
    strike_label,
)
from stridelab.kinematics.measures import StanceKinematics
from stridelab.summary.build import STRIKE_METHODS, foot_strike_summary, strike_pattern
from stridelab.thresholds import threshold

FS_MARKERS, FS_PLATE = 100.0, 1000.0
HEEL_X, MT_X = 0.0, 0.2  # foot length 1.3 x 0.2 = 0.26 m (gait.kinematic.toe_extension)


def _foot_recording(cop_x: float, seconds: float = 1.5, noise_m: float = 0.0,
                    toe_up_deg: float = 0.0) -> Recording:
    """A right foot standing still, a left foot in the air, one contact from 0.5 to 0.75 s."""
    n = int(seconds * FS_MARKERS)
    rise = np.tan(np.radians(toe_up_deg)) * (MT_X - HEEL_X)

    def still(x, y, z):
        return np.tile([x, y, z], (n, 1)).astype(float)

    points = {"R.Heel.Bottom": still(HEEL_X, 0.04, 0.1), "R.MT1": still(MT_X, 0.04 + rise, 0.08),
              "R.MT5": still(MT_X, 0.04 + rise, 0.12),
              "L.Heel.Bottom": still(HEEL_X, 0.3, -0.1), "L.MT1": still(MT_X, 0.3, -0.12),
              "L.MT5": still(MT_X, 0.3, -0.08)}
    t = np.arange(int(seconds * FS_PLATE)) / FS_PLATE
    fy = np.where((t > 0.5) & (t < 0.75), 1500 * np.sin(np.pi * (t - 0.5) / 0.25), 0.0)
    rng = np.random.default_rng(0)
    cop = np.column_stack([np.full_like(t, cop_x), np.zeros_like(t), np.full_like(t, 0.1)])
    cop[:, 0] += noise_m * rng.standard_normal(len(t)) * (fy < 60)  # scatter at low force
    plate = ForcePlate(force=np.column_stack([np.zeros_like(t), fy, np.zeros_like(t)]),
                       fs=FS_PLATE, cop=cop)
    return Recording(points, FS_MARKERS, Path("synthetic.c3d"), load_markerset("fukuchi"),
                     plates=[plate], frame="engine",
                     axes={"forward": "+x", "vertical": "+y", "right": "+z"})


def _stance(side: str = "R", ic: float = 0.5) -> pd.DataFrame:
    return pd.DataFrame({"side": [side], "ic_s": [ic], "to_s": [ic + 0.25]})


@pytest.mark.parametrize("share,label", [(0.2, "rearfoot"), (0.5, "midfoot"),
                                         (0.8, "forefoot")])
def test_strike_index_is_the_centre_of_pressure_along_the_foot(share, label):
    length = 1.3 * (MT_X - HEEL_X)
    rec = _foot_recording(HEEL_X + share * length, noise_m=0.05)
    index = strike_indices(_stance(), rec)
    assert index.iloc[0] == pytest.approx(share, abs=0.02)
    assert strike_label(index.iloc[0]) == label


def test_strike_index_bands_follow_the_table():
    rear, fore = (threshold("kinematics.strike_index.rearfoot_max"),
                  threshold("kinematics.strike_index.forefoot_min"))
    assert strike_label(rear - 1e-6) == "rearfoot" and strike_label(rear) == "midfoot"
    assert strike_label(fore - 1e-6) == "midfoot" and strike_label(fore) == "forefoot"
    assert strike_label(float("nan")) is None


def test_no_index_without_a_plate_contact_near_the_landing_or_under_the_foot():
    rec = _foot_recording(0.1)
    assert np.isnan(strike_indices(_stance(ic=1.2), rec).iloc[0])  # no plate contact near
    far = _foot_recording(2.0)  # the load is not under this foot
    assert np.isnan(strike_indices(_stance(), far).iloc[0])
    rec.plates[0].cop = None
    assert np.isnan(strike_indices(_stance(), rec).iloc[0])


def test_the_plate_decides_and_the_summary_says_so():
    rec = _foot_recording(0.8 * 0.26, toe_up_deg=12.0)  # heel-up angle, forefoot load
    kin = StanceKinematics(static=None).calculate(_stance(), rec)
    row = kin.measures_.iloc[0]
    assert row.foot_strike == "forefoot"
    assert row.foot_strike_method == STRIKE_METHODS["strike_index"]
    block = foot_strike_summary(kin.measures_.foot_strike, pd.Series(["R"]),
                                kin.measures_.foot_strike_method, kin.measures_.strike_index)
    assert block["method"] == "strike index from the force plate"
    assert block["strike_index_pct"]["R"] == pytest.approx(80.0, abs=1.0)


def test_the_foot_angle_is_referenced_to_standing():
    run = _foot_recording(0.1, toe_up_deg=10.0)
    run.plates = []
    standing = standing_foot_angles(_foot_recording(0.1, toe_up_deg=4.0))
    assert standing["R"] == pytest.approx(4.0, abs=0.01)
    measures = pd.DataFrame({"foot_inclination_ic_deg": [10.0, 10.0]})
    strides = pd.DataFrame({"side": ["R", "L"], "ic_s": [0.5, 1.0]})
    out = classify_strikes(measures, strides, pd.Series([np.nan, np.nan]), {"R": 4.0})
    assert out.foot_inclination_ic_deg.tolist() == [6.0, 10.0]
    assert out.foot_inclination_floor_ic_deg.tolist() == [10.0, 10.0]
    assert out.foot_strike.tolist() == ["midfoot", "rearfoot"]  # 6 deg < 8 deg < 10 deg
    assert out.foot_strike_method.tolist() == [STRIKE_METHODS["standing"],
                                               STRIKE_METHODS["floor"]]


def test_find_static_trial(tmp_path):
    for name in ("RBDS001runT35.c3d", "RBDS001static.c3d", "RBDS002static.c3d",
                 "20140515T133244_run.c3d", "20140515T133244_static.c3d", "other.c3d"):
        (tmp_path / name).write_bytes(b"")
    assert find_static_trial(tmp_path / "RBDS001runT35.c3d").name == "RBDS001static.c3d"
    assert (find_static_trial(tmp_path / "20140515T133244_run.c3d").name
            == "20140515T133244_static.c3d")
    assert find_static_trial(tmp_path / "other.c3d") is None
    assert find_static_trial(tmp_path / "RBDS001static.c3d") is None


def test_rbds001_strike_index_and_standing_reference(shared_file):
    """RBDS001 at 3.5 m/s: the plate's strike index (62 % of foot length, midfoot near the
    forefoot line) gives the label; the static trial's foot line (4.6 / 4.8 deg) is taken off
    the foot angle. The data set's table (RBDSinfo.txt) calls this runner a forefoot striker:
    its foot length is not published; with the heel-to-metatarsal length instead of the
    heel-to-toe-tip one the same contacts give about 80 %."""
    import stridelab

    path = shared_file("mocap/RBDS001runT35.c3d")
    shared_file("mocap/RBDS001static.c3d")
    result = stridelab.analyze(path, report=False)
    block = result.summary.foot_strike
    assert block["method"] == "strike index from the force plate"
    assert 55.0 < block["strike_index_pct"]["mean"] < 70.0
    assert block["overall"] == strike_pattern(block["shares"])
    foot = result.summary.metrics["foot_inclination_ic_deg"]
    assert "RBDS001static.c3d" in foot.derived and "relative to standing" in foot.derived
    floor = result.measures.foot_inclination_floor_ic_deg
    assert floor.mean() - foot.mean == pytest.approx(4.7, abs=0.2)
