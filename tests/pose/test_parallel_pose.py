"""Pose and the annotated video in worker processes: the cut, the join, the same answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InputFileError
from stridelab.parallel import WorkerPool
from stridelab.pose import estimate
from stridelab.pose.video import frame_to_rgb, index_frames, iter_frames_between


def _ranges(chunks, pts):
    """Frame-index ranges [a, b) of the chunks."""
    out = []
    for c in chunks:
        a = 0 if c.first_pts is None else int(np.searchsorted(pts, c.first_pts))
        b = len(pts) if c.stop_pts is None else int(np.searchsorted(pts, c.stop_pts))
        out.append((a, b))
    return out


@pytest.mark.parametrize("n, every", [(388, 1), (388, 250), (3600, 60), (950, 7)])
def test_chunks_cover_every_frame_once(n, every):
    pts = np.arange(n) * 256
    keys = pts[::every]
    chunks = estimate.plan_chunks(pts, keys)
    ranges = _ranges(chunks, pts)
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    assert all(b0 == a1 for (_, b0), (a1, _) in zip(ranges[:-1], ranges[1:], strict=True))
    assert all(b > a for a, b in ranges)
    assert len(chunks) <= estimate.n_chunks(n)
    # each chunk after the first warms up on frames before its own
    for c in chunks[1:]:
        assert c.warm_pts < c.first_pts
    # the cut depends on the clip only
    assert estimate.plan_chunks(pts, keys) == chunks


def test_chunks_balance_the_decoding_of_unused_frames():
    # key frames at 0 and 250 (as in the shared clip): the second chunk first decodes the
    # frames from 0 to its start without using them, so it gets fewer frames of its own
    pts = np.arange(388)
    a, b = _ranges(estimate.plan_chunks(pts, np.array([0, 250]), count=2), pts)[1]
    assert a > 194 and b == 388
    # every frame a key frame: equal halves
    a, _ = _ranges(estimate.plan_chunks(pts, pts, count=2), pts)[1]
    assert abs(a - 194) <= estimate.WARMUP_FRAMES


def test_no_cut_that_wastes_more_than_it_saves():
    pts = np.arange(3600)
    # a single key frame: every later chunk decodes all frames before it
    chunks = estimate.plan_chunks(pts, np.array([0]))
    assert len(chunks) < estimate.n_chunks(3600)


def test_short_clip_is_one_chunk():
    assert len(estimate.plan_chunks(np.arange(100), np.array([0]))) == 1


def _gop10_clip(path: Path, write_clip, n: int = 60) -> Path:
    """A 320x240 clip with a key frame every 10 frames, each frame a different grey."""
    rng = np.random.default_rng(1)
    frames = []
    for i in range(n):
        img = np.full((240, 320, 3), (4 * i) % 256, np.uint8)
        img[:, :160, 1] = rng.integers(0, 255)
        frames.append(img)
    return write_clip(path, frames, g="10", keyint_min="10")


def test_frames_between_two_timestamps(tmp_path, write_clip):
    clip = _gop10_clip(tmp_path / "gop10.mp4", write_clip)
    index = index_frames(clip)
    assert len(index.pts) == 60 and len(index.keyframe_pts) >= 6
    got = [pts for pts, _ in iter_frames_between(clip, first_pts=int(index.pts[23]),
                                                 stop_pts=int(index.pts[41]))]
    assert got == [int(p) for p in index.pts[23:41]]
    # the whole clip, the same frames as decoding without a range
    whole = list(iter_frames_between(clip))
    assert [p for p, _ in whole] == [int(p) for p in index.pts]
    assert whole[30][1].shape == (240, 320, 3)


def test_scaled_frames_match_ffmpeg_conversion(shared_file):
    import av
    import cv2

    clip = shared_file("video/treadmill_side_60fps.mp4")
    with av.open(str(clip)) as container:
        frame = next(container.decode(video=0))
        full = frame_to_rgb(frame)
        assert np.array_equal(full, frame.to_ndarray(format="rgb24"))  # full size: FFmpeg
        small = frame_to_rgb(frame, (540, 960))
    reference = cv2.resize(full, (540, 960), interpolation=cv2.INTER_AREA)
    assert small.shape == reference.shape
    assert np.abs(small.astype(int) - reference).mean() < 3.0


def test_pose_error_in_a_worker_names_the_file(tmp_path):
    missing = tmp_path / "gone.mp4"
    chunk = estimate.Chunk(None, None, None)
    with WorkerPool(2) as pool, pytest.raises(InputFileError) as err:
        pool.submit(estimate._estimate_chunk,
                    [(missing, "mediapipe", "full", chunk)] * 2, 2).results()
    assert err.value.path == missing and "does not exist" in str(err.value)


def _cut(src: Path, dst: Path, n: int, write_clip) -> None:
    """The first ``n`` frames of ``src`` re-encoded with a key frame every 30."""
    from itertools import islice

    import av

    with av.open(str(src)) as inp:
        frames = [f.to_ndarray(format="rgb24") for f in islice(inp.decode(video=0), n)]
    write_clip(dst, frames, fps=60, g="30", crf="18")


def test_same_keypoints_with_one_process_or_two(shared_file, tmp_path, monkeypatch,
                                                write_clip):
    clip = tmp_path / "cut.mp4"
    _cut(shared_file("video/treadmill_side_60fps.mp4"), clip, 120, write_clip)
    monkeypatch.setattr(estimate, "CHUNK_FRAMES", 60)
    index = index_frames(clip)
    assert len(estimate.plan_chunks(index.pts, index.keyframe_pts)) == 2
    done = []
    here = estimate.estimate_keypoints(clip, pool=WorkerPool(1))
    with WorkerPool(2) as pool:
        apart = estimate.estimate_keypoints(clip, pool=pool,
                                            progress=lambda d, t: done.append((d, t)))
    assert here.n_frames == apart.n_frames == 120
    assert np.array_equal(here.xy, apart.xy, equal_nan=True)
    assert np.array_equal(here.conf, apart.conf)
    assert here.frames_with_person > 0.9
    assert done[-1] == (120, 120)


def test_annotated_video_in_runs_is_whole(shared_file, tmp_path, monkeypatch, write_clip):
    import av

    from stridelab.report.video import write_annotated_video

    clip = tmp_path / "cut.mp4"
    _cut(shared_file("video/treadmill_side_60fps.mp4"), clip, 90, write_clip)
    monkeypatch.setattr(estimate, "CHUNK_FRAMES", 45)
    kp = estimate.estimate_keypoints(clip, pool=WorkerPool(1))
    strides = pd.DataFrame({"side": ["L"], "ic_s": [0.2], "next_ic_s": [1.0],
                            "initial_contact_start_s": [0.2], "midstance_start_s": [0.3]})
    contacts = pd.DataFrame({"side": ["L"], "ic_s": [0.2], "to_s": [0.45]})
    with WorkerPool(2) as pool:
        out = write_annotated_video(clip, kp, strides, contacts, tmp_path / "a.mp4",
                                    max_side=320, pool=pool)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
    assert len(frames) == 90
    assert (stream.width, stream.height) == (180, 320)
    assert [f.pts for f in frames] == sorted({f.pts for f in frames})  # no repeats, in order
    assert not list(tmp_path.glob(".segments-*"))  # segments removed
