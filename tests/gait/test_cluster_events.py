"""Contact events after marker-cluster repairs: none taken from interpolated samples."""

from dataclasses import replace

import numpy as np
import pytest
from scipy.signal import butter, filtfilt

import stridelab
from stridelab.gait.evaluation import event_errors
from stridelab.gait.foot_clearance import FootClearanceEventDetection, measured_contacts
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.gait.strides import alternation_errors
from stridelab.io.clusters import clean_clusters, segment_clusters
from stridelab.io.frame import to_engine_frame
from stridelab.io.load import read_recording
from stridelab.sim import simulate_runner


def test_measured_contacts_leave_out_events_between_interpolated_samples():
    interpolated = np.zeros(100, bool)
    interpolated[40:50] = True
    ics, tos = np.array([0.105, 0.395, 0.600]), np.array([0.300, 0.700, 0.495])
    keep = measured_contacts(ics, tos, interpolated, fs=100.0)
    assert keep.tolist() == [True, False, False]  # 0.395 s lies between samples 39 and 40


def _swap_glitches(run, every: int = 2):
    """The right shoe's cluster drawn towards the left shoe's just after some landings, as a
    few frames of swapped labels smoothed by a 10 Hz zero-lag filter look."""
    rec = run.recording
    clusters = segment_clusters(rec)
    box = np.zeros(rec.n_frames)
    hit = run.events[run.events.side == "R"].ic_s.to_numpy()[::every]
    for ic in hit:
        start = int(round((ic + 0.02) * rec.fs))
        box[start:start + 3] = 1.0
    b, a = butter(2, 10 / (rec.fs / 2))
    blend = filtfilt(b, a, box)[:, None]
    points = dict(rec.points)
    for right, left in zip(clusters["R_foot"], clusters["L_foot"], strict=True):
        points[right] = rec.points[right] + blend * (rec.points[left] - rec.points[right])
    return replace(rec, points=points), len(hit)


def test_glitched_contacts_are_left_out_and_the_others_stay_exact():
    run = simulate_runner(duration_s=8.0, force_plate=False, noise_mm=0.5, seed=3)
    dirty, n_hit = _swap_glitches(run)
    raw = event_errors(FootClearanceEventDetection().detect(to_engine_frame(dirty)).contacts_,
                       run.events)
    assert raw.loc["R", "ic_mae_ms"] > 20  # the fault moves right initial contacts

    det = FootClearanceEventDetection().detect(to_engine_frame(clean_clusters(dirty)))
    err = event_errors(det.contacts_, run.events)
    period_ms = 1000 / run.recording.fs
    assert err.loc["R", "missed"] == n_hit and (err.extra == 0).all()
    assert (err.ic_mae_ms <= period_ms).all() and (err.to_mae_ms <= period_ms).all()
    # runs up to io.clusters.max_fill_s were refilled (their events left out), longer ones
    # stay missing: both say so
    assert any("right foot contacts began or ended" in w and "left out" in w
               for w in det.warnings_)
    assert any("R foot missing" in w for w in det.warnings_)


def test_clean_synthetic_runner_is_untouched():
    run = simulate_runner(duration_s=6.0, force_plate=False, noise_mm=0.5)
    rec = clean_clusters(run.recording)
    assert not rec.interpolated and not any("marker cluster" in w for w in rec.warnings)


@pytest.fixture(scope="module")
def ric(shared_file):
    return stridelab.analyze(shared_file("mocap/20140515T133244_run.c3d"), report=False)


def test_ric_right_foot_contacts_are_plausible(ric):
    c = ric.contacts
    ct = (c.to_s - c.ic_s) * 1000
    left, right = ct[c.side == "L"], ct[c.side == "R"]
    assert len(left) >= 35 and len(right) >= 20
    # before: right contacts of 86-258 ms, one stride of 1.9 s from a landing the jump hid
    assert right.between(200, 300).all()
    assert (abs(right - left.median()) < 0.15 * left.median()).all()
    assert right.std() < 10
    warnings = " ".join(ric.summary.warnings)
    assert "marker cluster R_foot" in warnings and "jumped" in warnings
    assert "right foot contacts began or ended where the foot's markers were" in warnings


def test_ric_missing_right_contacts_lie_where_the_right_foot_was_not_measured(ric):
    c = ric.contacts.sort_values("ic_s", ignore_index=True)
    rec = ric.recording
    names = segment_clusters(rec)["R_foot"]
    unmeasured = np.zeros(rec.n_frames, bool)
    for name in names:
        unmeasured |= np.isnan(rec.points[name]).any(axis=1)
        unmeasured |= rec.interpolated.get(name, np.zeros(rec.n_frames, bool))
    assert alternation_errors(c) > 0  # right contacts are missing ...
    for a, b in zip(c.index[:-1], c.index[1:], strict=True):
        assert (c.side[a], c.side[b]) != ("R", "R")  # ... never added
        if c.side[a] == c.side[b] == "L":  # ... and only where the right foot was not seen
            span = slice(int(c.ic_s[a] * rec.fs), int(c.ic_s[b] * rec.fs))
            assert unmeasured[span].any()


def test_rbds_events_through_the_cleaning_match_the_force_plate(shared_file):
    rec = to_engine_frame(read_recording(shared_file("mocap/RBDS001runT35.c3d")))
    fp = ForcePlateEventDetection().detect(rec).contacts_
    km = FootClearanceEventDetection().detect(rec).contacts_
    assert len(km) == len(fp) and (km.side.to_numpy() == fp.side.to_numpy()).all()
    period = 1 / rec.fs
    assert np.abs(km.ic_s.to_numpy() - fp.ic_s.to_numpy()).mean() <= period
    assert np.abs(km.to_s.to_numpy() - fp.to_s.to_numpy()).mean() <= period
