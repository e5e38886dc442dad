"""Read OpenPose JSON output (one ``*_keypoints.json`` file per frame) into :class:`Keypoints`.

Each file holds ``people[].pose_keypoints_2d``: a flat list ``[x, y, c] * n`` in pixels
(y down); ``(0, 0, 0)`` marks a point not found. The point order is the model's: BODY_25
(75 values), BODY_25B (75 values too, OpenPose's experimental model that Pose2Sim uses) or
COCO (54 values), documented in OpenPose's ``doc/02_output.md`` (Cao et al. 2021, IEEE TPAMI
43:172) and its ``experimental_models`` page. BODY_25 and BODY_25B are told apart by their
shape (:func:`sniff_body25`) unless ``model`` is given. Neither the frame rate nor the image
size is stored: pass them, or the reader assumes 30 fps and the smallest usual frame size
that holds the points, and says so in ``warnings``. When several people are in view the
runner is chosen by :class:`stridelab.pose.select.RunnerSelector`.
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

BODY_25B: dict[str, int] = {
    "nose": 0, "L_shoulder": 5, "R_shoulder": 6, "L_elbow": 7, "R_elbow": 8, "L_wrist": 9,
    "R_wrist": 10, "L_hip": 11, "R_hip": 12, "L_knee": 13, "R_knee": 14, "L_ankle": 15,
    "R_ankle": 16, "L_toe": 19, "L_heel": 21, "R_toe": 22, "R_heel": 24,
}  # fmt: skip
"""Common names -> BODY_25B indices (COCO order for 0-16, then UpperNeck, HeadTop and the
feet; as Pose2Sim's ``skeletons.py``)."""

MODELS: dict[int, tuple[str, dict[str, int]]] = {25: ("BODY_25", BODY_25), 18: ("COCO", COCO_18)}
BY_NAME: dict[str, dict[str, int]] = {"BODY_25": BODY_25, "BODY_25B": BODY_25B, "COCO": COCO_18}

DEFAULT_FPS = 30.0
"""Frame rate assumed when none is given (the usual phone-video rate)."""


def _frame_number(path: Path) -> tuple[int, str]:
    match = re.search(r"(\d+)(?:_keypoints)?\.json$", path.name)
    return (int(match.group(1)) if match else -1, path.name)


def _flat_people(path: Path) -> list[np.ndarray]:
    """Each person's flat keypoint list.

    An empty person (``{}``, as Pose2Sim writes for a frame where no one was found) is no
    person.
    """
    try:
        data = json.loads(path.read_text("utf-8"))
        return [np.asarray(p["pose_keypoints_2d"], dtype=float) for p in data["people"]
                if p != {}]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(path, f"not an OpenPose keypoint file ({exc})") from exc


def _midpoint_error(table: np.ndarray, mid: int, a: int, b: int) -> float:
    """Distance of point ``mid`` from the midpoint of ``a`` and ``b``, over their distance."""
    if (table[[mid, a, b], 2] <= 0).any():
        return np.nan
    span = np.linalg.norm(table[a, :2] - table[b, :2])
    gap = np.linalg.norm(table[mid, :2] - 0.5 * (table[a, :2] + table[b, :2]))
    return float(gap / span) if span > 0 else np.nan


def sniff_body25(files: list[Path], max_files: int = 30) -> str:
    """``"BODY_25"`` or ``"BODY_25B"`` for 75-value files, from the skeleton's shape.

    BODY_25 puts its neck (1) between the shoulders (2, 5) and its mid-hip (8) between the
    hips (9, 12); in BODY_25B those indices are an eye, the other eye, a shoulder, an elbow,
    a wrist and a hip, which line up so only by chance. The midpoints seen (either, where
    an eye is hidden) within 25 % of the span in most people: BODY_25. Nothing decisive (no
    75-value people): BODY_25.
    """
    errors = []
    step = max(1, len(files) // max_files)
    for f in files[::step]:
        for values in _flat_people(f):
            if len(values) == 75:
                table = values.reshape(25, 3)
                pair = [_midpoint_error(table, 1, 2, 5), _midpoint_error(table, 8, 9, 12)]
                pair = [e for e in pair if np.isfinite(e)]
                if pair:
                    errors.append(max(pair))
    errors = [e for e in errors if np.isfinite(e)]
    if not errors:
        return "BODY_25"
    return "BODY_25" if float(np.median(errors)) < 0.25 else "BODY_25B"


def _people(path: Path, names: tuple[str, ...],
            body25: str = "BODY_25") -> tuple[np.ndarray, str]:
    """All people of one frame file as ``(n_people, k, 3)``; the model name.

    ``body25`` says which model files of 75 values hold.
    """
    flat = _flat_people(path)
    out = np.full((len(flat), len(names), 3), np.nan)
    model = ""
    for i, values in enumerate(flat):
        n_points = len(values) // 3
        if n_points not in MODELS or len(values) % 3:
            raise InputFileError(path, f"pose_keypoints_2d has {len(values)} values; expected "
                                       "75 (BODY_25, BODY_25B) or 54 (COCO)")
        model, mapping = MODELS[n_points]
        if n_points == 25:
            model, mapping = body25, BY_NAME[body25]
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
                  selector: RunnerSelector | None = None, model: str | None = None) -> Keypoints:
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
    model
        ``"BODY_25"`` or ``"BODY_25B"`` for files of 75 values; ``None``: told apart by
        :func:`sniff_body25` (a warning says when BODY_25B was found).

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
    warnings: list[str] = []
    if model not in (None, "BODY_25", "BODY_25B"):
        raise ValueError(f"model must be BODY_25 or BODY_25B, got {model!r}")
    body25 = model or sniff_body25(files)
    if model is None and body25 == "BODY_25B":
        warnings.append("75-value OpenPose files read as BODY_25B (their skeleton does not fit "
                        "BODY_25's neck and mid-hip)")
    names = KEYPOINT_NAMES
    frames, models = [], set()
    for f in files:
        people, found = _people(f, names, body25)
        frames.append(people)
        if found:
            models.add(found)
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
    source = "/".join(sorted(models)) or body25
    return Keypoints(xy=xy, conf=conf, names=names, fps=float(fps), size=tuple(size),
                     path=folder, source=f"openpose {source}",
                     frames_with_person=float(with_person.sum() / n), warnings=warnings)
