"""Read keypoints from any supported source: :func:`read_keypoints` picks the reader.

* a folder of OpenPose ``*_keypoints.json`` files -> :func:`stridelab.pose.openpose.read_openpose`
* a Sports2D / Pose2Sim keypoint ``.trc`` -> :func:`stridelab.pose.sports2d.read_sports2d_trc`

Only this module knows the readers; what they share
(:func:`~stridelab.pose.keypoints.guess_image_size`) lives in :mod:`stridelab.pose.keypoints`,
so no reader imports this one.
"""

from __future__ import annotations

from pathlib import Path

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.openpose import read_openpose
from stridelab.pose.sports2d import is_keypoint_trc, read_sports2d_trc


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
