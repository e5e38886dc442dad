"""C3D files that crash ezc3d, are truncated, or hold a single frame (issue 13, points 5, 10)."""

from __future__ import annotations

import pytest

from stridelab.errors import DecoderError, InputFileError
from stridelab.io.c3d import read_c3d
from stridelab.io.load import read_recording

pytestmark = pytest.mark.usefixtures("no_children_left")

RUN = "mocap/RBDS001runT35.c3d"
# single parameter-section bytes that make ezc3d 1.5 dereference a bad pointer (segfault)
SEGFAULT_BYTES = [(2092, 183), (1235, 202), (1966, 173)]


@pytest.fixture(scope="module")
def run_bytes(shared_file) -> bytes:
    return shared_file(RUN).read_bytes()


@pytest.mark.parametrize(("offset", "value"), SEGFAULT_BYTES)
def test_a_file_that_crashes_ezc3d_is_rejected_in_one_line(run_bytes, tmp_path, offset, value):
    damaged = bytearray(run_bytes)
    damaged[offset] = value
    path = tmp_path / "damaged.c3d"
    path.write_bytes(bytes(damaged))
    with pytest.raises(DecoderError) as caught:
        read_recording(path)
    assert str(caught.value) == f"{path}: cannot be read (decoder crashed: segmentation fault)"


def test_a_truncated_file_is_read_with_a_warning(run_bytes, tmp_path):
    path = tmp_path / "half.c3d"
    path.write_bytes(run_bytes[: len(run_bytes) // 2])
    rec = read_c3d(path)
    assert rec.n_frames == 2243
    assert [w for w in rec.warnings if "truncated" in w] == [
        "half.c3d: truncated: the header announces 4500 frames (30.0 s), the file holds 2243 "
        "(15.0 s); only these were read"]


def test_the_whole_file_has_no_truncation_warning(shared_file):
    assert not [w for w in read_c3d(shared_file(RUN)).warnings if "truncated" in w]


def test_a_file_truncated_before_its_frames_is_refused(run_bytes, tmp_path):
    path = tmp_path / "header_only.c3d"
    path.write_bytes(run_bytes[:7268])  # parameters and a part of the first frame
    with pytest.raises(InputFileError) as caught:
        read_c3d(path)
    assert str(caught.value) == (f"{path}: truncated: the header announces 4500 frames, the "
                                 "file holds 0")


def test_a_static_one_frame_trial_is_named_so(shared_file):
    path = shared_file("mocap/20140515T133244_static.c3d")
    with pytest.raises(InputFileError) as caught:
        read_c3d(path)
    assert "one frame: a static trial, not a movement" in str(caught.value)
    assert "no marker trajectories" not in str(caught.value)


def test_analyze_reports_the_crash_in_one_line(run_bytes, tmp_path):
    """The issue's case: ``stridelab analyze`` ended with a segmentation fault (exit 139)."""
    import os
    import subprocess
    import sys

    damaged = bytearray(run_bytes)
    damaged[SEGFAULT_BYTES[0][0]] = SEGFAULT_BYTES[0][1]
    path = tmp_path / "damaged.c3d"
    path.write_bytes(bytes(damaged))
    result = subprocess.run(
        [sys.executable, "-m", "stridelab", "analyze", str(path), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "300"})
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (f"error: {path}: cannot be read (decoder crashed: "
                                     "segmentation fault)")
