"""Read OpenPose JSON output (one ``*_keypoints.json`` file per frame) into :class:`Keypoints`.

Each file holds ``people[].pose_keypoints_2d``: a flat list ``[x, y, c] * n`` in pixels
(y down); ``(0, 0, 0)`` marks a point not found. The point order is the model's: BODY_25
(75 values) or COCO (54 values), both documented in OpenPose's ``doc/02_output.md``
(Cao et al. 2021, IEEE TPAMI 43:172). Neither the frame rate nor the image size is stored:
pass them, or the reader assumes 30 fps and the smallest usual frame size that holds the points,
and says so in ``warnings``. When several people are in view the runner is chosen by
:class:`stridelab.pose.select.RunnerSelector`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints, guess_image_size
from stridelab.pose.select import RunnerSelector

BODY_25: dict[str, int] = {
    "nose": 0, "R_shoulder": 2, "R_elbow": 3, "R_wrist": 4, "L_shoulder": 5, "L_elbow": 6,
    "L_wrist": 7, "R_hip": 9, "R_knee": 10, "R_ankle": 11, "L_hip": 12, "L_knee": 13,
    "L_ankle": 14, "L_toe": 19, "L_heel": 21, "R_toe": 22, "R_heel": 24,
}  # fmt: skip
"""Common names -> BODY_25 indices (``toe`` = BigToe)."""

COCO_18: dict[str, int] = {
    "nose": 0, "R_shoulder": 2, "R_elbow": 3, "R_wrist": 4, "L_shoulder": 5, "L_elbow": 6,
    "L_wrist": 7, "R_hip": 8, "R_knee": 9, "R_ankle": 10, "L_hip": 11, "L_knee": 12,
    "L_ankle": 13,
}  # fmt: skip
"""Common names -> OpenPose COCO (18 points) indices; no heel or toe."""

MODELS: dict[int, tuple[str, dict[str, int]]] = {25: ("BODY_25", BODY_25), 18: ("COCO", COCO_18)}

DEFAULT_FPS = 30.0
"""Frame rate assumed when none is given (the usual phone-video rate)."""


def _frame_number(path: Path) -> tuple[int, str]:
    match = re.search(r"(\d+)(?:_keypoints)?\.json$", path.name)
    return (int(match.group(1)) if match else -1, path.name)


def _people(path: Path, names: tuple[str, ...]) -> tuple[np.ndarray, str]:
    """All people of one frame file as ``(n_people, k, 3)``; the model name."""
    try:
        data = json.loads(path.read_text("utf-8"))
        people = data["people"]
        flat = [np.asarray(p["pose_keypoints_2d"], dtype=float) for p in people]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(path, f"not an OpenPose keypoint file ({exc})") from exc
    out = np.full((len(flat), len(names), 3), np.nan)
    model = ""
    for i, values in enumerate(flat):
        n_points = len(values) // 3
        if n_points not in MODELS or len(values) % 3:
            raise InputFileError(path, f"pose_keypoints_2d has {len(values)} values; expected "
                                       "75 (BODY_25) or 54 (COCO)")
        model, mapping = MODELS[n_points]
        table = values.reshape(n_points, 3)
        for j, name in enumerate(names):
            if name in mapping:
                x, y, c = table[mapping[name]]
                if c > 0 or x != 0 or y != 0:
                    out[i, j] = (x, y, c)
    return out, model


def _repeated_frames(xy: np.ndarray, tol_px: float = 0.1, min_points: int = 5) -> int:
    """Frames whose points moved by a median of less than ``tol_px`` since the previous one."""
    both = np.isfinite(xy[1:]).all(axis=2) & np.isfinite(xy[:-1]).all(axis=2)
    dist = np.where(both, np.linalg.norm(xy[1:] - xy[:-1], axis=2), np.nan)
    enough = both.sum(axis=1) >= min_points
    med = np.array([np.median(d[np.isfinite(d)]) if ok else np.inf
                    for d, ok in zip(dist, enough, strict=True)])
    return int((med < tol_px).sum())


def read_openpose(folder: str | Path, fps: float | None = None,
                  size: tuple[int, int] | None = None,
                  selector: RunnerSelector | None = None) -> Keypoints:
    """Read a folder of OpenPose JSON files (one per frame) as the runner's keypoints.

    Parameters
    ----------
    folder
        Folder of ``*_keypoints.json`` files, sorted by the frame number in their names.
    fps
        Capture frame rate, Hz; :data:`DEFAULT_FPS` with a warning when ``None``.
    size
        Image ``(width, height)``; guessed from the coordinates with a warning when ``None``.
    selector
        How the runner is chosen among several people; default :class:`RunnerSelector`.

    Raises
    ------
    InputFileError
        For a missing folder, no JSON files or a file that is not OpenPose output.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(folder, "no such folder")
    files = sorted(folder.glob("*_keypoints.json")) or sorted(folder.glob("*.json"))
    if not files:
        raise InputFileError(folder, "no OpenPose *_keypoints.json files in the folder")
    files.sort(key=_frame_number)
    names = KEYPOINT_NAMES
    frames, models = [], set()
    for f in files:
        people, model = _people(f, names)
        frames.append(people)
        if model:
            models.add(model)
    warnings: list[str] = []
    if fps is None:
        fps = DEFAULT_FPS
        warnings.append(f"frame rate not stored in OpenPose files: assumed {fps:g} fps "
                        "(give the real capture rate)")
    if fps <= 0:
        raise InputFileError(folder, f"frame rate must be positive, got {fps}")
    if size is None:
        stacked = [p[..., :2] for p in frames if len(p)]
        size = guess_image_size(np.concatenate(stacked) if stacked else np.empty((0, 2)))
        warnings.append(f"image size not stored in OpenPose files: assumed {size[0]}x{size[1]} "
                        "from the coordinate range")
    selector = selector or RunnerSelector()
    selector.select(frames, fps, size, names)
    xy, conf = selector.runner(frames, len(names))
    n = len(frames)
    with_person = np.isfinite(xy).all(axis=2).any(axis=1)
    if selector.n_tracks_ > 1:
        warnings.append(f"{selector.n_tracks_} people tracked; the runner is the most "
                        f"consistently detected one; {len(selector.other_frames_)} frames with "
                        "only other people ignored")
    repeats = _repeated_frames(xy)
    if repeats:
        warnings.append(f"{repeats} frames repeat the previous one (duplicated video frames: "
                        "the clip may have been converted from another frame rate)")
    model = "/".join(sorted(models)) or "BODY_25"
    return Keypoints(xy=xy, conf=conf, names=names, fps=float(fps), size=tuple(size),
                     path=folder, source=f"openpose {model}",
                     frames_with_person=float(with_person.sum() / n), warnings=warnings)
