"""Clips made from the shared treadmill clip: two runners side by side; a runner who leaves."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from stridelab.parallel import WorkerPool
from stridelab.pose.pipeline import PoseEstimation
from stridelab.thresholds import threshold

FRAMES = 300
HALF = (540, 960)


@pytest.fixture(scope="module")
def small_frames(shared_file):
    import av
    import cv2

    frames = []
    with av.open(str(shared_file("video/treadmill_side_60fps.mp4"))) as container:
        for frame in container.decode(video=0):
            if len(frames) >= FRAMES:
                break
            frames.append(cv2.resize(frame.to_ndarray(format="rgb24"), HALF,
                                     interpolation=cv2.INTER_AREA))
    return frames


def test_two_runners_in_view_are_never_mixed(small_frames, tmp_path, write_clip):
    # the same runner twice, the second mirrored and a third of a stride later
    n = len(small_frames)
    frames = [np.concatenate([small_frames[i], small_frames[(i + 15) % n][:, ::-1]], axis=1)
              for i in range(n)]
    clip = tmp_path / "two.mp4"
    write_clip(clip, frames, fps=60, g="60")
    with WorkerPool(2) as pool:
        pose = PoseEstimation(height_m=1.78).estimate(clip, pool=pool)
    kp = pose.keypoints_
    hips = np.nanmean(kp.xy[:, [kp.index("L_hip"), kp.index("R_hip")], 0], axis=1)
    hips = hips[np.isfinite(hips)]
    assert len(hips) > 0.5 * n
    # every analysed frame shows the same one of the two
    assert (hips < HALF[0]).all() or (hips >= HALF[0]).all()


def test_runner_who_leaves_the_frame(small_frames, tmp_path, write_clip):
    still = np.median(np.stack(small_frames[::25]), axis=0).astype(np.uint8)  # no runner
    leave = 200
    clip = tmp_path / "leaves.mp4"
    write_clip(clip, small_frames[:leave] + [still] * (FRAMES - leave), fps=60, g="60")
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(clip), "--out",
                          str(out), "--no-video", "--no-report", "--height", "1.78"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    # the frames after the runner left are not counted as showing a person (to within the
    # window over which the movement is judged)
    window = threshold("pose.track.motion_window_s")
    assert summary["pose"]["frames_with_person"] <= (leave + window * 60) / FRAMES
    last_contact = max(s["ic_s"] for s in _strides(out))
    assert last_contact < leave / 60
    assert "no running movement" in res.stdout.replace("\n", " ")


def _strides(out):
    import pandas as pd

    return pd.read_csv(out / "strides.csv").to_dict("records")
