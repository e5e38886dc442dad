"""Run a pose backend over a video, streaming: frames in, :class:`Keypoints` out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.pose.backends import PoseBackend, make_backend
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints
from stridelab.pose.video import VideoInfo, iter_frames, probe_video

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(frames_done, frames_total)``."""


def estimate_keypoints(
    path: str | Path,
    backend: PoseBackend | None = None,
    capture_fps: float | None = None,
    progress: ProgressCallback | None = None,
    info: VideoInfo | None = None,
) -> Keypoints:
    """Keypoints of the runner in every frame of a clip.

    Only the keypoints are kept (17 points x 3 numbers per frame); frames are decoded in a
    background thread and dropped once processed.

    Parameters
    ----------
    path
        Video file.
    backend
        Pose backend; MediaPipe BlazePose "full" by default.
    capture_fps
        Real capture rate (slow motion); default: the container's capture-rate tag, else its
        playback rate.
    progress
        Optional callback ``(done, total)``.
    info
        The clip's :class:`VideoInfo` when already probed.

    Raises
    ------
    InputFileError
        When the file is not a decodable video or no frame shows a person.
    """
    path = Path(path)
    info = info or probe_video(path)
    own_backend = backend is None
    backend = backend or make_backend()
    total = max(info.n_frames, 1)
    xy_rows: list[np.ndarray] = []
    conf_rows: list[np.ndarray] = []
    missing_xy = np.full((len(KEYPOINT_NAMES), 2), np.nan)
    missing_conf = np.zeros(len(KEYPOINT_NAMES))
    size = (info.width, info.height)
    try:
        for i, rgb in enumerate(iter_frames(path)):
            size = (rgb.shape[1], rgb.shape[0])
            found = backend.process(rgb)
            if found is None:
                xy_rows.append(missing_xy)
                conf_rows.append(missing_conf)
            else:
                xy_rows.append(found[0])
                conf_rows.append(found[1])
            if progress is not None:
                progress(i + 1, max(total, i + 1))
    finally:
        if own_backend:
            backend.close()
    if not xy_rows:
        raise InputFileError(path, "has no decodable frames")
    xy = np.stack(xy_rows)
    conf = np.stack(conf_rows)
    seen = np.isfinite(xy[:, :, 0]).any(axis=1)
    if not seen.any():
        raise InputFileError(path, "shows no person in any frame")
    fps = capture_fps or info.capture_fps or info.playback_fps
    return Keypoints(
        xy=xy,
        conf=conf,
        names=KEYPOINT_NAMES,
        fps=float(fps),
        size=size,
        path=path,
        source=backend.name,
        frames_with_person=float(seen.mean()),
    )
