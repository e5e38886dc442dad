"""2D keypoints over time: the container every pose source returns.

Pose backends (MediaPipe), OpenPose JSON folders and Sports2D/Pose2Sim files all produce a
:class:`Keypoints`: named points in image pixels (x right, y *down*, as in images), a
confidence per point and frame, the frame rate and the image size. Cleaning
(:mod:`stridelab.pose.clean`) returns a new :class:`Keypoints`; scaling to metres and the gait
engine come after.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

KEYPOINT_NAMES: tuple[str, ...] = (
    "nose",
    "L_shoulder", "R_shoulder",
    "L_elbow", "R_elbow",
    "L_wrist", "R_wrist",
    "L_hip", "R_hip",
    "L_knee", "R_knee",
    "L_ankle", "R_ankle",
    "L_heel", "R_heel",
    "L_toe", "R_toe",
)  # fmt: skip
"""The common keypoint names stridelab uses (MediaPipe and BODY_25 both map onto these;
``toe`` is MediaPipe's ``foot_index`` and OpenPose's ``BigToe``)."""


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


@dataclass
class Keypoints:
    """Keypoint trajectories of one person.

    Attributes
    ----------
    xy
        ``(n_frames, n_points, 2)`` pixel coordinates (x right, y down); NaN where missing.
    conf
        ``(n_frames, n_points)`` confidence 0-1; 0 where missing.
    names
        Point names, in the order of axis 1 (see :data:`KEYPOINT_NAMES`).
    fps
        Capture frame rate in Hz (the real rate, not a slow-motion playback rate).
    size
        Image ``(width, height)`` in pixels.
    path
        Source file or folder.
    source
        What produced the points, e.g. ``"mediapipe 0.10.21 (full)"`` or ``"openpose BODY_25"``.
    frames_with_person
        Share (0-1) of frames in which a person was found.
    warnings
        Doubtful data noticed so far.
    """

    xy: np.ndarray
    conf: np.ndarray
    names: tuple[str, ...]
    fps: float
    size: tuple[int, int]
    path: Path
    source: str
    frames_with_person: float = 1.0
    warnings: list[str] = field(default_factory=list)

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.xy.shape[0])

    @property
    def time(self) -> np.ndarray:
        """Frame times in seconds."""
        return np.arange(self.n_frames) / self.fps

    def index(self, name: str) -> int:
        """Position of ``name`` along axis 1 (``KeyError`` if absent)."""
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(name) from None

    def point(self, name: str) -> np.ndarray:
        """``(n_frames, 2)`` pixel trajectory of one point."""
        return self.xy[:, self.index(name)]

    def has(self, name: str) -> bool:
        """Whether the point exists and is seen in at least one frame."""
        return name in self.names and bool(np.isfinite(self.point(name)).any())

    def with_data(self, xy: np.ndarray, conf: np.ndarray | None = None, **changes) -> Keypoints:
        """A copy with new coordinates (and optionally confidences or other fields)."""
        return replace(
            self,
            xy=xy,
            conf=self.conf if conf is None else conf,
            warnings=list(self.warnings),
            **changes,
        )
