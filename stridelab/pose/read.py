"""Read keypoints from any supported source: :func:`read_keypoints` picks the reader.

* a folder of OpenPose ``*_keypoints.json`` files -> :func:`stridelab.pose.openpose.read_openpose`
* a Sports2D / Pose2Sim keypoint ``.trc`` -> :func:`stridelab.pose.sports2d.read_sports2d_trc`
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import Keypoints

COMMON_SIZES: tuple[tuple[int, int], ...] = (
    (640, 360), (640, 480), (854, 480), (960, 540), (1280, 720), (1920, 1080),
    (2560, 1440), (3840, 2160),
)  # fmt: skip
"""Usual video frame sizes (landscape); portrait versions are tried as well."""


def guess_image_size(xy: np.ndarray, slack: float = 0.02) -> tuple[int, int]:
    """Smallest usual video size that holds every point (pose models may reach past the edge).

    Parameters
    ----------
    xy
        Pixel coordinates ``(..., 2)``, NaN allowed.
    slack
        Share of the width and height by which points may lie outside the frame.
    """
    pts = xy.reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if not len(pts):
        return COMMON_SIZES[-3]
    far = pts.max(axis=0) * (1.0 - slack)
    sizes = sorted({s for w, h in COMMON_SIZES for s in ((w, h), (h, w))},
                   key=lambda s: (s[0] * s[1], -s[0]))
    for w, h in sizes:
        if far[0] <= w and far[1] <= h:
            return (w, h)
    return (int(np.ceil(pts[:, 0].max())), int(np.ceil(pts[:, 1].max())))


def read_keypoints(path: str | Path, fps: float | None = None) -> Keypoints:
    """Read 2D keypoints of one runner from an OpenPose folder or a Sports2D ``.trc``.

    Parameters
    ----------
    path
        A folder of OpenPose ``*_keypoints.json`` files or a keypoint ``.trc`` file.
    fps
        Capture frame rate, Hz. Needed for OpenPose (not stored in its files; 30 fps is
        assumed with a warning when missing); overrides the ``.trc`` ``DataRate`` when given.

    Raises
    ------
    InputFileError
        When the path is missing or holds none of the supported formats.
    """
    from stridelab.pose.openpose import read_openpose
    from stridelab.pose.sports2d import is_keypoint_trc, read_sports2d_trc

    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file or folder")
    if path.is_dir():
        if any(path.glob("*_keypoints.json")) or any(path.glob("*.json")):
            return read_openpose(path, fps=fps)
        raise InputFileError(path, "folder holds no OpenPose *_keypoints.json files")
    if path.suffix.lower() == ".trc":
        if is_keypoint_trc(path):
            return read_sports2d_trc(path, fps=fps)
        raise InputFileError(
            path, "a marker .trc, not keypoints (no RHip/RKnee/RAnkle... names): read it as "
                  "motion capture instead")
    raise InputFileError(
        path, "not a keypoint source (expected a folder of OpenPose JSON files or a Sports2D "
              ".trc)")
