"""Quality gates of the video pipeline: frame rate, person share, slow motion, scene."""

from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints
from stridelab.pose.pipeline import check_quality, check_timing
from stridelab.pose.scene import describe_scene
from stridelab.summary import Summary
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
    summary = Summary.from_dict({"metrics": {"cadence_spm": {"mean": apparent}}})
    with pytest.raises(InputFileError, match="slow motion") as err:
        check_timing(summary, _kp(fps=30.0), None)
    assert f"--capture-fps {real_fps}" in str(err.value)


def test_normal_cadence_passes_the_slow_motion_check():
    check_timing(Summary.from_dict({"metrics": {"cadence_spm": {"mean": 165.0}}}),
                 _kp(fps=30.0), None)


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


def test_a_walker_is_not_taken_for_slow_motion():
    summary = Summary.from_dict({"activity": "walking",
                                 "metrics": {"cadence_spm": {"mean": 110.0}}})
    check_timing(summary, _kp(fps=30.0), None)  # a walker's cadence: no error
    summary.metrics["cadence_spm"].mean = 110.0 * 30 / 240  # a walker in slow motion
    with pytest.raises(InputFileError, match="slow motion"):
        check_timing(summary, _kp(fps=30.0), None)


def test_walker_keypoints_through_the_command_line(tmp_path):
    import subprocess
    import sys

    from stridelab.sim import RunnerSpec
    from stridelab.sim.keypoints import simulate_keypoints

    kp, _ = simulate_keypoints(runner=RunnerSpec(duration_s=8.0, cadence_spm=110.0,
                                                 contact_time_s=0.62, speed_ms=1.3),
                               fps=30.0, noise_px=1.0)
    path = tmp_path / "walk_Sports2D_px_person00.trc"  # laid out as Sports2D writes it
    names = _sports2d_names(kp.names)
    header = ["PathFileType\t4\t(X/Y/Z)\twalk.trc",
              "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\t"
              "OrigDataStartFrame\tOrigNumFrames",
              f"30\t30\t{kp.n_frames}\t{len(names)}\tm\t30\t0\t{kp.n_frames}",
              "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
              "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(names)))]
    rows = [f"{i}\t{i / 30:.6f}\t" + "\t".join(f"{x:.3f}\t{y:.3f}\t0" for x, y in kp.xy[i])
            for i in range(kp.n_frames)]
    path.write_text("\n".join(header + rows) + "\n")
    res = subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(path), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    said = " ".join(res.stdout.split())
    assert "walking, not running" in said and "slow motion" not in said
    assert "Traceback" not in res.stderr


def _sports2d_names(names):
    from stridelab.pose.sports2d import TRC_NAMES

    return [TRC_NAMES[n][0] for n in names]


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_a_runner_lying_in_the_picture_is_turned_upright(turns):
    from stridelab.pose.scene import quarter_turns, upright

    standing = _standing("side")
    lying = quarter_turns(standing, turns)
    assert lying.size == ((1920, 1080) if turns % 2 == 0 else (1080, 1920))
    back, applied = upright(lying)
    assert applied == (-turns) % 4
    assert back.size == standing.size
    np.testing.assert_allclose(back.xy, standing.xy, atol=1e-9)
