"""Marker clusters held to their rigid shape and to their neighbouring segments."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import butter, filtfilt
from scipy.spatial.transform import Rotation

from stridelab.io.clusters import (
    Tolerances,
    blame,
    clean_clusters,
    consistent_markers,
    reference_shape,
    rigid_fit,
    segment_clusters,
)
from stridelab.io.load import read_recording
from stridelab.io.markerset import load_markerset
from stridelab.io.recording import Recording
from stridelab.io.trc_writer import write_trc

FS = 200.0
SEGMENTS = ("thigh", "shank", "foot")


def _cluster(rng: np.random.Generator) -> np.ndarray:
    """Four markers on a shell about 5 cm across, 6 cm off the segment's axis."""
    return rng.uniform(-0.03, 0.03, (4, 3)) + np.array([0.0, 0.0, 0.06])


def _leg_chain(duration_s: float = 4.0, noise_mm: float = 0.0, seed: int = 0) -> Recording:
    """A runner's pelvis and legs as rigid clusters (ric_cluster names, x forward, y up).

    The thigh turns about the hip, the shank about the knee, the foot about the ankle, each
    with a sinusoid at the stride frequency, so every joint is a fixed point of both of its
    segments and every cluster keeps its shape exactly.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration_s * FS)) / FS
    w = 2 * np.pi * 1.4
    pelvis_pos = np.c_[np.zeros_like(t), 0.95 + 0.04 * np.sin(2 * w * t), np.zeros_like(t)]
    pelvis_rot = Rotation.from_euler("y", 4 * np.sin(w * t)[:, None], degrees=True)
    shapes = {name: _cluster(rng) for name in ["pelvis"] + [f"{s}_{g}" for s in "LR"
                                                            for g in SEGMENTS]}
    points = _place("pelvis", shapes["pelvis"], pelvis_rot, pelvis_pos)
    for side, phase in (("L", 0.0), ("R", np.pi)):
        lateral = -0.09 if side == "L" else 0.09
        hip = pelvis_pos + pelvis_rot.apply([0.0, -0.08, lateral])
        thigh = pelvis_rot * Rotation.from_euler(
            "zx", np.c_[25 * np.sin(w * t + phase), 3 * np.sin(w * t + phase + 0.5)],
            degrees=True)
        knee = hip + thigh.apply([0.0, -0.42, 0.0])
        shank = thigh * Rotation.from_euler("z", (-45 - 35 * np.sin(w * t + phase - 1))[:, None],
                                            degrees=True)
        ankle = knee + shank.apply([0.0, -0.40, 0.0])
        foot = shank * Rotation.from_euler("z", 10 * np.sin(w * t + phase + 1)[:, None],
                                          degrees=True)
        for name, rot, origin in (("thigh", thigh, hip), ("shank", shank, knee),
                                  ("foot", foot, ankle)):
            offset = np.array([0.0, -0.2, 0.0]) if name != "foot" else np.zeros(3)
            points |= _place(f"{side}_{name}", shapes[f"{side}_{name}"] + offset, rot, origin)
    if noise_mm:
        points = {k: v + rng.normal(0, noise_mm / 1000, v.shape) for k, v in points.items()}
    return Recording(points=points, fs=FS, path=Path("chain.c3d"),
                     markerset=load_markerset("ric_cluster"))


def _place(name: str, shape: np.ndarray, rot: Rotation, origin: np.ndarray) -> dict:
    """Trajectories of a cluster's markers ``<name>_1`` ... ``<name>_4``."""
    return {f"{name}_{k + 1}": origin + rot.apply(np.tile(p, (len(origin), 1)))
            for k, p in enumerate(shape)}


def _with(rec: Recording, changes: dict[str, np.ndarray]) -> Recording:
    """A copy of ``rec`` with some trajectories replaced."""
    return replace(rec, points={**rec.points, **changes})


def _spike(n: int, start: int, width: int, cutoff_hz: float = 10.0) -> np.ndarray:
    """A box of ``width`` samples low-passed by a zero-lag Butterworth filter, peak ~1."""
    box = np.zeros(n)
    box[start:start + width] = 1.0
    b, a = butter(2, cutoff_hz / (FS / 2))
    out = filtfilt(b, a, box)
    return out / out.max()


def _foot(rec: Recording, side: str = "L") -> np.ndarray:
    return np.stack([rec.points[f"{side}_foot_{k}"] for k in range(1, 5)], axis=1)


def test_rigid_fit_recovers_a_known_motion_with_a_marker_missing():
    rng = np.random.default_rng(1)
    shape = _cluster(rng)
    rot = Rotation.random(50, random_state=2)
    trans = rng.normal(0, 1, (50, 3))
    x = np.stack([rot.apply(np.tile(p, (50, 1))) for p in shape], axis=1)
    x += trans[:, None]
    x[10:20, 2] = np.nan  # three markers still give the pose
    r, t = rigid_fit(shape, x)
    np.testing.assert_allclose(r, rot.as_matrix(), atol=1e-9)
    np.testing.assert_allclose(t, trans, atol=1e-9)
    x[30, :2] = np.nan  # two markers do not
    assert np.isnan(rigid_fit(shape, x)[0][30]).all()


def test_consistent_markers_names_the_one_that_moved():
    rec = _leg_chain(duration_s=1.0)
    x = _foot(rec)
    median, _ = reference_shape(x)
    x[50, 2] += 0.05
    good = consistent_markers(x, median, 0.02)
    assert good[50].tolist() == [True, True, False, True]
    assert good[np.arange(len(x)) != 50].all()


def test_a_marker_off_its_cluster_is_rebuilt_by_the_rigid_fit():
    rec = _leg_chain()
    moved = rec.points["L_foot_3"].copy()
    moved[100:111] += [0.04, 0.03, -0.02]  # a ghost 5 cm away for 11 samples
    out = clean_clusters(_with(rec, {"L_foot_3": moved}))
    np.testing.assert_allclose(out.points["L_foot_3"], rec.points["L_foot_3"], atol=1e-9)
    assert any("L_foot: 11 marker samples" in w and "rigid fit" in w for w in out.warnings)
    assert not out.interpolated  # a rigid fit from measured markers is a measurement


def test_markers_swapped_in_a_five_marker_cluster_are_rebuilt():
    rec = _leg_chain()
    ms = load_markerset("ric_cluster")
    five = replace(ms, landmarks={**ms.landmarks,
                                  "L_foot": [f"L_foot_{k}" for k in range(1, 5)] + ["L_foot_5"]})
    extra = rec.points["L_foot_1"] + (rec.points["L_foot_2"] - rec.points["L_foot_4"])
    rec = replace(rec, markerset=five, points={**rec.points, "L_foot_5": extra})
    a, b = rec.points["L_foot_1"].copy(), rec.points["L_foot_3"].copy()
    a[300:320], b[300:320] = rec.points["L_foot_3"][300:320], rec.points["L_foot_1"][300:320]
    out = clean_clusters(_with(rec, {"L_foot_1": a, "L_foot_3": b}))
    for name in ("L_foot_1", "L_foot_3"):
        np.testing.assert_allclose(out.points[name], rec.points[name], atol=1e-9)
    assert any("L_foot: 40 marker samples" in w for w in out.warnings)


def test_a_cluster_without_a_rigid_majority_is_removed_and_refilled():
    rec = _leg_chain(noise_mm=0.3)
    a, b = rec.points["L_shank_1"].copy(), rec.points["L_shank_2"].copy()
    a[500:506] += [0.08, 0.06, 0.0]
    b[500:506] += [-0.06, -0.08, 0.05]  # two of four markers off: no majority left
    out = clean_clusters(_with(rec, {"L_shank_1": a, "L_shank_2": b}))
    assert out.interpolated["L_shank_1"][500:506].all()
    err = np.abs(out.points["L_shank_1"][500:506] - rec.points["L_shank_1"][500:506]).max()
    assert err < 0.003
    assert any("L_shank: its markers lost their rigid shape in 6 samples" in w
               for w in out.warnings)


def test_a_whole_cluster_jump_is_found_against_the_neighbouring_segment():
    rec = _leg_chain(noise_mm=0.3)
    n = rec.n_frames
    blend = _spike(n, 400, 4)
    jump = blend[:, None] * np.array([-0.30, 0.15, -0.10])  # rigid: the shape is kept
    dirty = _with(rec, {f"L_foot_{k}": rec.points[f"L_foot_{k}"] + jump for k in range(1, 5)})
    out = clean_clusters(dirty)
    before = np.linalg.norm(_foot(dirty) - _foot(rec), axis=2).max()
    after = np.linalg.norm(_foot(out) - _foot(rec), axis=2).max()
    assert before > 0.3 and after < 0.010  # what is left: the filter's ringing, < 1 cm
    hit = out.interpolated["L_foot_1"]
    assert hit[blend > 0.03].all() and hit.sum() < 0.2 * FS  # the glitch, with its margins
    assert not any(k.startswith(("R_", "pelvis", "L_shank")) for k in out.interpolated)
    assert any("L_foot" in w and "jumped" in w and "interpolated in the frame of L_shank" in w
               for w in out.warnings)


def test_a_foot_drawn_towards_the_other_foot_is_repaired():
    # the fault of the Running Injury Clinic trial: the right shoe's labels on the left
    # shoe's markers for a few frames, smoothed by the recording's filter
    rec = _leg_chain(noise_mm=0.3)
    blend = _spike(rec.n_frames, 300, 4)[:, None] * 0.5
    dirty = _with(rec, {f"R_foot_{k}": rec.points[f"R_foot_{k}"] + blend
                        * (rec.points[f"L_foot_{k}"] - rec.points[f"R_foot_{k}"])
                        for k in range(1, 5)})
    out = clean_clusters(dirty)
    assert np.linalg.norm(_foot(dirty, "R") - _foot(rec, "R"), axis=2).max() > 0.1
    assert np.linalg.norm(_foot(out, "R") - _foot(rec, "R"), axis=2).max() < 0.010


def test_a_jump_longer_than_the_fill_limit_is_left_missing():
    rec = _leg_chain()
    box = np.zeros(rec.n_frames)
    box[200:320] = 1.0  # 0.6 s away
    jump = box[:, None] * np.array([0.0, 0.2, 0.0])
    out = clean_clusters(_with(rec, {f"L_foot_{k}": rec.points[f"L_foot_{k}"] + jump
                                     for k in range(1, 5)}))
    assert np.isnan(out.points["L_foot_1"][200:320]).all()
    assert np.isfinite(out.points["L_foot_1"][:160]).all()  # its margins: 0.3 of its run
    assert any("L_foot" in w and "left missing" in w for w in out.warnings)


def test_the_fill_limit_and_tolerances_come_from_the_table():
    tol = Tolerances()
    assert tol.rigid == pytest.approx(0.020) and tol.joint == pytest.approx(0.040)
    assert 0 < tol.widen < 1 and 0 < tol.max_fill_s <= 0.25


def test_blame_picks_the_segment_whose_every_joint_is_dislocated():
    n = 5
    off, on = np.zeros(n), np.full(n, 0.2)
    # a shank fault dislocates knee and ankle: the shank is at fault, not thigh or foot
    got = blame({("L_thigh", "L_shank"): on, ("L_shank", "L_foot"): on,
                 ("pelvis", "L_thigh"): off}, 0.04)
    assert got["L_shank"].all() and not got["L_thigh"].any() and not got["L_foot"].any()
    # the ankle alone: the foot (an end segment) is at fault
    got = blame({("L_thigh", "L_shank"): off, ("L_shank", "L_foot"): on}, 0.04)
    assert got["L_foot"].all() and not got["L_shank"].any()


def test_clean_clusters_change_nothing_on_clean_data():
    rec = _leg_chain(noise_mm=0.5, seed=4)
    out = clean_clusters(rec)
    assert out.warnings == [] and out.interpolated == {}
    for name, xyz in rec.points.items():
        assert np.array_equal(out.points[name], xyz)


def test_marker_sets_without_clusters_are_left_alone():
    points = {n: np.zeros((10, 3)) for n in ("L_heel", "L_toe", "L_hip", "R_hip")}
    rec = Recording(points=points, fs=30.0, path=Path("clip"),
                    markerset=load_markerset("keypoints"))
    assert segment_clusters(rec) == {} and clean_clusters(rec) is rec


def test_top_and_bottom_landmarks_make_a_cluster():
    rec = Recording(points={}, fs=100.0, path=Path("x"), markerset=load_markerset("fukuchi"))
    rec.points = {m: np.zeros((3, 3)) for m in rec.markerset.markers()}
    clusters = segment_clusters(rec)
    assert clusters["L_shank"] == ["L.Shank.Top.Lateral", "L.Shank.Top.Medial",
                                   "L.Shank.Bottom.Lateral", "L.Shank.Bottom.Medial"]
    assert len(clusters["R_foot"]) == 5 and "pelvis" in clusters


def test_recordings_are_cleaned_when_read(tmp_path):
    rec = _leg_chain(duration_s=2.0)
    moved = rec.points["R_foot_2"].copy()
    moved[150:160] += [0.04, 0.03, -0.02]
    path = write_trc(_with(rec, {"R_foot_2": moved}), tmp_path / "chain.trc")
    out = read_recording(path)
    np.testing.assert_allclose(out.points["R_foot_2"], rec.points["R_foot_2"], atol=1e-6)
    assert any("R_foot: 10 marker samples" in w for w in out.warnings)


def test_rbds_trial_is_read_unchanged(shared_file):
    path = shared_file("mocap/RBDS001runT35.c3d")
    from stridelab.io.c3d import read_c3d

    raw, rec = read_c3d(path), read_recording(path)
    assert not any("marker cluster" in w for w in rec.warnings)
    for name, xyz in raw.points.items():
        assert np.array_equal(rec.points[name], xyz, equal_nan=True)


def test_ric_trial_right_foot_jumps_are_found_and_repaired(shared_file):
    rec = read_recording(shared_file("mocap/20140515T133244_run.c3d"))
    foot = [w for w in rec.warnings if "marker cluster R_foot" in w]
    assert foot and "jumped away from its neighbouring segment" in foot[0]
    clusters = segment_clusters(rec)
    x = {s: np.stack([rec.points[m] for m in clusters[s]], axis=1) for s in clusters}
    from stridelab.io.clusters import joint_dislocation

    for side in "LR":
        shank, foot_ = (rigid_fit(reference_shape(x[f"{side}_{s}"])[1], x[f"{side}_{s}"])
                        for s in ("shank", "foot"))
        d = joint_dislocation(shank, foot_)
        assert np.nanmax(d) < 0.040  # no jump left (it was 0.53 m on the right)
        assert np.isfinite(d).mean() > 0.85  # most of it kept or refilled
