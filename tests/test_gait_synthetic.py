"""The gait engine on the synthetic runner, whose events are known exactly."""

import numpy as np
import pytest

import stridelab
from stridelab.errors import InputFileError
from stridelab.gait.evaluation import event_errors
from stridelab.gait.foot_clearance import FootClearanceEventDetection
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.io.frame import to_engine_frame
from stridelab.sim import simulate_runner

FOOT = ("Heel.Bottom", "Heel.Lateral", "Heel.Top", "MT1", "MT5")


def _errors(run, detector):
    rec = to_engine_frame(run.recording)
    return event_errors(detector.detect(rec).contacts_, run.events), rec


@pytest.mark.parametrize("spec", [
    {},
    {"cadence_spm": 150, "contact_time_s": 0.28, "speed_ms": 2.5},
    {"cadence_spm": 190, "contact_time_s": 0.19, "speed_ms": 5.0},
    {"asymmetry": 0.1},
    {"noise_mm": 0.5, "seed": 3},
    {"setting": "overground"},
    {"lab_axes": ("-z", "+y")},
    {"lab_axes": ("+y", "+z"), "fs": 200.0},
])
def test_kinematic_events_within_one_sample(spec):
    run = simulate_runner(duration_s=8.0, force_plate=False, **spec)
    err, rec = _errors(run, FootClearanceEventDetection())
    period_ms = 1000 / rec.fs
    assert (err.missed == 0).all() and (err.extra == 0).all()
    assert (err.ic_mae_ms <= period_ms).all()
    assert (err.to_mae_ms <= period_ms).all()


def test_forceplate_events_within_one_sample():
    run = simulate_runner(duration_s=8.0, noise_mm=0.5)
    err, rec = _errors(run, ForcePlateEventDetection())
    assert (err.missed == 0).all() and (err.extra == 0).all()
    assert (err.ic_mae_ms <= 1000 / rec.fs).all() and (err.to_mae_ms <= 1000 / rec.fs).all()


def test_summary_recovers_cadence_contact_time_and_asymmetry():
    run = simulate_runner(duration_s=12.0, cadence_spm=176, contact_time_s=0.25, asymmetry=0.08,
                          force_plate=False)
    s = stridelab.analyze(to_engine_frame(run.recording), report=False).summary.to_dict()
    assert s["activity"] == "running"
    assert s["metrics"]["cadence_spm"]["mean"] == pytest.approx(176, abs=0.5)
    ct = s["metrics"]["contact_time_ms"]
    assert ct["R"] - ct["L"] == pytest.approx(0.08 * 250, abs=3)
    assert s["symmetry_index_pct"]["contact_time_ms"] == pytest.approx(8.0, abs=1.5)


def test_walking_is_classified_as_walking():
    run = simulate_runner(duration_s=10.0, cadence_spm=110, contact_time_s=0.62, speed_ms=1.3,
                          force_plate=False)
    result = stridelab.analyze(to_engine_frame(run.recording), report=False)
    assert result.summary.activity == "walking"
    assert (result.strides.double_support_ms.dropna() > 0).all()


def test_phases_tile_the_stride_in_order():
    run = simulate_runner(duration_s=6.0, force_plate=False)
    strides = stridelab.analyze(to_engine_frame(run.recording), report=False).strides.dropna()
    starts = strides[[c for c in strides.columns if c.endswith("_start_s")]].to_numpy()
    assert (np.diff(starts, axis=1) >= 0).all()
    assert (strides.next_ic_s.to_numpy() >= starts[:, -1]).all()
    pct = strides[[c for c in strides.columns if c.endswith("_pct") and c != "flight_pct"]]
    np.testing.assert_allclose(pct.sum(axis=1), 100, atol=1e-6)
    assert (pct > 0).all().all()


def test_missing_foot_is_reported_and_the_other_foot_analysed():
    run = simulate_runner(duration_s=6.0, force_plate=False)
    for m in FOOT:
        del run.recording.points[f"L.{m}"]
    rec = to_engine_frame(run.recording)
    det = FootClearanceEventDetection().detect(rec)
    assert set(det.contacts_.side) == {"R"}
    assert any("no L foot markers" in w for w in det.warnings_)


def test_no_foot_markers_at_all_is_a_clear_error():
    run = simulate_runner(duration_s=4.0, force_plate=False)
    rec = to_engine_frame(run.recording)
    for side in "LR":
        for m in FOOT:
            del rec.points[f"{side}.{m}"]
    with pytest.raises(InputFileError, match="no foot markers"):
        FootClearanceEventDetection().detect(rec)


def test_short_gaps_are_filled_and_long_gaps_invent_no_events():
    gaps = [("R.MT1", 2.0, 2.05), ("R.Heel.Bottom", 4.0, 5.5)]
    run = simulate_runner(duration_s=8.0, force_plate=False, gaps=gaps)
    rec = to_engine_frame(run.recording)
    det = FootClearanceEventDetection().detect(rec)
    right = det.contacts_[det.contacts_.side == "R"]
    assert not ((right.ic_s > 4.0) & (right.ic_s < 5.5)).any()  # nothing inside the long gap
    truth = run.events[(run.events.side == "R") & (run.events.ic_s.between(1.9, 2.2))]
    found = right[right.ic_s.between(1.9, 2.2)]
    assert len(found) == len(truth)  # the short gap was bridged
    err = event_errors(det.contacts_, run.events)
    assert err.loc["R", "missed"] > 0 and err.loc["R", "extra"] == 0
    assert err.loc["R", "ic_mae_ms"] <= 1000 / rec.fs
