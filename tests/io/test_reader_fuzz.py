"""Seeded corruptions of the shared recordings: every reader keeps its contract (issue 13).

Each copy is truncated, has bits flipped, header bytes overwritten or garbage appended
(``reader_contract.corruptions``). Each must give a valid result or a one-line StridelabError
naming the file: never a crash of this process, a hang or another exception. The native
decoders share one child process per module (:func:`decoder_session`), as an import does.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from reader_contract import child_processes, corruptions, keeps_contract

from stridelab.errors import StridelabError
from stridelab.io.activity import Activity, read_activity
from stridelab.io.isolate import decoder_session
from stridelab.io.load import read_recording
from stridelab.io.recording import Recording
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.read import read_keypoints
from stridelab.pose.video import probe_video

SEED = 13


@pytest.fixture(scope="module", autouse=True)
def one_decoder_process():
    """One decoder child for the module; none left once it is done."""
    before = set(child_processes())
    with decoder_session():
        yield
    assert not set(child_processes()) - before, "a decoder process outlived its session"


@cache
def _copies(path: Path, count: int, head: int) -> list[tuple[str, bytes]]:
    return corruptions(path.read_bytes(), SEED, count, head)


def _copy(shared_file, relative: str, index: int, count: int, head: int = 512):
    return _copies(shared_file(relative), count, head)[index]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- watch files -----------------------------------------------------------------------------

ACTIVITY_FILES = [  # (file, copies): the large Fenix 2 file goes through the slow SDK: few
    ("activities/garmin-fenix-5-run.fit", 40),
    ("activities/Activity.fit", 8),
    ("activities/activity-small-fenix2-run.fit", 4),
    ("dynamics/hrm_pro_and_stryd/V01_course_run_2023_03_08.gpx", 12),
    ("activities/no_hr.tcx", 12),
]


@pytest.mark.parametrize(("relative", "index"), [
    (relative, i) for relative, count in ACTIVITY_FILES for i in range(count)])
def test_activity_files(shared_file, relative, index):
    count = dict(ACTIVITY_FILES)[relative]
    label, data = _copy(shared_file, relative, index, count)
    fmt = relative.rsplit(".", 1)[1]
    name = f"damaged.{fmt}"
    result = keeps_contract(lambda: read_activity(data, name, fmt), name, label)
    if isinstance(result, Activity):
        assert result.n_records >= 1 and np.isfinite(result.records["time_s"]).any(), label


# --- motion capture and keypoints ------------------------------------------------------------

@pytest.fixture(scope="module")
def marker_trc(shared_file, tmp_path_factory) -> Path:
    """A marker .trc written from the shared static trial (the share has no marker .trc)."""
    from stridelab.io.c3d import read_c3d
    from stridelab.io.trc_writer import write_trc

    path = tmp_path_factory.mktemp("trc") / "RBDS001static.trc"
    return write_trc(read_c3d(shared_file("mocap/RBDS001static.c3d")), path)


C3D_FILES = [  # (file, copies, bytes of header and parameters)
    ("mocap/RBDS001static.c3d", 24, 4096),
    ("mocap/RBDS001runT35.c3d", 24, 7168),  # one of these copies crashes ezc3d 1.5
]


@pytest.mark.parametrize(("relative", "index"), [
    (relative, i) for relative, count, _ in C3D_FILES for i in range(count)])
def test_c3d(shared_file, tmp_path, relative, index):
    _, count, head = next(f for f in C3D_FILES if f[0] == relative)
    label, data = _copy(shared_file, relative, index, count, head)
    path = _write(tmp_path, "damaged.c3d", data)
    _check_recording(keeps_contract(lambda: read_recording(path), path, label), label)


@pytest.mark.parametrize("index", range(16))
def test_marker_trc(marker_trc, tmp_path, index):
    label, data = corruptions(marker_trc.read_bytes(), SEED, 16, 1024)[index]
    path = _write(tmp_path, "damaged.trc", data)
    _check_recording(keeps_contract(lambda: read_recording(path), path, label), label)


def _check_recording(result, label: str) -> None:
    if isinstance(result, Recording):
        assert result.n_frames >= 2 and result.fs > 0, label
        assert all(p.shape == (result.n_frames, 3) for p in result.points.values()), label


SPORTS2D = "balance/video_pose2sim_beam/pose-3d/S00_P00_T01_BalancingTrial_0-100.trc"


@pytest.mark.parametrize("index", range(16))
def test_sports2d_trc(shared_file, tmp_path, index):
    label, data = _copy(shared_file, SPORTS2D, index, 16, head=1024)
    path = _write(tmp_path, "damaged_m_person00.trc", data)
    _check_keypoints(keeps_contract(lambda: read_keypoints(path), path, label), label)


@pytest.mark.parametrize("index", range(8))
def test_openpose_folder(shared_file, tmp_path, index):
    """One frame file of the folder damaged (a different one each time)."""
    source = shared_file("keypoints/openpose_side")
    folder = tmp_path / "openpose"
    shutil.copytree(source, folder)
    frames = sorted(f for f in folder.glob("*.json") if f.stat().st_size > 100)
    frame = frames[(index * 7) % len(frames)]
    label, data = corruptions(frame.read_bytes(), SEED + index, 4)[index % 4]
    frame.write_bytes(data)
    label = f"{frame.name}: {label}"
    _check_keypoints(keeps_contract(lambda: read_keypoints(folder, fps=30), folder, label),
                     label)


def _check_keypoints(result, label: str) -> None:
    if isinstance(result, Keypoints):
        assert result.xy.ndim == 3 and result.xy.shape[0] >= 1 and result.fps > 0, label


# --- video -----------------------------------------------------------------------------------

@pytest.mark.parametrize("index", range(12))
def test_video_probe(shared_file, tmp_path, index):
    """The open/probe step (FFmpeg) of a damaged copy of the short clip."""
    label, data = _copy(shared_file, "video/overground_side_30fps_short.mp4", index, 12,
                        head=2048)
    path = _write(tmp_path, "damaged.mp4", data)
    result = keeps_contract(lambda: probe_video(path), path, label)
    if not isinstance(result, StridelabError):
        assert result.width > 0 and result.height > 0 and result.playback_fps > 0, label
