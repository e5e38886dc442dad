"""Keypoints in pixels -> a :class:`~stridelab.io.recording.Recording` in metres, engine frame.

One camera sees one plane. Side view: x forward (the way the runner faces), y up, z unknown
(0). Rear view: z to the runner's right, y up, x unknown (0): measures that need the direction
of travel are not available from behind, and the summary says so.
"""

from __future__ import annotations

import numpy as np

from stridelab.io.markerset import load_markerset
from stridelab.io.recording import Recording
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.scene import Scene

UNFILTERED_POINTS = ("L_heel", "R_heel", "L_toe", "R_toe")
"""Keypoints also placed in the recording before the cleaning's smoothing, for the events."""


def _engine_points(kp: Keypoints, scene: Scene, names) -> dict[str, np.ndarray]:
    """Named keypoints in metres, engine frame (the scale frame by frame when it changes)."""
    height_px = kp.size[1]
    scale = scene.px_per_m if scene.px_per_m_frames is None else scene.px_per_m_frames
    points = {}
    for name in names:
        i = kp.names.index(name)
        u, v = kp.xy[:, i, 0], kp.xy[:, i, 1]
        horizontal = scene.facing * u / scale
        up = (height_px - v) / scale
        zero = np.where(np.isfinite(u), 0.0, np.nan)
        if scene.view == "side":
            points[name] = np.column_stack([horizontal, up, zero])
        else:
            points[name] = np.column_stack([zero, up, horizontal])
    return points


def keypoints_to_recording(kp: Keypoints, scene: Scene,
                           unfiltered: Keypoints | None = None) -> Recording:
    """Scale the keypoints to metres and place them in the engine frame.

    Image y points down, so height is ``(image_height - y) / px_per_m``. The horizontal image
    axis becomes forward (side view, signed by where the runner faces) or right (rear view).
    When the runner's size in the image changes (running towards or away from the camera), the
    scale follows frame by frame. ``unfiltered`` (the same keypoints before the cleaning's
    low-pass) adds the feet's points as ``<name>@unfiltered`` for the event detection.
    """
    points = _engine_points(kp, scene, kp.names)
    if unfiltered is not None:
        raw = _engine_points(unfiltered, scene, UNFILTERED_POINTS)
        points.update({f"{name}@unfiltered": xyz for name, xyz in raw.items()})
    warnings = list(kp.warnings)
    if scene.px_per_m_frames is not None:
        lo, hi = np.nanpercentile(scene.px_per_m_frames, [5, 95])
        warnings.append(f"the runner's size in the image changes by {100 * (hi - lo) / lo:.0f} %"
                        " (moving towards or away from the camera): scale set frame by frame")
    rec = Recording(points=points, fs=kp.fps, path=kp.path,
                    markerset=load_markerset("keypoints"), frame="engine",
                    warnings=warnings)
    rec.axes = {"forward": "image x" if scene.view == "side" else "none (rear view)",
                "vertical": "image -y", "right": "image x" if scene.view == "rear" else "none",
                "setting": scene.setting, "view": scene.view}
    return rec
