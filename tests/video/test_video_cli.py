"""Video through the command line, on the shared clip and on clips the tests make."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

LABELS = Path(__file__).resolve().parents[1] / "data" / "treadmill_side_60fps_labels.csv"


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


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


@pytest.fixture(scope="module")
def empty_clip(tmp_path_factory, write_clip):
    """A clip of 420 frames without anyone in it: two chunks, so two pose processes."""
    clip = tmp_path_factory.mktemp("empty") / "empty.mp4"
    rng = np.random.default_rng(0)
    frame = np.full((120, 160, 3), 90, np.uint8)
    write_clip(clip, [frame + rng.integers(0, 5, frame.shape, dtype=np.uint8)
                      for _ in range(420)])
    return clip


@pytest.mark.parametrize("height", ["3.5", "17.5", "0", "nan"])
def test_an_impossible_height_is_refused_before_the_pose_pass(empty_clip, tmp_path, height):
    res = run_cli("analyze", empty_clip, "--out", tmp_path, "--height", height)
    assert res.returncode == 2
    assert "--height" in res.stderr and "not a runner's height" in res.stderr
    assert "no person" not in res.stderr  # refused before any frame was read
    assert not any(tmp_path.iterdir())


def test_a_height_in_centimetres_is_read_as_such(empty_clip, tmp_path):
    res = run_cli("analyze", empty_clip, "--out", tmp_path, "--height", "175")
    assert "--height 175 read as centimetres: 1.75 m" in " ".join(res.stdout.split())
    assert "no --height given" not in res.stdout
    assert res.returncode == 2 and "no person" in res.stderr  # then the clip itself


def test_a_missing_height_is_named(empty_clip, tmp_path):
    res = run_cli("analyze", empty_clip, "--out", tmp_path, "--workers", "2")
    said = " ".join(res.stdout.split())
    assert "warning: no --height given: 1.75 m is assumed" in said
    assert said.count("no --height given") == 1
    assert res.returncode == 2 and "no person" in res.stderr
    # an error after the pose processes ran leaves nothing behind on stderr but its line
    assert res.stderr.strip().splitlines() == [res.stderr.strip()]
    assert "leaked" not in res.stderr and "resource_tracker" not in res.stderr


def test_motion_capture_needs_no_height(tmp_path):
    trc = tmp_path / "example.trc"
    assert run_cli("example", trc, "--duration", "4").returncode == 0
    res = run_cli("analyze", trc, "--out", tmp_path / "out", "--no-report")
    assert res.returncode == 0, res.stderr
    assert "--height" not in res.stdout


@pytest.mark.parametrize("fps", ["0", "-30", "nan"])
def test_capture_fps_must_be_a_rate(empty_clip, tmp_path, fps):
    res = run_cli("analyze", empty_clip, "--out", tmp_path, "--capture-fps", fps)
    assert res.returncode == 2
    assert "--capture-fps" in res.stderr and "not a frame rate" in res.stderr
    assert "no person" not in res.stderr


def test_pose_options_are_checked_in_python_too():
    from stridelab.errors import StridelabError
    from stridelab.pose.pipeline import PoseEstimation

    with pytest.raises(StridelabError, match="height of 175 m is implausible"):
        PoseEstimation(height_m=175)
    with pytest.raises(StridelabError, match="capture rate of 0 frames/s"):
        PoseEstimation(capture_fps=0)
    assert PoseEstimation(height_m=1.78, capture_fps=240).capture_fps == 240


@pytest.fixture
def slow_dead_proxy():
    """A proxy address that holds each connection for 4 s, then drops it: a download through
    it fails, late enough that every process trying it has said so."""
    import socket
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def hold(conn):
        time.sleep(4)
        conn.close()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=hold, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


def test_a_model_that_cannot_be_downloaded_is_tried_once(empty_clip, tmp_path,
                                                         slow_dead_proxy):
    from stridelab.pose.mediapipe_backend import _model_file

    if _model_file("heavy").exists():
        pytest.skip("the MediaPipe heavy model is already downloaded here")
    res = run_cli("analyze", empty_clip, "--out", tmp_path, "--model", "heavy", "--height",
                  "1.78", "--workers", "2",
                  env={"https_proxy": slow_dead_proxy, "HTTPS_PROXY": slow_dead_proxy})
    assert res.returncode == 2
    assert "'heavy' pose model is not bundled" in res.stderr
    assert "--model full" in res.stderr
    assert (res.stdout + res.stderr).count("Downloading model") == 1
    assert not _model_file("heavy").exists()  # no partial file left to pass for the model
