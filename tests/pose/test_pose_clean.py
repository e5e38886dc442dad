"""Tests of keypoint cleaning (stridelab.pose.clean, .swap) on synthetic and real keypoints."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.pose.clean import (
    ConfidenceGate,
    GapFiller,
    HampelOutliers,
    KeypointCleaner,
    clean_keypoints,
)
from stridelab.pose.read import read_keypoints
from stridelab.pose.swap import LeftRightSwapFixer, leg_length_px
from stridelab.sim.keypoints import KeypointSpec, simulate_keypoints
from stridelab.sim.runner import RunnerSpec
from stridelab.thresholds import threshold

LEG = ("knee", "ankle", "heel", "toe")


def rms(a: np.ndarray, b: np.ndarray) -> float:
    d = np.linalg.norm(a - b, axis=-1)
    return float(np.sqrt(np.nanmean(d**2)))


def mislabelled(kp, truth, tol_leg: float = 0.2) -> int:
    """Frames where some leg point sits nearer the other leg's true position (legs apart)."""
    leg = leg_length_px(truth)
    bad = np.zeros(kp.n_frames, bool)
    for p in LEG:
        left, right = kp.point(f"L_{p}"), kp.point(f"R_{p}")
        t_l, t_r = truth.point(f"L_{p}"), truth.point(f"R_{p}")
        apart = np.linalg.norm(t_l - t_r, axis=1) > tol_leg * leg
        own = np.linalg.norm(left - t_l, axis=1) + np.linalg.norm(right - t_r, axis=1)
        crossed = np.linalg.norm(left - t_r, axis=1) + np.linalg.norm(right - t_l, axis=1)
        bad |= apart & (crossed < own)
    return int(bad.sum())


# ----------------------------------------------------------------------------- confidence


def test_confidence_gate():
    kp, _ = simulate_keypoints(fps=30.0, dropout=0.1, seed=2)
    gate = ConfidenceGate(min_confidence=0.3).apply(kp)
    out = gate.keypoints_
    low = kp.conf < 0.3
    present = np.isfinite(kp.xy).all(axis=2)  # dropouts may also fall outside the image
    assert (low & present).any()
    assert np.isnan(out.xy[low]).all() and (out.conf[low] == 0).all()
    assert np.array_equal(out.xy[~low], kp.xy[~low], equal_nan=True)
    assert gate.gated_share_ == pytest.approx((low & present).sum() / present.sum())
    assert kp.warnings == []  # the input is not changed
    default = ConfidenceGate()
    assert default.min_confidence == threshold("pose.clean.min_confidence")


# ---------------------------------------------------------------------------------- swaps


@pytest.mark.parametrize(("view", "fps"), [("side", 30.0), ("side", 60.0), ("side", 120.0),
                                           ("rear", 30.0)])
def test_injected_swaps_are_undone(view, fps):
    spec = KeypointSpec(view=view, fps=fps, noise_px=3.0,
                        swaps=((1.0, 1.3), (2.2, 2.2), (4.0, 4.6), (7.1, 7.4)), seed=1)
    kp, _ = simulate_keypoints(spec)
    truth, _ = simulate_keypoints(spec.truth())
    assert mislabelled(kp, truth) > 0.08 * kp.n_frames
    fixer = LeftRightSwapFixer().fix(kp)
    assert mislabelled(fixer.keypoints_, truth) == 0
    assert fixer.n_swaps_ == 4
    t = kp.time
    injected = np.zeros(kp.n_frames, bool)
    for a, b in spec.swaps:
        injected |= (t >= a - 1e-9) & (t <= b + 1e-9)
    ankle = fixer.groups.index(("ankle", "heel", "toe"))
    assert np.array_equal(fixer.swapped_[:, ankle], injected)


def test_no_swaps_invented_on_clean_data():
    for runner in (RunnerSpec(), RunnerSpec(cadence_spm=190, contact_time_s=0.18, speed_ms=5.5),
                   RunnerSpec(setting="overground", duration_s=3.0)):
        kp, _ = simulate_keypoints(fps=60.0, noise_px=2.0, runner=runner, seed=4)
        fixer = LeftRightSwapFixer().fix(kp)
        assert fixer.n_swaps_ == 0


def test_swaps_fixed_across_a_missing_frame():
    # the foot points are missing right at a change of labels: the continuity cost must bridge it
    spec = KeypointSpec(fps=30.0, noise_px=2.0, swaps=((3.0, 3.3),),
                        gaps=(("L_ankle", 2.99, 3.04), ("R_ankle", 2.99, 3.04)))
    kp, _ = simulate_keypoints(spec)
    truth, _ = simulate_keypoints(spec.truth())
    assert mislabelled(LeftRightSwapFixer().fix(kp).keypoints_, truth) == 0


# ------------------------------------------------------------------------------- outliers


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_injected_outliers_removed(fps):
    # 100 px = 0.28 leg lengths: a keypoint grabbing the other leg or the background
    hits = (("L_ankle", 3.0), ("R_knee", 5.0), ("L_toe", 6.2), ("R_heel", 8.4))
    kp, _ = simulate_keypoints(fps=fps, noise_px=2.0, outliers=hits, outlier_px=100.0, seed=5)
    h = HampelOutliers().apply(kp)
    for name, t_s in hits:
        i = int(np.argmin(np.abs(kp.time - t_s)))
        assert h.outliers_[i, kp.index(name)], name
        assert np.isnan(h.keypoints_.xy[i, kp.index(name)]).all()
    extra = h.outliers_.copy()
    for name, t_s in hits:
        extra[int(np.argmin(np.abs(kp.time - t_s))), kp.index(name)] = False
    # no good foot or hip point is lost; at 30 fps a few knee (and arm, which follows the
    # thigh) points are, where the synthetic knee kinks as the model straightens the leg
    steady = [kp.index(f"{s}_{p}") for s in "LR" for p in ("hip", "ankle", "heel", "toe")]
    assert not extra[:, steady].any()
    assert extra.sum() <= 0.005 * extra.size


@pytest.mark.parametrize("view", ["side", "rear"])
def test_hampel_keeps_clean_motion(view):
    # (at 30 fps the synthetic knee's own kinks, where the model straightens the leg, are
    # flagged a few times; from 60 fps on nothing is)
    for fps in (60.0, 120.0):
        for runner in (RunnerSpec(), RunnerSpec(cadence_spm=190, speed_ms=5.5,
                                                contact_time_s=0.18)):
            kp, _ = simulate_keypoints(fps=fps, view=view, runner=runner)
            assert HampelOutliers().apply(kp).outliers_.sum() == 0


# ----------------------------------------------------------------------------------- gaps


def test_short_gaps_filled_long_gaps_reported():
    max_gap = threshold("pose.clean.max_gap_s")
    spec = KeypointSpec(fps=60.0, gaps=(("R_ankle", 2.0, 2.0 + max_gap - 0.02),
                                        ("L_knee", 4.0, 4.0 + 3 * max_gap)))
    kp, _ = simulate_keypoints(spec)
    truth, _ = simulate_keypoints(spec.truth())
    filler = GapFiller().apply(kp)
    out = filler.keypoints_
    short = (kp.time >= 2.0) & (kp.time <= 2.0 + max_gap - 0.02)
    assert np.isfinite(out.point("R_ankle")[short]).all()
    assert rms(out.point("R_ankle")[short], truth.point("R_ankle")[short]) < 5.0
    assert (out.conf[short, kp.index("R_ankle")] > 0).all()
    long = (kp.time >= 4.0) & (kp.time <= 4.0 + 3 * max_gap)
    assert np.isnan(out.point("L_knee")[long]).all()
    assert filler.n_filled_ == 1
    assert len(filler.long_gaps_) == 1
    name, start, end = filler.long_gaps_[0]
    assert name == "L_knee" and start == pytest.approx(4.0, abs=0.02)
    assert end == pytest.approx(4.0 + 3 * max_gap, abs=0.02)


# ------------------------------------------------------------------------------ pipeline


@pytest.mark.parametrize("view", ["side", "rear"])
def test_pipeline_on_corrupted_synthetic_keypoints(view):
    spec = KeypointSpec(view=view, fps=60.0, noise_px=4.0, dropout=0.03,
                        swaps=((1.0, 1.3), (4.0, 4.6)),
                        outliers=(("L_ankle", 3.0), ("R_knee", 5.0)),
                        gaps=(("R_ankle", 7.0, 7.05), ("L_heel", 8.0, 8.5)), seed=1)
    kp, _ = simulate_keypoints(spec)
    truth, _ = simulate_keypoints(spec.truth())
    cleaner = KeypointCleaner().clean(kp)
    out = cleaner.keypoints_
    report = cleaner.report_
    assert report["swaps"] == 2
    assert report["gated_share"] == pytest.approx(0.03, abs=0.01)
    assert report["outliers"] >= 2
    assert [g[0] for g in report["long_gaps"]] == ["L_heel"]
    assert report["gaps_filled"] > 0
    assert mislabelled(out, truth) == 0
    # every point is back except the long gap, and closer to the truth than the raw noise
    missing = ~np.isfinite(out.xy).all(axis=2)
    in_long_gap = (kp.time >= 8.0) & (kp.time <= 8.5)
    assert missing.sum() == missing[in_long_gap, kp.index("L_heel")].sum() == in_long_gap.sum()
    before = rms(kp.xy[kp.conf >= 0.3], truth.xy[kp.conf >= 0.3])
    after = rms(out.xy, truth.xy)
    assert after < 0.75 * before
    assert after < 4.0 * np.sqrt(2)  # below the injected noise itself
    line = out.warnings[-1]
    assert line.startswith("cleaning:") and "2 left/right swaps fixed" in line
    assert "longer gaps left missing" in line and "low-pass" in line
    assert kp.warnings == []


def test_clean_keypoints_parameters():
    kp, _ = simulate_keypoints(fps=30.0, noise_px=3.0, seed=6)
    plain = clean_keypoints(kp, lowpass_hz=0, fix_swaps=False, reject_outliers=False)
    assert np.allclose(plain.xy, kp.xy)  # nothing to gate or fill, no filter
    assert "swaps" not in plain.warnings[-1] and "low-pass" not in plain.warnings[-1]
    capped = KeypointCleaner(lowpass_hz=12.0).clean(kp)
    assert capped.report_["lowpass_hz"] == pytest.approx(
        threshold("pose.clean.lowpass_max_fps_share") * 30.0)


def test_shared_openpose_clips_clean(shared_file):
    for clip in ("openpose_rear", "openpose_side"):
        kp = read_keypoints(shared_file(f"keypoints/{clip}"), fps=30.0)
        cleaner = KeypointCleaner().clean(kp)
        out = cleaner.keypoints_
        assert out.n_frames == kp.n_frames and out.frames_with_person == kp.frames_with_person
        present = np.isfinite(kp.xy).all(axis=2)
        kept = np.isfinite(out.xy).all(axis=2)
        assert kept.sum() >= 0.95 * present.sum()  # gating and outliers lose little
        assert cleaner.report_["gated_share"] < 0.1
        # smoothing moves points by a few pixels, not more
        both = present & kept
        assert np.median(np.linalg.norm(out.xy[both] - kp.xy[both], axis=1)) < 5.0
