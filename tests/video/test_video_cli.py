"""Video through the command line, on the shared clip and on clips the tests make."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

LABELS = Path(__file__).resolve().parents[1] / "data" / "treadmill_side_60fps_labels.csv"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def counted_cadence() -> float:
    for line in LABELS.read_text().splitlines():
        if line.startswith("#") and "steps/min" in line:
            return float(line.split("=")[-1].split("steps/min")[0])
    raise AssertionError("no counted cadence in the labels file")


@pytest.fixture(scope="module")
def treadmill_results(shared_file, tmp_path_factory):
    clip = shared_file("video/treadmill_side_60fps.mp4")
    out = tmp_path_factory.mktemp("treadmill")
    res = run_cli("analyze", clip, "--out", out, "--height", "1.78")
    assert res.returncode == 0, res.stderr
    return out, res


def test_clip_gives_strides_summary_and_annotated_video(treadmill_results):
    import av

    out, res = treadmill_results
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "video" and summary["view"] == "side"
    assert summary["activity"] == "running"
    assert summary["scene"]["setting"] == "treadmill"
    assert summary["pose"]["frames"] == 388
    strides = pd.read_csv(out / "strides.csv")
    assert set(strides.side) == {"L", "R"} and len(strides) >= 12
    # cadence against the strides counted by eye
    cadence = summary["metrics"]["cadence_spm"]["mean"]
    assert abs(cadence - counted_cadence()) / counted_cadence() < 0.05
    # side-view measures are there, rear-view ones say why not
    assert "knee_flexion_peak_stance_deg" in summary["metrics"]
    assert summary["unavailable"]["pelvic_drop_deg"] == "needs a rear view"
    with av.open(str(out / "annotated.mp4")) as container:
        assert container.streams.video[0].frames == 388
    assert not list(out.glob(".*"))  # the frame cache and the video's segments are removed


def test_events_near_the_labels(treadmill_results):
    out, _ = treadmill_results
    strides = pd.read_csv(out / "strides.csv")
    labels = pd.read_csv(LABELS, comment="#")
    errors = []
    for row in labels.itertuples():
        col = "ic_s" if row.event == "IC" else "to_s"
        times = strides[strides.side == row.side][col].to_numpy() * 60
        nearest = times[np.argmin(np.abs(times - row.frame))] if len(times) else np.inf
        # a missed or wrong-side contact is a step (~21 frames) away; the labels themselves
        # cannot time events better than 3-5 frames (the belt is hidden) and their stride
        # (41.5 frames) is shorter than the keypoints' (43), so they drift apart: this checks
        # that every labelled contact is found on its side, not its timing (that is the
        # force-plate harness's job, tests/video/test_virtual_camera.py)
        assert abs(nearest - row.frame) <= 10, (row, nearest)
        errors.append(nearest - row.frame)
    assert np.mean(np.abs(errors)) <= 7


def test_clip_without_a_person_is_refused(tmp_path, write_clip):
    clip = tmp_path / "empty.mp4"
    rng = np.random.default_rng(0)
    write_clip(clip, [np.full((240, 320, 3), 90, np.uint8)
                       + rng.integers(0, 5, (240, 320, 3), dtype=np.uint8) for _ in range(20)])
    res = run_cli("analyze", clip, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert "empty.mp4" in res.stderr and "no person" in res.stderr
    assert "Traceback" not in res.stderr


def test_file_that_is_not_a_video(tmp_path):
    clip = tmp_path / "notes.mp4"
    clip.write_text("this is not a video\n")
    res = run_cli("analyze", clip, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert "notes.mp4" in res.stderr and "not a readable video" in res.stderr


def test_clip_shorter_than_two_strides(shared_file, tmp_path):
    clip = shared_file("video/overground_side_30fps_short.mp4")
    res = run_cli("analyze", clip, "--out", tmp_path / "out", "--no-video")
    assert res.returncode == 2
    assert "stride" in res.stderr and "Traceback" not in res.stderr
