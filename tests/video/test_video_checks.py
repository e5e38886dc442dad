"""Quality gates of the video pipeline: frame rate, person share, slow motion, scene."""

from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints
from stridelab.pose.pipeline import check_quality, check_timing
from stridelab.pose.scene import describe_scene
from stridelab.thresholds import threshold


def _kp(fps=60.0, share=1.0, n=60):
    xy = np.zeros((n, len(KEYPOINT_NAMES), 2))
    return Keypoints(xy=xy, conf=np.ones(xy.shape[:2]), names=KEYPOINT_NAMES, fps=fps,
                     size=(1920, 1080), path=Path("clip.mp4"), source="test",
                     frames_with_person=share)


def test_low_frame_rate_is_refused_and_30fps_warned():
    with pytest.raises(InputFileError, match="too low"):
        check_quality(_kp(fps=threshold("video.quality.min_fps") - 1))
    warnings = check_quality(_kp(fps=30.0))
    assert any("limits timing" in w for w in warnings)
    assert check_quality(_kp(fps=120.0)) == []


def test_too_few_frames_with_a_person_is_refused():
    with pytest.raises(InputFileError, match="only 20 %"):
        check_quality(_kp(share=0.2))


@pytest.mark.parametrize("real_fps", [120, 240])
def test_slow_motion_played_at_30_is_caught(real_fps):
    true_cadence = 172.0
    apparent = true_cadence * 30 / real_fps
    summary = {"metrics": {"cadence_spm": {"mean": apparent}}}
    with pytest.raises(InputFileError, match="slow motion") as err:
        check_timing(summary, _kp(fps=30.0), None)
    assert f"--capture-fps {real_fps}" in str(err.value)


def test_normal_cadence_passes_the_slow_motion_check():
    check_timing({"metrics": {"cadence_spm": {"mean": 165.0}}}, _kp(fps=30.0), None)


def _standing(view: str) -> Keypoints:
    """A person 1.8 m tall, 600 px from hip to ankle, seen from the side or from behind."""
    pos = {"nose": (0, -900), "shoulder": (0, -700), "elbow": (0, -450), "wrist": (0, -250),
           "hip": (0, -600), "knee": (0, -300), "ankle": (0, 0), "heel": (-20, 20),
           "toe": (60, 25)}
    half = {"shoulder": 110, "hip": 50, "knee": 50, "ankle": 50, "heel": 50, "toe": 50,
            "elbow": 130, "wrist": 130}
    xy = np.zeros((40, len(KEYPOINT_NAMES), 2))
    for i, name in enumerate(KEYPOINT_NAMES):
        side, _, part = name.partition("_")
        x, y = pos[part] if part else pos[name]
        if part and view == "rear":
            x = (-1 if side == "L" else 1) * half.get(part, 0)
            x = x if part not in ("heel", "toe") else (-50 if side == "L" else 50)
        xy[:, i] = (960 + x, 1000 + y)
    return Keypoints(xy=xy, conf=np.ones(xy.shape[:2]), names=KEYPOINT_NAMES, fps=60.0,
                     size=(1920, 1080), path=Path("clip.mp4"), source="test")


@pytest.mark.parametrize("view", ["side", "rear"])
def test_view_and_scale_detected(view):
    scene = describe_scene(_standing(view), height_m=1.8)
    assert scene.view == view
    # 600 px of leg = 0.491 x 1.8 m
    assert scene.px_per_m == pytest.approx(600 / (threshold("video.scale.leg_length_ratio") * 1.8),
                                           rel=0.01)


def test_implausible_height_is_refused():
    with pytest.raises(InputFileError, match="height"):
        describe_scene(_standing("side"), height_m=178)
