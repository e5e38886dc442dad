"""Read Sports2D / Pose2Sim keypoint ``.trc`` files into :class:`Keypoints`.

Sports2D (Pagnon et al. 2023, JOSS 8:5305) writes one ``.trc`` per person: ``*_px_person00.trc``
in image pixels (x right, y down, Z = 0) and ``*_m_person00.trc`` in metres (y up, origin on
the floor). Its header always says ``Units m``, so pixels are told from metres by the file
name (``_px`` / ``_m``) or, failing that, by the size of the numbers. Marker names are the
HALPE_26 / BODY_25 ones (``RHip``, ``RKnee``, ``RAnkle``, ``RBigToe``, ``RHeel``, ...);
Pose2Sim writes the same names, or BlazePose's (``right_hip``, ``right_foot_index``) for
MediaPipe input, in 3D metres. The file is parsed by :func:`stridelab.io.trc.read_trc`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.io.markerset import MarkerSet
from stridelab.io.trc import read_trc
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints, guess_image_size

TRC_NAMES: dict[str, tuple[str, ...]] = {
    "nose": ("Nose", "nose"),
    "L_shoulder": ("LShoulder", "left_shoulder"), "R_shoulder": ("RShoulder", "right_shoulder"),
    "L_elbow": ("LElbow", "left_elbow"), "R_elbow": ("RElbow", "right_elbow"),
    "L_wrist": ("LWrist", "left_wrist"), "R_wrist": ("RWrist", "right_wrist"),
    "L_hip": ("LHip", "left_hip"), "R_hip": ("RHip", "right_hip"),
    "L_knee": ("LKnee", "left_knee"), "R_knee": ("RKnee", "right_knee"),
    "L_ankle": ("LAnkle", "left_ankle"), "R_ankle": ("RAnkle", "right_ankle"),
    "L_heel": ("LHeel", "left_heel"), "R_heel": ("RHeel", "right_heel"),
    "L_toe": ("LBigToe", "left_foot_index"), "R_toe": ("RBigToe", "right_foot_index"),
}  # fmt: skip
"""Common names -> the names Sports2D / Pose2Sim give them in a ``.trc`` (first found wins)."""

LEG_POINTS = ("L_hip", "R_hip", "L_knee", "R_knee", "L_ankle", "R_ankle")
PX_PER_M = 1000.0
"""Scale at which metre files become pixel coordinates (1 px = 1 mm)."""
MARGIN_PX = 50.0


def _trc_labels(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8") as fh:
            lines = [fh.readline() for _ in range(4)]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot read the .trc file ({exc})") from exc
    return [n.strip() for n in lines[3].split("\t")[2:] if n.strip()]


def _mapping(labels: list[str]) -> dict[str, str]:
    found = {}
    for name, candidates in TRC_NAMES.items():
        for c in candidates:
            if c in labels:
                found[name] = c
                break
    return found


def is_keypoint_trc(path: str | Path) -> bool:
    """Whether a ``.trc`` holds pose keypoints (hips, knees and ankles by keypoint names)."""
    mapping = _mapping(_trc_labels(Path(path)))
    return all(p in mapping for p in LEG_POINTS)


def _in_pixels(path: Path, xy: np.ndarray) -> bool:
    stem = path.stem.lower()
    if re.search(r"_px(_|$)", stem):
        return True
    if re.search(r"_m(_|$)", stem):
        return False
    finite = np.abs(xy[np.isfinite(xy)])
    return bool(len(finite)) and float(np.percentile(finite, 99)) > 50.0


def read_sports2d_trc(path: str | Path, fps: float | None = None,
                      size: tuple[int, int] | None = None) -> Keypoints:
    """Read a Sports2D / Pose2Sim keypoint ``.trc`` as the runner's keypoints.

    Parameters
    ----------
    path
        The ``.trc`` file (one person).
    fps
        Capture frame rate, Hz; the file's ``DataRate`` when ``None``.
    size
        Image ``(width, height)`` of a pixel file; guessed from the coordinates when ``None``.

    Returns
    -------
    Keypoints
        Pixels, y down. Metre files are drawn at :data:`PX_PER_M` pixels per metre; 3D files
        are projected onto the vertical plane along which the feet move most (a side view).
        Confidence is 1 for every point present (``.trc`` stores none).

    Raises
    ------
    InputFileError
        For a missing, malformed or non-keypoint file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    mapping = _mapping(_trc_labels(path))
    missing = [p for p in LEG_POINTS if p not in mapping]
    if missing:
        raise InputFileError(path, f"no keypoint names for {', '.join(missing)} (expected "
                                   "Sports2D/Pose2Sim names such as RHip, RKnee, RAnkle)")
    markerset = MarkerSet(name="keypoints", title="Sports2D / Pose2Sim keypoints",
                          landmarks={k: [v] for k, v in mapping.items()})
    rec = read_trc(path, markerset=markerset)
    names = KEYPOINT_NAMES
    n = len(next(iter(rec.points.values())))
    xyz = np.full((n, len(names), 3), np.nan)
    for j, name in enumerate(names):
        if name in mapping:
            xyz[:, j] = rec.points[mapping[name]]
    zero = np.all(xyz == 0.0, axis=2)  # Sports2D may write zeros for missing points
    xyz[zero] = np.nan
    warnings: list[str] = []
    depth = np.nanstd(xyz[..., 2]) if np.isfinite(xyz[..., 2]).any() else 0.0
    if depth > 1e-6:
        feet = [names.index(p) for p in ("L_ankle", "R_ankle")]
        spread = [np.nanstd(xyz[:, feet, a]) for a in (0, 2)]
        axis = 0 if spread[0] >= spread[1] else 2
        xy = xyz[..., [axis, 1]]
        warnings.append(f"3D .trc projected onto the {'XZ'[axis // 2]}-Y plane (side view)")
    else:
        xy = xyz[..., :2]
    pixels = _in_pixels(path, xy)
    if not pixels:
        xy = xy * PX_PER_M
        warnings.append(f"coordinates in metres, drawn at {PX_PER_M:g} px per metre")
    # image y points down: shoulders must lie above (smaller y than) the ankles
    up = np.nanmedian(xy[:, [names.index("L_shoulder"), names.index("R_shoulder")], 1])
    down = np.nanmedian(xy[:, [names.index("L_ankle"), names.index("R_ankle")], 1])
    if np.isfinite(up) and np.isfinite(down) and up > down:
        xy[..., 1] = -xy[..., 1]
    if not pixels:
        xy = xy - np.nanmin(xy.reshape(-1, 2), axis=0) + MARGIN_PX
        if size is None:
            far = np.nanmax(xy.reshape(-1, 2), axis=0) + MARGIN_PX
            size = (int(np.ceil(far[0])), int(np.ceil(far[1])))
    elif size is None:
        size = guess_image_size(xy)
        warnings.append(f"image size not stored in the .trc: assumed {size[0]}x{size[1]} from "
                        "the coordinate range")
    if fps is None:
        fps = rec.fs
    elif abs(fps - rec.fs) > 1e-6:
        warnings.append(f"frame rate {fps:g} fps given; the file says {rec.fs:g}")
    if fps <= 0:
        raise InputFileError(path, f"frame rate must be positive, got {fps}")
    conf = np.isfinite(xy).all(axis=2).astype(float)
    with_person = conf.any(axis=1)
    return Keypoints(xy=xy, conf=conf, names=names, fps=float(fps), size=tuple(size), path=path,
                     source="sports2d trc" + ("" if pixels else " (metres)"),
                     frames_with_person=float(with_person.mean()), warnings=warnings)
