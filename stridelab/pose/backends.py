"""Pose backends behind one small interface, so another model can be added beside MediaPipe.

A backend turns one RGB frame into keypoints of one person in pixels (x right, y down) with a
confidence per point, in the order of :data:`stridelab.pose.keypoints.KEYPOINT_NAMES`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from stridelab.errors import StridelabError


class PoseBackend(Protocol):
    """What a pose backend offers."""

    name: str
    """Human-readable description, e.g. ``"mediapipe 0.10.21 BlazePose full"``."""

    def process(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Keypoints of the person in ``rgb`` (``(h, w, 3)`` uint8).

        Returns ``(xy (k, 2) pixels, conf (k,))`` or ``None`` when nobody is found.
        """

    def reset(self) -> None:
        """Forget the previous frames (tracking starts again with a detection)."""

    def close(self) -> None:
        """Release the model."""


def make_backend(name: str = "mediapipe", model: str = "full") -> PoseBackend:
    """Build the backend ``name`` with the given model variant.

    Raises
    ------
    StridelabError
        For an unknown backend, or one that cannot run here (missing package or weights).
    """
    if name == "mediapipe":
        from stridelab.pose.mediapipe_backend import MediaPipeBackend

        return MediaPipeBackend(model=model)
    raise StridelabError(f"unknown pose backend {name!r} (available: mediapipe)")
