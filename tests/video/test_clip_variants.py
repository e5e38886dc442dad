"""Variants of the shared treadmill clip: the runner is found as often as the pose model finds
someone, and slow motion is named as such instead of refused for want of a person."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stridelab.parallel import WorkerPool
from stridelab.pose.estimate import estimate_keypoints
from stridelab.pose.track import RunnerTrack
from stridelab.sim.clip_variants import write_variant

START_S, SECONDS = 1.0, 2.0
"""The part of the source each variant is made of (a short one: each test runs in seconds)."""


@pytest.fixture(scope="module")
def source(shared_file):
    return shared_file("video/treadmill_side_60fps.mp4")


@pytest.mark.parametrize("name", ["small_360", "slow_4x", "slow_8x"])
def test_frames_with_a_person_follow_the_pose_model(source, tmp_path, name):
    clip = write_variant(source, tmp_path / f"{name}.mp4", name, START_S, SECONDS)
    with WorkerPool(2) as pool:
        kp = estimate_keypoints(clip, pool=pool)
    kept = RunnerTrack().apply(kp).keypoints_.frames_with_person
    # the model sees the runner throughout; the runner's stretch keeps (nearly) all of it
    assert kp.frames_with_person > 0.95
    assert kept >= kp.frames_with_person - 0.05, (kept, kp.frames_with_person)


@pytest.fixture(scope="module", params=["slow_4x", "slow_8x"])
def slow_message(source, tmp_path_factory, request):
    """The one-line refusal of a slow-motion clip (capture rate not tagged)."""
    folder = tmp_path_factory.mktemp("slow")
    clip = write_variant(source, folder / f"{request.param}.mp4", request.param, START_S,
                         SECONDS)
    res = subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(clip), "--out",
                          str(folder / "out"), "--no-video", "--no-report"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2, res.stderr
    return " ".join(res.stderr.split())


def test_slow_motion_is_not_refused_for_want_of_a_person(slow_message):
    assert "person" not in slow_message


def test_slow_motion_is_named(slow_message):
    assert "slow motion" in slow_message and "--capture-fps" in slow_message, slow_message
