"""Tests of the synthetic runner (stridelab.sim)."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.io.frame import to_engine_frame
from stridelab.io.trc import read_trc
from stridelab.sim import RunnerSpec, simulate_runner, write_trc
from stridelab.sim.foot import FOOT_LENGTH, TOE_RADIUS

WALK = {"cadence_spm": 110.0, "contact_time_s": 0.62, "speed_ms": 1.3}
SPECS = {
    "run": {},
    "walk": WALK,
    "asym": {"asymmetry": 0.1},
    "fast": {"cadence_spm": 190.0, "contact_time_s": 0.18, "speed_ms": 5.5},
}
BW = 70.0 * 9.81


def sole_height(points: dict, side: str) -> np.ndarray:
    """Lowest sole point rebuilt from the foot markers (engine frame)."""
    heel = points[f"{side}.Heel.Bottom"][:, :2]
    mt = (points[f"{side}.MT1"][:, :2] + points[f"{side}.MT5"][:, :2]) / 2
    e = (mt - heel) / np.linalg.norm(mt - heel, axis=1, keepdims=True)
    normal = np.column_stack([-e[:, 1], e[:, 0]])
    p_h = heel - 0.03 * normal
    # the shoe's rounded toe: a circle of radius TOE_RADIUS centred TOE_RADIUS above P_t
    toe_centre = p_h + FOOT_LENGTH * e + TOE_RADIUS * normal
    return np.minimum(p_h[:, 1], toe_centre[:, 1] - TOE_RADIUS)


def phases(run, side: str, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Stance and swing-interior masks of one foot between its first IC and last TO."""
    t = run.recording.time
    ev = run.events[run.events.side == side]
    stance = np.zeros(len(t), bool)
    swing = np.zeros(len(t), bool)
    for ic, to in zip(ev.ic_s, ev.to_s, strict=True):
        stance |= (t >= ic) & (t <= to)
    for to, ic in zip(ev.to_s.iloc[:-1], ev.ic_s.iloc[1:], strict=True):
        swing |= (t > to + margin) & (t < ic - margin)
    return stance, swing


# ----------------------------------------------------------------------------- events


def test_events_alternate_and_match_spec():
    run = simulate_runner()
    ev = run.events
    assert list(ev.columns) == ["side", "ic_s", "to_s"]
    assert len(ev) >= 25
    assert (ev.side.to_numpy()[1:] != ev.side.to_numpy()[:-1]).all()
    assert np.all(np.diff(ev.ic_s) > 0)
    assert np.allclose(ev.to_s - ev.ic_s, 0.24, atol=1e-9)
    for side in "LR":
        stride = np.diff(ev.ic_s[ev.side == side])
        assert np.allclose(120.0 / stride, 170.0, atol=1e-9)
    assert np.isclose(60.0 / np.diff(ev.ic_s).mean(), 170.0, atol=1e-9)
    assert ev.ic_s.min() >= 0 and ev.to_s.max() <= run.recording.time[-1]


def test_asymmetry_changes_contact_and_step_times():
    run = simulate_runner(asymmetry=0.1, contact_time_s=0.25)
    ev = run.events
    ct = (ev.to_s - ev.ic_s).groupby(ev.side).agg(["min", "max"])
    assert np.allclose(ct.loc["R"], 0.25 * 1.05, atol=1e-9)
    assert np.allclose(ct.loc["L"], 0.25 * 0.95, atol=1e-9)
    stride = 120.0 / 170.0
    step = np.diff(ev.ic_s)
    after_r = ev.side.iloc[:-1].to_numpy() == "R"
    assert np.allclose(step[after_r], stride / 2 * 1.05, atol=1e-9)
    assert np.allclose(step[~after_r], stride / 2 * 0.95, atol=1e-9)


def test_walking_stances_overlap():
    run = simulate_runner(**WALK)
    ev = run.events
    assert np.allclose(ev.to_s - ev.ic_s, 0.62, atol=1e-9)
    assert (ev.to_s.iloc[:-1].to_numpy() > ev.ic_s.iloc[1:].to_numpy()).all()
    # Double support: some samples have both feet in stance, none has neither.
    s_l, _ = phases(run, "L")
    s_r, _ = phases(run, "R")
    t = run.recording.time
    inside = (t >= ev.ic_s.iloc[1]) & (t <= ev.to_s.iloc[-2])
    assert (s_l & s_r)[inside].any()
    assert (s_l | s_r)[inside].all()


def test_invalid_specs_raise():
    with pytest.raises(ValueError):
        simulate_runner(contact_time_s=0.8)  # longer than the 0.706 s stride
    with pytest.raises(ValueError):
        simulate_runner(lab_axes=("+x", "-x"))
    with pytest.raises(ValueError):
        simulate_runner(lab_axes=("+w", "+y"))
    with pytest.raises(ValueError):
        simulate_runner(setting="track")
    with pytest.raises(ValueError):
        simulate_runner(gaps=[("No.Such.Marker", 1.0, 2.0)])


def test_spec_object_and_overrides():
    spec = RunnerSpec(cadence_spm=180.0, duration_s=4.0)
    run = simulate_runner(spec, fs=200.0)
    assert run.recording.fs == 200.0
    assert run.recording.n_frames == 800
    assert run.spec.cadence_spm == 180.0 and spec.fs == 150.0


# ------------------------------------------------------------------------ kinematics


@pytest.mark.parametrize("name", SPECS)
def test_sole_on_ground_in_stance_and_above_in_swing(name):
    run = simulate_runner(duration_s=6.0, **SPECS[name])
    pts = run.recording.points
    for side in "LR":
        h = sole_height(pts, side)
        stance, swing = phases(run, side)
        assert np.abs(h[stance]).max() < 1e-9
        assert h[swing].min() > 0
        # Raw markers: flat foot mid-stance at 3 cm; all foot markers well up in mid-swing.
        foot = np.stack([pts[f"{side}.{m}"][:, 1]
                         for m in ("Heel.Bottom", "Heel.Lateral", "Heel.Top", "MT1", "MT5")])
        low = foot.min(axis=0)
        ev = run.events[run.events.side == side]
        t = run.recording.time
        for ic, to in zip(ev.ic_s, ev.to_s, strict=True):
            mid = np.abs(t - (ic + to) / 2) < 0.05 * (to - ic)
            assert np.allclose(low[mid], 0.03, atol=1e-9)
        for to, ic in zip(ev.to_s.iloc[:-1], ev.ic_s.iloc[1:], strict=True):
            mid = np.abs(t - (ic + to) / 2) < 0.2 * (ic - to)
            assert low[mid].min() > low.min() + 0.05


@pytest.mark.parametrize("name", SPECS)
def test_clearance_threshold_fires_near_events(name):
    run = simulate_runner(fs=4000.0, duration_s=3.0, force_plate=False, **SPECS[name])
    t = run.recording.time
    for side in "LR":
        h = sole_height(run.recording.points, side)
        ev = run.events[run.events.side == side]
        for to, ic in zip(ev.to_s.iloc[:-1], ev.ic_s.iloc[1:], strict=True):
            up = (t > to) & (t < ic) & (h > 0.003)
            lift = t[up].min() - to
            land = ic - t[up].max()
            assert 0.002 < lift < 0.0035
            assert 0.002 < land < 0.0035


@pytest.mark.parametrize("name", SPECS)
def test_foot_swings_past_landing_point_then_retracts(name):
    run = simulate_runner(duration_s=4.0, fs=1000.0, **SPECS[name])
    pts = run.recording.points
    pelvis = np.mean([pts[m][:, 0] for m in ("L.ASIS", "R.ASIS", "L.PSIS", "R.PSIS")], axis=0)
    t = run.recording.time
    for side in "LR":
        heel = pts[f"{side}.Heel.Bottom"][:, 0] - pelvis
        ev = run.events[run.events.side == side]
        for to, ic in zip(ev.to_s.iloc[:-1], ev.ic_s.iloc[1:], strict=True):
            sw = (t > to) & (t <= ic)
            i = np.argmax(heel[sw])
            assert 0.01 < ic - t[sw][i] < 0.1
            assert heel[sw][i] - heel[sw][-1] > 0.01


def test_overground_stance_foot_is_stationary_and_treadmill_pelvis_is_not_travelling():
    tread = simulate_runner(duration_s=4.0)
    over = simulate_runner(duration_s=4.0, setting="overground")
    t = tread.recording.time
    for name, xyz in tread.recording.points.items():
        assert np.allclose(over.recording.points[name][:, 0] - xyz[:, 0], 3.5 * t)
        assert np.allclose(over.recording.points[name][:, 1:], xyz[:, 1:])
    assert np.ptp(tread.recording.points["L.ASIS"][:, 0]) < 1e-9
    heel = over.recording.points["R.Heel.Bottom"][:, 0]
    ev = over.events[over.events.side == "R"].iloc[0]
    flat = (t > ev.ic_s + 0.16 * 0.24) & (t < ev.ic_s + 0.59 * 0.24)
    assert flat.sum() >= 5 and np.ptp(heel[flat]) < 1e-9


def test_leg_segments_keep_their_length_and_knee_bends_forward():
    pts = simulate_runner(duration_s=3.0).recording.points
    for side in "LR":
        def mid(seg, level, side=side):
            return (pts[f"{side}.{seg}.{level}.Lateral"] + pts[f"{side}.{seg}.{level}.Medial"]) / 2
        thigh = 2 * (mid("Thigh", "Bottom") - mid("Thigh", "Top"))
        shank = 2 * (mid("Shank", "Bottom") - mid("Shank", "Top"))
        assert np.allclose(np.linalg.norm(thigh, axis=1), 0.45)
        assert np.allclose(np.linalg.norm(shank, axis=1), 0.45)
        flexion = np.arctan2(thigh[:, 0], -thigh[:, 1]) - np.arctan2(shank[:, 0], -shank[:, 1])
        assert flexion.min() > 0 and np.degrees(flexion.max()) < 120
        lat = pts[f"{side}.Thigh.Top.Lateral"][:, 2] - pts[f"{side}.Thigh.Top.Medial"][:, 2]
        assert np.allclose(lat, 0.12 if side == "R" else -0.12)
    assert np.all(pts["R.MT5"][:, 2] > pts["R.MT1"][:, 2])
    assert np.all(pts["L.MT5"][:, 2] < pts["L.MT1"][:, 2])


def test_pelvis_lowest_at_midstance():
    run = simulate_runner(duration_s=4.0, fs=1000.0)
    y = np.mean([run.recording.points[m][:, 1] for m in ("L.ASIS", "R.PSIS")], axis=0)
    assert np.isclose(np.ptp(y), 0.04, atol=1e-3)
    t = run.recording.time
    for ic, to in zip(run.events.ic_s, run.events.to_s, strict=True):
        window = (t >= ic) & (t <= to)
        assert abs(t[window][np.argmin(y[window])] - (ic + to) / 2) < 2e-3


# --------------------------------------------------------------------- frame, plate


@pytest.mark.parametrize("axes", [("+x", "+y"), ("-z", "+y"), ("+y", "+z"), ("-x", "-z")])
@pytest.mark.parametrize("setting", ["treadmill", "overground"])
def test_to_engine_frame_recovers_lab_axes(axes, setting):
    ref = simulate_runner(duration_s=4.0, setting=setting)
    run = simulate_runner(duration_s=4.0, setting=setting, lab_axes=axes)
    if axes != ("+x", "+y"):
        assert not np.allclose(run.recording.points["L.ASIS"], ref.recording.points["L.ASIS"])
    rec = to_engine_frame(run.recording)
    assert rec.axes["forward"] == axes[0]
    assert rec.axes["vertical"] == axes[1]
    assert rec.axes["setting"] == setting
    assert not rec.warnings
    for name, xyz in ref.recording.points.items():
        assert np.allclose(rec.points[name], xyz, atol=1e-12)
    assert np.allclose(rec.plates[0].force, ref.recording.plates[0].force, atol=1e-9)


def test_to_engine_frame_with_walking_and_noise():
    run = simulate_runner(lab_axes=("-z", "+y"), noise_mm=2.0, **WALK)
    rec = to_engine_frame(run.recording)
    assert (rec.axes["forward"], rec.axes["vertical"], rec.axes["right"]) == ("-z", "+y", "+x")
    assert rec.axes["setting"] == "treadmill"


def test_force_plate_half_sines_in_lab_up_axis():
    run = simulate_runner(lab_axes=("+y", "+z"), duration_s=4.0)
    plate = run.recording.plates[0]
    assert plate.fs == 300.0 and plate.cop is None
    assert plate.force.shape == (2 * run.recording.n_frames, 3)
    assert np.allclose(plate.force[:, :2], 0)
    fz = plate.force[:, 2]
    assert fz.min() >= 0 and np.isclose(fz.max(), 2.5 * BW, rtol=1e-3)
    t = plate.time
    for ic, to in zip(run.events.ic_s, run.events.to_s, strict=True):
        on = (t > ic) & (t < to)
        assert np.allclose(fz[on], 2.5 * BW * np.sin(np.pi * (t[on] - ic) / (to - ic)))
    flight = np.ones(len(t), bool)
    for ic, to in zip(run.events.ic_s, run.events.to_s, strict=True):
        flight &= ~((t >= ic) & (t <= to))
    inside = (t > run.events.ic_s.iloc[0]) & (t < run.events.to_s.iloc[-1])
    assert (flight & inside).sum() > 50 and np.all(fz[flight & inside] == 0)
    walk = simulate_runner(**WALK)
    fy = walk.recording.plates[0].force[:, 1]
    t = walk.recording.plates[0].time
    first, second = walk.events.iloc[0], walk.events.iloc[1]
    both = (t > second.ic_s) & (t < first.to_s)  # double support: the half-sines add up
    expected = sum(2.5 * BW * np.sin(np.pi * (t[both] - ev.ic_s) / (ev.to_s - ev.ic_s))
                   for ev in (first, second))
    assert both.sum() > 10 and np.allclose(fy[both], expected)
    assert simulate_runner(force_plate=False).recording.plates == []


# ---------------------------------------------------------------------- noise, gaps


def test_gaps_are_nan_exactly_where_asked():
    gaps = [("R.Heel.Bottom", 1.0, 1.5), ("L.MT5", 2.0, 2.2), ("R.Heel.Bottom", 3.0, 3.1)]
    run = simulate_runner(gaps=gaps, noise_mm=1.0, duration_s=5.0)
    t = run.recording.time
    expected = {name: np.zeros(len(t), bool) for name in run.recording.points}
    for name, a, b in gaps:
        expected[name] |= (t >= a) & (t <= b)
    for name, xyz in run.recording.points.items():
        assert np.array_equal(np.isnan(xyz).any(axis=1), expected[name])
        assert np.array_equal(np.isnan(xyz).all(axis=1), expected[name])
    assert expected["R.Heel.Bottom"].sum() == 75 + 15 + 2


def test_noise_has_requested_sd():
    clean = simulate_runner(duration_s=20.0)
    noisy = simulate_runner(duration_s=20.0, noise_mm=2.0, seed=3)
    diff = np.concatenate([noisy.recording.points[n] - xyz
                           for n, xyz in clean.recording.points.items()])
    assert np.isclose(diff.std(), 0.002, rtol=0.02)
    assert abs(diff.mean()) < 1e-4
    force = noisy.recording.plates[0].force - clean.recording.plates[0].force
    assert np.isclose(force.std(), 10.0, rtol=0.05)
    again = simulate_runner(duration_s=20.0, noise_mm=2.0, seed=3)
    assert np.array_equal(again.recording.points["L.MT1"], noisy.recording.points["L.MT1"])


# ------------------------------------------------------------------------------- trc


def test_trc_round_trip(tmp_path):
    run = simulate_runner(duration_s=3.0, fs=120.0, lab_axes=("-z", "+y"), noise_mm=1.0,
                          gaps=[("L.Heel.Top", 0.5, 0.7), ("R.Thigh.Top.Medial", 0.0, 0.1)])
    path = write_trc(run.recording, tmp_path / "runner.trc")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("PathFileType\t4\t(X/Y/Z)")
    assert lines[1].split("\t")[:5] == ["DataRate", "CameraRate", "NumFrames", "NumMarkers",
                                        "Units"]
    assert lines[2].split("\t")[2:5] == ["360", str(len(run.recording.points)), "mm"]
    assert lines[3].startswith("Frame#\tTime\t") and lines[5] == ""
    back = read_trc(path)
    assert back.fs == 120.0
    assert back.markerset.name == "fukuchi"
    assert list(back.points) == list(run.recording.points)
    for name, xyz in run.recording.points.items():
        assert np.array_equal(np.isnan(back.points[name]), np.isnan(xyz))
        assert np.allclose(back.points[name], xyz, atol=1e-6, equal_nan=True)
    assert to_engine_frame(back).axes["forward"] == "-z"
