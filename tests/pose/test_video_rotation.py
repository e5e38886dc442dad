"""Phone clips stored on their side: the display rotation is read and applied."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.parallel import WorkerPool
from stridelab.pose.estimate import estimate_keypoints
from stridelab.pose.video import iter_frames_between, probe_video


def _marked_frame():
    img = np.zeros((240, 320, 3), np.uint8)
    img[:40, :80] = 255  # a white block top left of the stored picture
    return img


@pytest.mark.parametrize("ccw, clockwise, corner", [
    (90, 270, "bottom-left"), (-90, 90, "top-right"), (180, 180, "bottom-right"),
    (None, 0, "top-left")])
def test_display_matrix_rotation_is_applied(tmp_path, write_clip, ccw, clockwise, corner):
    clip = tmp_path / "turned.mp4"
    write_clip(clip, [_marked_frame()] * 4, rotation=ccw)
    info = probe_video(clip)
    assert info.rotation == clockwise
    _, frame = next(iter_frames_between(clip))
    assert frame.shape[:2] == (info.height, info.width)
    assert (info.width, info.height) == ((240, 320) if clockwise in (90, 270) else (320, 240))
    ys, xs = np.nonzero(frame[:, :, 0] > 128)
    vertical = "top" if ys.mean() < frame.shape[0] / 2 else "bottom"
    horizontal = "left" if xs.mean() < frame.shape[1] / 2 else "right"
    assert f"{vertical}-{horizontal}" == corner


def test_portrait_phone_clip_stored_sideways(shared_file, tmp_path, write_clip):
    import av

    src = shared_file("video/treadmill_side_60fps.mp4")
    upright = []
    with av.open(str(src)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i >= 60:
                break
            upright.append(frame.to_ndarray(format="rgb24"))
    # as a phone stores a portrait clip: the picture turned a quarter clockwise, and a
    # display matrix asking the player to turn it back
    write_clip(tmp_path / "upright.mp4", upright, fps=60, crf="18")
    write_clip(tmp_path / "sideways.mp4", [np.rot90(f, k=-1) for f in upright], fps=60,
               rotation=90, crf="18")
    info = probe_video(tmp_path / "sideways.mp4")
    assert (info.width, info.height) == (1080, 1920)
    a = estimate_keypoints(tmp_path / "upright.mp4", pool=WorkerPool(1))
    b = estimate_keypoints(tmp_path / "sideways.mp4", pool=WorkerPool(1))
    assert a.size == b.size == (1080, 1920)
    gap = np.linalg.norm(a.xy - b.xy, axis=2)
    # the same runner in the same place (to within compression differences), not turned
    assert np.nanmedian(gap) < 10.0
