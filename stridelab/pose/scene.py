"""What a clip shows: side or rear view, facing, treadmill or overground, and the scale.

The scale comes from the runner's height through Winter's body-segment proportions
(Winter 2009, *Biomechanics and Motor Control of Human Movement*, Fig. 4.1): hip to ankle
(thigh + shank) is 0.491 of body height. Legs bend in stance and foreshorten when they swing
out of the image plane, so the 90th percentile of the image-plane leg length over frames (the
straightest frames) is taken as the full length.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.pose.keypoints import Keypoints
from stridelab.thresholds import threshold

VIEWS = ("side", "rear")


@dataclass(frozen=True)
class Scene:
    """How the runner appears in the clip.

    Attributes
    ----------
    view
        ``"side"`` or ``"rear"``.
    facing
        Side view: ``+1`` when the runner faces image-right, ``-1`` image-left. Rear view:
        ``+1`` seen from behind (the runner's left on the image's left), ``-1`` from the front.
    setting
        ``"treadmill"`` or ``"overground"``.
    px_per_m
        Image scale at the runner.
    leg_px
        Hip-to-ankle length in pixels the scale came from.
    detected
        Which of the above were detected rather than given.
    view_in_data
        The view the keypoints show (:func:`detect_view`), also when ``view`` was given.
    near_leg
        Side view: the leg nearer the camera (``"L"``/``"R"``), the one seen whole; ``None``
        in a rear view.
    leg_visibility
        Mean pose-model confidence of each leg's keypoints (hip to toe), by side.
    """

    view: str
    facing: int
    setting: str
    px_per_m: float
    leg_px: float
    detected: tuple[str, ...] = ()
    px_per_m_frames: np.ndarray | None = None
    """Per-frame scale when the runner's distance to the camera changes (else ``None``)."""
    view_in_data: str = ""
    near_leg: str | None = None
    leg_visibility: dict[str, float] | None = None


def _dist(kp: Keypoints, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(kp.point(a) - kp.point(b), axis=1)


def leg_length_series(kp: Keypoints, window_s: float = 1.0) -> np.ndarray:
    """Straight-leg length (px) over time: rolling 90th percentile of thigh + shank.

    A window of about a stride contains frames with a straight leg, so the percentile follows
    changes of size (a runner moving towards or away from the camera), not knee bending.
    """
    per_frame = np.fmax(*[_dist(kp, f"{s}_hip", f"{s}_knee") + _dist(kp, f"{s}_knee",
                                                                      f"{s}_ankle")
                          for s in "LR"])
    window = max(3, int(round(window_s * kp.fps)))
    series = pd.Series(per_frame).rolling(window, center=True, min_periods=3).quantile(0.9)
    return series.interpolate(limit_direction="both").to_numpy()


def leg_length_px(kp: Keypoints) -> float:
    """Hip-to-ankle length in pixels: 90th percentile over frames and sides of thigh + shank."""
    lengths = np.concatenate([
        _dist(kp, f"{s}_hip", f"{s}_knee") + _dist(kp, f"{s}_knee", f"{s}_ankle") for s in "LR"
    ])
    lengths = lengths[np.isfinite(lengths)]
    if lengths.size < 10:
        raise InputFileError(kp.path, "hips, knees and ankles are seen in too few frames to "
                             "measure the runner")
    return float(np.percentile(lengths, 90))


def _median_abs(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(np.abs(values))) if values.size else float("nan")


def detect_view(kp: Keypoints, leg_px: float | np.ndarray) -> str:
    """``"side"`` when shoulders and hips look narrow against the leg, else ``"rear"``.

    Compared frame by frame (``leg_px`` may be a per-frame series), so a runner who shrinks
    while running away from the camera is judged at every size.
    """
    width = (np.abs(kp.point("L_shoulder")[:, 0] - kp.point("R_shoulder")[:, 0])
             + np.abs(kp.point("L_hip")[:, 0] - kp.point("R_hip")[:, 0]))
    ratio = _median_abs(width / leg_px)
    side = ratio < threshold("video.view.side_max_width_ratio")
    return "side" if side else "rear"


def detect_facing(kp: Keypoints, view: str) -> int:
    """Side: the way the feet point (toe ahead of heel). Rear: left hip on the image's left."""
    if view == "side":
        d = np.concatenate([kp.point(f"{s}_toe")[:, 0] - kp.point(f"{s}_heel")[:, 0]
                            for s in "LR"])
    else:
        d = kp.point("R_hip")[:, 0] - kp.point("L_hip")[:, 0]
    d = d[np.isfinite(d)]
    return 1 if d.size == 0 or np.median(d) >= 0 else -1


def detect_setting(kp: Keypoints, leg_px: float) -> str:
    """Overground when the pelvis crosses more of the image than a runner on a belt drifts."""
    hip_x = np.concatenate([kp.point("L_hip")[:, 0], kp.point("R_hip")[:, 0]])
    hip_x = hip_x[np.isfinite(hip_x)]
    travel = (np.percentile(hip_x, 95) - np.percentile(hip_x, 5)) / leg_px
    return "overground" if travel > threshold("video.setting.overground_travel_legs") \
        else "treadmill"


LEG_POINTS = ("hip", "knee", "ankle", "heel", "toe")


def upright(kp: Keypoints) -> tuple[Keypoints, int]:
    """The keypoints turned by a quarter turn so that the runner stands upright, if needed.

    A phone clip stored on its side without a rotation tag shows the runner lying: the hips
    are beside the ankles, not above them (image y points down). The median direction from
    the ankles to the hips says by how many quarter turns the picture is off; the points (and
    the image size) are turned back by as many.

    Returns
    -------
    tuple
        The keypoints (unchanged when the runner is upright) and the quarter turns applied
        counter-clockwise (0-3).
    """
    with warnings.catch_warnings():  # frames without a person give NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        hips = np.nanmean([kp.point("L_hip"), kp.point("R_hip")], axis=0)
        ankles = np.nanmean([kp.point("L_ankle"), kp.point("R_ankle")], axis=0)
        up = np.nanmedian(hips - ankles, axis=0)  # image axes: upright means (0, -h)
    if not np.isfinite(up).all() or abs(up[1]) >= abs(up[0]) and up[1] < 0:
        return kp, 0
    # quarter turns (counter-clockwise in the picture) that bring "up" to image -y
    angle = np.degrees(np.arctan2(-up[1], up[0]))  # 90 when upright (y down)
    turns = int(round((90.0 - angle) / 90.0)) % 4
    return quarter_turns(kp, turns), turns


def quarter_turns(kp: Keypoints, turns: int) -> Keypoints:
    """The keypoints of the picture turned ``turns`` quarter turns counter-clockwise."""
    w, h = kp.size
    x, y = kp.xy[..., 0], kp.xy[..., 1]
    for _ in range(turns % 4):  # (x, y) -> (y, w - x): the top-right corner goes top-left
        x, y = y, w - x
        w, h = h, w
    return kp.with_data(np.stack([x, y], axis=-1), size=(int(w), int(h)))



def leg_visibility(kp: Keypoints) -> dict[str, float]:
    """Mean confidence of each leg's keypoints over the frames where they were found."""
    out = {}
    for side in "LR":
        idx = [kp.names.index(f"{side}_{p}") for p in LEG_POINTS]
        conf = kp.conf[:, idx]
        seen = conf[np.isfinite(kp.xy[:, idx, 0])]
        out[side] = round(float(np.mean(seen)), 3) if seen.size else 0.0
    return out


def near_leg(kp: Keypoints, facing: int) -> str:
    """The leg nearer a side camera.

    The pose model sees the near leg whole and the far one partly hidden, so the leg with the
    clearly higher confidence (by ``video.view.near_leg_confidence_margin``) is the near one.
    Without such a difference the runner's facing decides: a camera on the runner's right
    sees the runner face image-right (an unmirrored clip).
    """
    vis = leg_visibility(kp)
    if abs(vis["L"] - vis["R"]) >= threshold("video.view.near_leg_confidence_margin"):
        return "L" if vis["L"] > vis["R"] else "R"
    return "R" if facing > 0 else "L"


def describe_scene(kp: Keypoints, height_m: float, view: str | None = None,
                   setting: str | None = None) -> Scene:
    """Detect what is not given and compute the scale.

    Parameters
    ----------
    kp
        Cleaned keypoints.
    height_m
        Runner's height in metres (scale).
    view, setting
        Given values win over detection.
    """
    if not 1.0 <= height_m <= 2.4:
        raise InputFileError(kp.path, f"a runner's height of {height_m:g} m is implausible: "
                             "give --height in metres (e.g. 1.78)")
    if view is not None and view not in VIEWS:
        raise InputFileError(kp.path, f"unknown view {view!r}: use side or rear")
    leg_px = leg_length_px(kp)
    leg_series = leg_length_series(kp)
    detected = []
    in_data = detect_view(kp, leg_series)
    if view is None:
        view, detected = in_data, detected + ["view"]
    if setting is None:
        setting = detect_setting(kp, leg_px) if view == "side" else "unknown"
        detected.append("setting")
    leg_m = threshold("video.scale.leg_length_ratio") * height_m
    lo, hi = np.nanpercentile(leg_series, [5, 95])
    changing = (hi - lo) / np.nanmedian(leg_series) > threshold("video.scale.max_size_change")
    facing = detect_facing(kp, view)
    return Scene(
        view=view,
        facing=facing,
        setting=setting,
        px_per_m=leg_px / leg_m,
        leg_px=leg_px,
        detected=tuple(detected),
        px_per_m_frames=leg_series / leg_m if changing else None,
        view_in_data=in_data,
        near_leg=near_leg(kp, facing) if view == "side" else None,
        leg_visibility=leg_visibility(kp),
    )
