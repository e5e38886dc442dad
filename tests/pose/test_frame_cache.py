"""The frame cache: frames kept at the video's size while the pose model reads them."""

from __future__ import annotations

from itertools import islice

import cv2
import numpy as np
import pandas as pd
import pytest

from stridelab.parallel import WorkerPool
from stridelab.pose import estimate
from stridelab.pose.keypoints import KEYPOINT_NAMES
from stridelab.pose.video import index_frames, iter_frames_between, rotate_i420
from stridelab.report.frame_cache import FrameCache


def _noisy_frames(n: int, h: int = 240, w: int = 320, seed: int = 2):
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        img = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        img[: h // 3, : w // 4] = (255, 40, 40)  # a red block top left
        img[-10:, :, 1] = 8 * i  # and something that changes
        frames.append(img)
    return frames


def test_frames_written_are_read_back(tmp_path):
    cache = FrameCache(tmp_path / "f.yuv", (64, 32))
    assert cache.frame_bytes == 64 * 32 * 3 // 2
    assert cache.allocate(np.array([0, 512, 1024]))
    planes = np.random.default_rng(0).integers(0, 255, (48, 64), dtype=np.uint8)
    assert cache.write(512, planes) == 1
    assert np.array_equal(cache.read(1), planes)
    assert cache.write(100, planes) is None  # not a frame of the clip
    assert cache.write(0, planes[:40]) is None  # wrong size
    cache.remove()
    assert not (tmp_path / "f.yuv").exists()


def test_a_clip_too_long_for_the_cache_goes_without(tmp_path):
    cache = FrameCache(tmp_path / "f.yuv", (640, 360), max_bytes=10 * 640 * 360 * 3 // 2)
    assert not cache.allocate(np.arange(11))
    assert not (tmp_path / "f.yuv").exists()
    assert cache.allocate(np.arange(10))


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_turning_planes_matches_turning_the_picture(degrees):
    rgb = _noisy_frames(1, 48, 64)[0]
    planes = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    turned = cv2.cvtColor(rotate_i420(planes, degrees), cv2.COLOR_YUV2RGB_I420)
    k = {0: 0, 90: -1, 180: 2, 270: 1}[degrees]
    assert np.array_equal(turned, np.rot90(cv2.cvtColor(planes, cv2.COLOR_YUV2RGB_I420), k))


@pytest.mark.parametrize("rotation", [None, 90])
def test_tapped_frames_are_the_frames_at_that_size(tmp_path, write_clip, rotation):
    clip = write_clip(tmp_path / "c.mp4", _noisy_frames(12), rotation=rotation)
    size = (120, 160) if rotation else (160, 120)  # as displayed
    tapped = {}
    frames = list(iter_frames_between(clip, tap=lambda pts, p: tapped.__setitem__(pts, p),
                                      tap_size=size))
    small = dict(iter_frames_between(clip, size=size))
    planar = dict(iter_frames_between(clip, size=size, planar=True))
    assert sorted(tapped) == [pts for pts, _ in frames] == sorted(small) == sorted(planar)
    for pts, planes in tapped.items():
        assert planes.shape == (size[1] * 3 // 2, size[0])
        assert np.array_equal(cv2.cvtColor(planes, cv2.COLOR_YUV2RGB_I420), small[pts])
        assert np.array_equal(planes, planar[pts])


def test_pose_in_two_processes_fills_the_cache(shared_file, tmp_path, monkeypatch, write_clip):
    import av

    from stridelab.report.video import write_annotated_video

    src = shared_file("video/treadmill_side_60fps.mp4")
    with av.open(str(src)) as inp:
        frames = [f.to_ndarray(format="rgb24") for f in islice(inp.decode(video=0), 90)]
    clip = write_clip(tmp_path / "cut.mp4", frames, fps=60, g="30", crf="18")
    monkeypatch.setattr(estimate, "CHUNK_FRAMES", 45)
    cache = FrameCache(tmp_path / "frames" / "f.yuv", (180, 320))
    with WorkerPool(2) as pool:
        kp = estimate.estimate_keypoints(clip, pool=pool, frame_sink=cache)
        assert cache.complete
        index = index_frames(clip)
        small = dict(iter_frames_between(clip, size=cache.size))
        for i in (0, 44, 45, 89):  # each side of the cut
            rgb = cv2.cvtColor(cache.read(i), cv2.COLOR_YUV2RGB_I420)
            assert np.array_equal(rgb, small[int(index.pts[i])])
    # the video drawn from the cache is the one drawn from the clip decoded again (in one run
    # each: runs cut at other places would be compressed a little differently)
    strides = pd.DataFrame({"side": ["L"], "ic_s": [0.2], "next_ic_s": [1.0],
                            "initial_contact_start_s": [0.2], "midstance_start_s": [0.3]})
    contacts = pd.DataFrame({"side": ["L"], "ic_s": [0.2], "to_s": [0.45]})
    pictures = []
    for name, fc in (("cached.mp4", cache), ("decoded.mp4", None)):
        video = write_annotated_video(clip, kp, strides, contacts, tmp_path / name,
                                      max_side=320, frame_cache=fc)
        with av.open(str(video)) as container:
            pictures.append([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])
    assert len(pictures[0]) == len(pictures[1]) == 90
    assert all(np.array_equal(a, b) for a, b in zip(*pictures, strict=True))


class _StandingStill:
    """A pose backend that finds the same person in every frame."""

    name = "still"

    def process(self, rgb):
        n = len(KEYPOINT_NAMES)
        xy = np.column_stack([np.linspace(100, 200, n), np.linspace(20, 220, n)])
        return xy, np.ones(n)

    def reset(self):
        pass

    def close(self):
        pass


class _LosesOneFrame(FrameCache):
    def write(self, pts, planes):
        return None if pts == self.pts[3] else super().write(pts, planes)


def test_a_frame_missing_from_the_cache_means_decoding_again(tmp_path, write_clip):
    import av

    from stridelab.report.video import write_annotated_video

    clip = write_clip(tmp_path / "c.mp4", _noisy_frames(12))
    cache = _LosesOneFrame(tmp_path / "f.yuv", (160, 120))
    kp = estimate.estimate_keypoints(clip, _StandingStill(), frame_sink=cache)
    assert kp.n_frames == 12 and not cache.complete
    empty = pd.DataFrame({"side": [], "ic_s": [], "next_ic_s": [], "to_s": []})
    out = write_annotated_video(clip, kp, empty, empty, tmp_path / "a.mp4", max_side=160,
                                frame_cache=cache)
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 12
    # the frame the cache lacks was decoded again: the clip's picture, away from the drawing
    original = dict(iter_frames_between(clip, size=(160, 120)))[int(cache.pts[3])]
    region = (slice(40, 100), slice(110, 160))
    assert np.abs(frames[3][region].astype(int) - original[region]).mean() < 12
    assert frames[3][region].mean() > 60  # not the black of a frame never written
