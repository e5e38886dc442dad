"""Tests of the keypoint readers: OpenPose JSON folders, Sports2D .trc, the dispatcher."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import KEYPOINT_NAMES, guess_image_size
from stridelab.pose.openpose import BODY_25, read_openpose
from stridelab.pose.read import read_keypoints
from stridelab.pose.sports2d import TRC_NAMES, is_keypoint_trc
from stridelab.sim import simulate_runner, write_trc
from stridelab.sim.keypoints import simulate_keypoints

LEGS = [BODY_25[n] for n in ("L_hip", "R_hip", "L_knee", "R_knee", "L_ankle", "R_ankle")]


def json_people(folder: Path) -> list[list[np.ndarray]]:
    """Every frame's people as (25, 3) arrays, files in frame order."""
    files = sorted(folder.glob("*_keypoints.json"))
    frames = [json.loads(f.read_text())["people"] for f in files]
    return [[np.reshape(p["pose_keypoints_2d"], (25, 3)) for p in people] for people in frames]


def body25(xy: np.ndarray, conf: np.ndarray) -> list[float]:
    """A flat BODY_25 list for one person from stridelab-named points."""
    table = np.zeros((25, 3))
    for j, name in enumerate(KEYPOINT_NAMES):
        if np.isfinite(xy[j]).all():
            table[BODY_25[name]] = (*xy[j], conf[j])
    return table.ravel().round(3).tolist()


def write_openpose(folder: Path, frames: list[list[list[float]]]) -> None:
    folder.mkdir()
    for i, people in enumerate(frames):
        data = {"version": 1.3, "people": [{"person_id": [-1], "pose_keypoints_2d": p}
                                           for p in people]}
        (folder / f"clip_{i:012d}_keypoints.json").write_text(json.dumps(data))


# ------------------------------------------------------------------------- real OpenPose clips


@pytest.mark.parametrize(("clip", "n_frames"), [("openpose_rear", 103), ("openpose_side", 88)])
def test_shared_openpose_clips(shared_file, clip, n_frames):
    folder = shared_file(f"keypoints/{clip}")
    kp = read_keypoints(folder)
    assert kp.n_frames == n_frames
    assert kp.names == KEYPOINT_NAMES
    assert kp.source == "openpose BODY_25"
    assert kp.size == (1920, 1080)
    assert kp.fps == 30.0 and any("assumed 30 fps" in w for w in kp.warnings)
    chosen = np.isfinite(kp.xy).all(axis=2).any(axis=1)
    assert kp.frames_with_person == pytest.approx(chosen.mean())
    people = json_people(folder)
    assert len(people) == n_frames
    for t, frame in enumerate(people):
        if not frame:
            assert not chosen[t]
        # every whole-body detection (hips, knees and ankles seen) is the runner's
        if any((p[LEGS, 2] > 0).all() for p in frame):
            assert chosen[t], f"frame {t}: a runner is in view but none was chosen"
    # the runner moves continuously: no jump of the hip centre between chosen frames
    hip = kp.xy[:, [kp.index("L_hip"), kp.index("R_hip")]].mean(axis=1)
    seen = np.isfinite(hip).all(axis=1)
    steps = np.linalg.norm(np.diff(hip[seen], axis=0), axis=1)
    assert seen.sum() > 0.6 * n_frames
    assert steps.max() < 0.12 * np.hypot(1920, 1080)


def test_shared_side_clip_runner_in_every_frame_with_a_person(shared_file):
    folder = shared_file("keypoints/openpose_side")
    kp = read_keypoints(folder)
    chosen = np.isfinite(kp.xy).all(axis=2).any(axis=1)
    with_person = np.array([bool(frame) for frame in json_people(folder)])
    assert with_person.sum() == 63
    assert np.array_equal(chosen, with_person)
    assert any("1 frames repeat the previous one" in w for w in kp.warnings)


def test_shared_rear_clip_ignores_the_bystander(shared_file):
    kp = read_keypoints(shared_file("keypoints/openpose_rear"), fps=30.0)
    assert not any("frame rate" in w for w in kp.warnings)
    assert any("people tracked" in w for w in kp.warnings)
    # the bystander stands at x ~ 1400 px (head and shoulders only) before the runner appears
    assert np.nanmax(kp.point("L_shoulder")[:, 0]) < 1300
    assert 0.75 < kp.frames_with_person < 0.85


def test_openpose_picks_the_runner_among_people(tmp_path):
    kp, _ = simulate_keypoints(fps=30.0)
    n = 60
    rng = np.random.default_rng(0)
    stander = kp.xy[0].copy()
    stander[:, 0] += 600.0  # a person standing still to the side, seen less clearly
    missed = (20, 21)  # the runner is not detected in two frames
    frames = []
    for t in range(n):
        runner = body25(kp.xy[t], kp.conf[t])
        other = body25(stander + rng.normal(0, 1, stander.shape), np.full(len(stander), 0.4))
        people = [other] if t in missed else [runner, other]
        frames.append(people[::-1] if t % 3 == 0 else people)  # detection order changes
    write_openpose(tmp_path / "clip", frames)
    got = read_openpose(tmp_path / "clip", fps=30.0, size=(1920, 1080))
    assert got.n_frames == n
    present = np.isfinite(got.xy).all(axis=2).any(axis=1)
    assert np.flatnonzero(~present).tolist() == list(missed)
    assert np.allclose(got.xy[present], kp.xy[:n][present], atol=0.01)
    assert np.allclose(got.conf[present], kp.conf[:n][present], atol=0.001)
    assert got.frames_with_person == pytest.approx((n - 2) / n)
    assert any("2 people tracked" in w for w in got.warnings)


def test_openpose_frames_sorted_by_number_and_zero_is_missing(tmp_path):
    folder = tmp_path / "clip"
    folder.mkdir()
    for i in (10, 2, 1):  # names sort as text 1, 10, 2
        table = np.zeros((25, 3))
        table[BODY_25["R_knee"]] = (100.0 + i, 200.0, 0.8)
        data = {"people": [{"pose_keypoints_2d": table.ravel().tolist()}]}
        (folder / f"run_{i}_keypoints.json").write_text(json.dumps(data))
    kp = read_openpose(folder, fps=25.0, size=(640, 480))
    assert kp.point("R_knee")[:, 0].tolist() == [101.0, 102.0, 110.0]
    assert np.isnan(kp.point("L_knee")).all() and (kp.conf[:, kp.index("L_knee")] == 0).all()
    assert kp.fps == 25.0 and kp.warnings == []


@pytest.mark.parametrize(("content", "problem"), [
    ("{not json", "not an OpenPose keypoint file"),
    ('{"people": [{"pose_keypoints_2d": [1, 2, 3]}]}', "expected 75"),
    ('{"something": 1}', "not an OpenPose keypoint file"),
])
def test_openpose_bad_files(tmp_path, content, problem):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "x_000000000000_keypoints.json").write_text(content)
    with pytest.raises(InputFileError, match=problem):
        read_keypoints(folder)


def test_dispatcher_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such"):
        read_keypoints(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="no OpenPose"):
        read_keypoints(tmp_path / "empty")
    other = tmp_path / "clip.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(InputFileError, match="not a keypoint source"):
        read_keypoints(other)
    marker_trc = tmp_path / "markers.trc"
    write_trc(simulate_runner(duration_s=1.0).recording, marker_trc)
    assert not is_keypoint_trc(marker_trc)
    with pytest.raises(InputFileError, match="marker .trc, not keypoints"):
        read_keypoints(marker_trc)


def test_guess_image_size():
    assert guess_image_size(np.array([[1900.0, 700.0], [10.0, 10.0]])) == (1920, 1080)
    assert guess_image_size(np.array([[600.0, 1800.0]])) == (1080, 1920)
    assert guess_image_size(np.array([[600.0, 400.0], [np.nan, np.nan]])) == (640, 480)


# ----------------------------------------------------------------------------- Sports2D .trc


def write_sports2d_trc(path: Path, xyz: np.ndarray, fps: float) -> None:
    """A .trc laid out as Sports2D writes it (``make_trc_with_trc_data``: header says ``m``)."""
    names = [TRC_NAMES[n][0] for n in KEYPOINT_NAMES]
    n = len(xyz)
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\t"
        "OrigNumFrames",
        f"{fps}\t{fps}\t{n}\t{len(names)}\tm\t{fps}\t0\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(names))),
    ]
    for i in range(n):
        row = [str(i), f"{i / fps:.6f}"] + [f"{v:.4f}" for v in xyz[i].ravel()]
        lines.append("\t".join(row).replace("nan", ""))
    path.write_text("\n".join(lines) + "\n")


def test_sports2d_pixel_trc_round_trip(tmp_path):
    kp, _ = simulate_keypoints(fps=60.0)
    xyz = np.concatenate([kp.xy, np.zeros(kp.xy.shape[:2] + (1,))], axis=2)[:120]
    xyz[10:13, kp.index("L_ankle")] = np.nan  # Sports2D leaves gaps empty ...
    xyz[20, kp.index("R_toe")] = 0.0  # ... or writes zeros
    path = tmp_path / "run_Sports2D_px_person00.trc"
    write_sports2d_trc(path, xyz, 60.0)
    assert is_keypoint_trc(path)
    got = read_keypoints(path)
    assert got.fps == 60.0 and got.n_frames == 120 and got.source == "sports2d trc"
    assert got.size == (1920, 1080)
    expect = xyz[..., :2].copy()
    expect[20, kp.index("R_toe")] = np.nan
    assert np.allclose(got.xy, expect, atol=1e-3, equal_nan=True)
    assert (got.conf[np.isfinite(expect).all(axis=2)] == 1.0).all()
    assert (got.conf[10:13, kp.index("L_ankle")] == 0.0).all()


def test_sports2d_metre_trc_is_drawn_y_down(tmp_path):
    kp, _ = simulate_keypoints(fps=30.0, px_per_m=100.0)
    metres = kp.xy[:60] / 100.0
    metres[..., 1] = -metres[..., 1]  # Sports2D metre files have y up
    xyz = np.concatenate([metres, np.zeros(metres.shape[:2] + (1,))], axis=2)
    path = tmp_path / "run_Sports2D_m_person00.trc"
    write_sports2d_trc(path, xyz, 30.0)
    got = read_keypoints(path, fps=120.0)  # a slow-motion clip: the real rate is given
    assert got.fps == 120.0 and "metres" in got.source
    assert any("file says 30" in w for w in got.warnings)
    # shoulders above ankles in image coordinates, distances scaled to 1000 px per metre
    assert np.all(got.point("R_shoulder")[:, 1] < got.point("R_ankle")[:, 1])
    d_got = np.linalg.norm(got.point("R_knee") - got.point("R_ankle"), axis=1)
    d_kp = np.linalg.norm(kp.point("R_knee")[:60] - kp.point("R_ankle")[:60], axis=1)
    assert np.allclose(d_got, d_kp * 10.0, atol=0.2)  # file rounded to 0.1 mm
    assert np.nanmin(got.xy) >= 0.0
