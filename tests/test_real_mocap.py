"""The gait engine on the real motion-capture recordings in ../shared/data/mocap."""

import numpy as np
import pytest

import stridelab
from stridelab.gait.foot_clearance import FootClearanceEventDetection
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.io.c3d import read_c3d
from stridelab.io.frame import to_engine_frame


@pytest.fixture(scope="module")
def rbds(shared_file):
    return to_engine_frame(read_c3d(shared_file("mocap/RBDS001runT35.c3d")))


def test_rbds_reads_markers_in_metres_and_forces_in_newtons(shared_file, rbds):
    assert rbds.markerset.name == "fukuchi"
    assert rbds.fs == 150
    assert rbds.axes["vertical"] == "+y" and rbds.axes["forward"] == "+x"
    assert rbds.axes["setting"] == "treadmill"
    pelvis_height = np.nanmedian(rbds.landmark("pelvis")[:, 1])
    assert 0.8 < pelvis_height < 1.2  # metres
    plate = rbds.plates[0]
    assert plate.fs == 300
    assert 1400 < np.max(plate.force[:, 1]) < 1800  # ~1600 N peak, README of the data


def test_rbds_missing_marker_samples_are_nan(shared_file, rbds):
    # L.ASIS has two frames stored as zeros in the file
    assert np.isnan(rbds.points["L.ASIS"]).any(axis=1).sum() == 2


def test_forceplate_contacts_alternate_and_are_plausible(shared_file, rbds):
    c = ForcePlateEventDetection().detect(rbds).contacts_
    assert len(c) == 85
    assert (c.side.to_numpy()[1:] != c.side.to_numpy()[:-1]).all()
    ct = (c.to_s - c.ic_s) * 1000
    assert ct.between(200, 280).all()


def test_kinematic_events_match_forceplate_within_one_sample(shared_file, rbds):
    fp = ForcePlateEventDetection().detect(rbds).contacts_
    km = FootClearanceEventDetection().detect(rbds).contacts_
    assert len(km) == len(fp)
    assert (km.side.to_numpy() == fp.side.to_numpy()).all()
    ic_err = np.abs(km.ic_s.to_numpy() - fp.ic_s.to_numpy())
    to_err = np.abs(km.to_s.to_numpy() - fp.to_s.to_numpy())
    period = 1 / rbds.fs
    assert ic_err.mean() <= period and to_err.mean() <= period
    bias = np.mean((km.to_s - km.ic_s) - (fp.to_s - fp.ic_s))
    assert abs(bias) <= 0.005


def test_rbds_analysis_summary(shared_file, rbds):
    result = stridelab.analyze(rbds, report=False)
    s = result.summary.to_dict()
    assert s["activity"] == "running"
    assert s["source"].startswith("force plate")
    assert 160 < s["metrics"]["cadence_spm"]["mean"] < 185
    assert 0.25 < s["metrics"]["duty_factor"]["mean"] < 0.40
    pct_cols = [c for c in result.strides.columns if c.endswith("_pct") and c != "flight_pct"]
    sums = result.strides[pct_cols].sum(axis=1, min_count=len(pct_cols)).dropna()
    np.testing.assert_allclose(sums, 100, atol=1e-6)  # the six phases tile the stride


def test_ric_cluster_set_is_recognised_and_axes_found(shared_file):
    rec = to_engine_frame(read_c3d(shared_file("mocap/20140515T133244_run.c3d")))
    assert rec.markerset.name == "ric_cluster"
    assert rec.fs == 200
    assert rec.axes["vertical"] == "+y"
    assert rec.axes["forward"] == "-z"
    assert rec.axes["right"] == "+x"
    assert any("UNITS" in w for w in rec.warnings)  # units missing in the file: assumed mm
    assert not rec.has("L_heel")  # cluster set: no anatomical foot landmarks


def test_ric_cluster_set_gives_events_from_the_foot_cluster(shared_file):
    rec = to_engine_frame(read_c3d(shared_file("mocap/20140515T133244_run.c3d")))
    result = stridelab.analyze(rec, report=False)
    left = result.contacts[result.contacts.side == "L"]
    assert len(left) >= 35  # ~25 s at ~170 steps/min: ~37 left contacts
    step = np.median(np.diff(left.ic_s))
    assert 0.6 < step < 0.75  # stride time of a runner
    assert result.summary.source.startswith("kinematics")
