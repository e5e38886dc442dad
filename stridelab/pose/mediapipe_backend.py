"""MediaPipe BlazePose (Bazarevsky et al. 2020, arXiv:2006.10204) as a pose backend.

``mediapipe==0.10.21`` is the last release whose wheel carries the pose landmark model
("full", ``pose_landmark_full.tflite``), so it works offline; it needs ``numpy<2``. The "lite"
and "heavy" variants are downloaded on first use, which fails without internet: that is
reported as a clear error instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from stridelab.errors import StridelabError
from stridelab.pose.keypoints import KEYPOINT_NAMES

MODELS = {"lite": 0, "full": 1, "heavy": 2}
"""Model variant -> MediaPipe ``model_complexity``."""

MEDIAPIPE_INDEX = {
    "nose": 0,
    "L_shoulder": 11, "R_shoulder": 12,
    "L_elbow": 13, "R_elbow": 14,
    "L_wrist": 15, "R_wrist": 16,
    "L_hip": 23, "R_hip": 24,
    "L_knee": 25, "R_knee": 26,
    "L_ankle": 27, "R_ankle": 28,
    "L_heel": 29, "R_heel": 30,
    "L_toe": 31, "R_toe": 32,
}  # fmt: skip
"""BlazePose landmark index of each stridelab keypoint (``toe`` = ``foot_index``)."""

_ORDER = np.array([MEDIAPIPE_INDEX[n] for n in KEYPOINT_NAMES])


def _mute_stderr() -> int | None:
    """Point file descriptor 2 at /dev/null; returns the saved descriptor (``None`` if unable)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        return saved
    except OSError:
        return None


def _unmute_stderr(saved: int | None) -> None:
    """Undo :func:`_mute_stderr`."""
    if saved is not None:
        os.dup2(saved, 2)
        os.close(saved)


def _model_file(model: str) -> Path:
    import mediapipe

    name = f"pose_landmark_{model}.tflite"
    return Path(mediapipe.__file__).parent / "modules" / "pose_landmark" / name


def _not_available(model: str) -> StridelabError:
    return StridelabError(
        f"the MediaPipe '{model}' pose model is not bundled with mediapipe and could not be "
        "downloaded (no internet?); use --model full, which works offline")


def ensure_model(model: str) -> Path:
    """The weights of ``model`` on disk: downloaded here, once, when missing.

    Call it in the main process before the pose processes start: each of them would
    otherwise try the download itself (and say so, once per process).

    Raises
    ------
    StridelabError
        For an unknown model, or one that is missing and cannot be downloaded.
    """
    if model not in MODELS:
        raise StridelabError(f"unknown MediaPipe model {model!r} (lite, full or heavy)")
    path = _model_file(model)
    if path.exists():
        return path
    from mediapipe.python.solutions import download_utils

    relative = f"mediapipe/modules/pose_landmark/{path.name}"
    try:
        download_utils.download_oss_model(relative)  # prints "Downloading model to ..."
    except Exception as exc:  # noqa: BLE001 - urllib, SSL and file errors alike
        path.unlink(missing_ok=True)  # a partial file would pass for the model next time
        raise _not_available(model) from exc
    return path


class MediaPipeBackend:
    """BlazePose through MediaPipe's ``solutions.pose`` (video mode: tracking between frames).

    Parameters
    ----------
    model
        ``"full"`` (bundled, default), ``"lite"`` or ``"heavy"`` (downloaded at first use).
    min_detection_confidence, min_tracking_confidence
        MediaPipe's own gates (its defaults, 0.5).
    """

    def __init__(
        self,
        model: str = "full",
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if model not in MODELS:
            raise StridelabError(f"unknown MediaPipe model {model!r} (lite, full or heavy)")
        try:
            os.environ.setdefault("GLOG_minloglevel", "2")
            import mediapipe as mp
        except ImportError as exc:
            raise StridelabError(
                "the video backend needs mediapipe==0.10.21 (pip install 'mediapipe==0.10.21', "
                f"which needs numpy<2): {exc}"
            ) from exc
        # TFLite and absl print start-up notes on the C-level stderr, some of them from worker
        # threads after a call returns: stderr is muted until close()
        self._muted = _mute_stderr()
        try:
            self._pose = mp.solutions.pose.Pose(
                static_image_mode=False,
                model_complexity=MODELS[model],
                smooth_landmarks=False,  # stridelab filters with zero lag afterwards
                enable_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
        except Exception as exc:  # noqa: BLE001 - MediaPipe raises bare errors on download
            _unmute_stderr(self._muted)
            if not _model_file(model).exists():
                raise _not_available(model) from exc
            raise StridelabError(f"MediaPipe could not start: {exc}") from exc
        self.name = f"mediapipe {mp.__version__} BlazePose {model}"

    def process(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Keypoints of the most prominent person in one RGB frame, or ``None``."""
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        h, w = rgb.shape[:2]
        lm = result.pose_landmarks.landmark
        arr = np.array([(lm[i].x * w, lm[i].y * h, lm[i].visibility) for i in _ORDER])
        return arr[:, :2], np.clip(arr[:, 2], 0.0, 1.0)

    def reset(self) -> None:
        """Restart the graph: the next frame is detected afresh, as in a new backend."""
        self._pose.reset()

    def close(self) -> None:
        """Release MediaPipe's graph and give stderr back."""
        try:
            self._pose.close()
        finally:
            _unmute_stderr(self._muted)
            self._muted = None
