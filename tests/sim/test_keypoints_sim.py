"""Tests of the synthetic 2D keypoints (stridelab.sim.keypoints)."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.pose.keypoints import KEYPOINT_NAMES
from stridelab.sim import body, simulate_runner
from stridelab.sim.keypoints import KeypointSpec, simulate_keypoints


def stance_mask(kp, events, side: str) -> np.ndarray:
    t = kp.time
    mask = np.zeros(kp.n_frames, bool)
    for ic, to in zip(events.ic_s[events.side == side], events.to_s[events.side == side],
                      strict=True):
        mask |= (t > ic + 0.02) & (t < to - 0.02)
    return mask


def test_shape_names_and_events():
    kp, events = simulate_keypoints(fps=50.0, size=(1280, 720), px_per_m=300.0)
    assert kp.names == KEYPOINT_NAMES
    assert kp.xy.shape == (500, len(KEYPOINT_NAMES), 2)
    assert kp.conf.shape == (500, len(KEYPOINT_NAMES))
    assert kp.fps == 50.0 and kp.size == (1280, 720)
    assert np.isfinite(kp.xy).all() and kp.frames_with_person == 1.0
    truth = simulate_runner(fs=50.0).events
    assert events.equals(truth)


def test_segment_lengths_follow_the_model():
    ppm = 400.0
    kp, _ = simulate_keypoints(px_per_m=ppm, fps=30.0)
    for side in "LR":
        thigh = np.linalg.norm(kp.point(f"{side}_knee") - kp.point(f"{side}_hip"), axis=1)
        shank = np.linalg.norm(kp.point(f"{side}_ankle") - kp.point(f"{side}_knee"), axis=1)
        assert np.allclose(thigh, body.THIGH_LENGTH * ppm, rtol=1e-6)
        assert np.allclose(shank, body.SHANK_LENGTH * ppm, rtol=1e-6)


@pytest.mark.parametrize(("camera_side", "facing"), [("right", 1.0), ("left", -1.0)])
def test_side_view_direction_and_near_leg(camera_side, facing):
    kp, events = simulate_keypoints(view="side", camera_side=camera_side, fps=60.0)
    for side in "LR":
        stance = stance_mask(kp, events, side)
        toe_ahead = (kp.point(f"{side}_toe")[stance, 0] - kp.point(f"{side}_heel")[stance, 0])
        assert np.all(np.sign(toe_ahead) == facing)  # the runner faces image right or left
        # in stance the heel is near the ground line, below the knee (y down)
        assert np.all(kp.point(f"{side}_heel")[stance, 1] > kp.point(f"{side}_knee")[stance, 1])
    near = "R" if camera_side == "right" else "L"
    far = "L" if near == "R" else "R"
    assert np.all(kp.conf[:, kp.index(f"{near}_ankle")] > kp.conf[:, kp.index(f"{far}_ankle")])
    assert np.all(kp.point("nose")[:, 1] < kp.point("L_hip")[:, 1])


def test_rear_view_right_is_image_right():
    kp, _ = simulate_keypoints(view="rear", fps=30.0)
    for p in ("hip", "knee", "ankle", "shoulder"):
        assert np.all(kp.point(f"R_{p}")[:, 0] > kp.point(f"L_{p}")[:, 0])
    mirrored, _ = simulate_keypoints(view="rear", fps=30.0, mirror=True)
    assert np.all(mirrored.point("R_hip")[:, 0] < mirrored.point("L_hip")[:, 0])


def test_injected_corruption():
    spec = KeypointSpec(fps=30.0, noise_px=2.0, swaps=((1.0, 1.2),), gaps=(("L_ankle", 2.0, 2.3),
                        ("*", 5.0, 5.5)), outliers=(("R_knee", 3.0),), outlier_px=60.0, seed=3)
    kp, _ = simulate_keypoints(spec)
    truth, _ = simulate_keypoints(spec.truth())
    t = kp.time
    swapped = (t >= 1.0) & (t <= 1.2)
    err_swapped = np.linalg.norm(kp.point("L_ankle")[swapped] - truth.point("R_ankle")[swapped],
                                 axis=1)
    assert err_swapped.max() < 10.0  # labels exchanged
    gap = (t >= 2.0) & (t <= 2.3)
    assert np.isnan(kp.point("L_ankle")[gap]).all()
    assert (kp.conf[gap, kp.index("L_ankle")] == 0).all()
    nobody = (t >= 5.0) & (t <= 5.5)
    assert np.isnan(kp.xy[nobody]).all()
    assert kp.frames_with_person == pytest.approx(1.0 - nobody.mean())
    i = int(np.argmin(np.abs(t - 3.0)))
    jump = np.linalg.norm(kp.point("R_knee")[i] - truth.point("R_knee")[i])
    assert 45.0 < jump < 75.0
    noise = (kp.xy - truth.xy)[~swapped[:, None] & np.isfinite(kp.xy).all(axis=2)]
    assert 1.5 < np.std(noise) < 2.5


def test_overground_runner_leaves_the_frame():
    from stridelab.sim.runner import RunnerSpec

    kp, _ = simulate_keypoints(fps=30.0, runner=RunnerSpec(setting="overground", duration_s=4.0))
    hip = kp.point("R_hip")[:, 0]
    assert np.isnan(hip[0]) and np.isnan(hip[-1])  # enters and leaves the image
    assert 0.2 < kp.frames_with_person < 0.8
    ok = np.isfinite(hip)
    assert np.all(np.diff(hip[ok]) > 0)  # moving image right


def test_bad_spec_is_refused():
    with pytest.raises(ValueError, match="view"):
        simulate_keypoints(view="top")
