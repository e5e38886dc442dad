"""The annotated video: skeleton, each foot's current phase, and the events marked.

Frames are decoded again (streamed, never all held), drawn on with OpenCV (shipped with
MediaPipe) and encoded as H.264 through PyAV, scaled so the long side is at most ``max_side``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.gait.phases import PHASES
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.video import iter_frames

BONES = [("L_shoulder", "R_shoulder"), ("L_hip", "R_hip")] + [
    (f"{s}_{a}", f"{s}_{b}") for s in "LR" for a, b in (
        ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("ankle", "heel"),
        ("heel", "toe"), ("ankle", "toe"), ("shoulder", "elbow"), ("elbow", "wrist"))
]  # fmt: skip
COLOURS = {"L": (60, 120, 255), "R": (255, 70, 60), None: (240, 240, 240)}  # RGB
EVENT_FLASH_S = 0.05


def phase_at(strides: pd.DataFrame, side: str, t: float) -> str:
    """Name of the phase the ``side`` foot is in at time ``t`` (``""`` when unknown)."""
    rows = strides[(strides.side == side) & (strides.ic_s <= t) & (strides.next_ic_s > t)]
    if rows.empty:
        return ""
    row = rows.iloc[-1]
    current = ""
    for phase in PHASES:
        start = row.get(f"{phase}_start_s", np.nan)
        if np.isfinite(start) and start <= t:
            current = phase
    return current.replace("_", " ")


def _side(name: str) -> str | None:
    return name[0] if name[:2] in ("L_", "R_") else None


def write_annotated_video(src: Path, kp: Keypoints, strides: pd.DataFrame,
                          contacts: pd.DataFrame, out_path: Path, max_side: int = 960,
                          progress: Callable[[int, int], None] | None = None) -> Path:
    """Draw the analysis over the clip and write it as an MP4.

    Parameters
    ----------
    src
        The original clip.
    kp
        Cleaned keypoints (pixel coordinates of the original frames).
    strides, contacts
        Gait-engine tables (times in seconds of capture time).
    out_path
        Where the ``.mp4`` goes.
    max_side
        Longest side of the output in pixels.
    progress
        Callback ``(done, total)``.
    """
    import av
    import cv2

    w, h = kp.size
    scale = min(1.0, max_side / max(w, h))
    ow, oh = int(round(w * scale / 2)) * 2, int(round(h * scale / 2)) * 2
    idx = {n: i for i, n in enumerate(kp.names)}
    container = av.open(str(out_path), mode="w")
    stream = container.add_stream("libx264", rate=int(round(kp.fps)))
    stream.width, stream.height, stream.pix_fmt = ow, oh, "yuv420p"
    stream.options = {"crf": "23", "preset": "veryfast"}
    events = [(r.ic_s, r.side, "IC") for r in contacts.itertuples()] + \
             [(r.to_s, r.side, "TO") for r in contacts.itertuples()]
    font = cv2.FONT_HERSHEY_SIMPLEX
    fs = max(0.5, oh / 900)
    try:
        for i, frame in enumerate(iter_frames(src)):
            if i >= kp.n_frames:
                break
            t = i / kp.fps
            img = cv2.resize(frame, (ow, oh), interpolation=cv2.INTER_AREA)
            pts = kp.xy[i] * scale
            for a, b in BONES:
                pa, pb = pts[idx[a]], pts[idx[b]]
                if np.isfinite(pa).all() and np.isfinite(pb).all():
                    cv2.line(img, tuple(int(v) for v in pa), tuple(int(v) for v in pb),
                             COLOURS[_side(a) if _side(a) == _side(b) else None], 3, cv2.LINE_AA)
            for n, p in zip(kp.names, pts, strict=True):
                if np.isfinite(p).all():
                    cv2.circle(img, (int(p[0]), int(p[1])), 4, COLOURS[_side(n)], -1, cv2.LINE_AA)
            for k, s in enumerate("LR"):
                text = f"{'left' if s == 'L' else 'right'}: {phase_at(strides, s, t)}"
                y = int(30 * fs) * (k + 1)
                cv2.putText(img, text, (10, y), font, fs, (0, 0, 0), 5, cv2.LINE_AA)
                cv2.putText(img, text, (10, y), font, fs, COLOURS[s], 2, cv2.LINE_AA)
            for te, s, kind in events:
                if 0 <= t - te < EVENT_FLASH_S * 3:
                    foot = pts[idx[f"{s}_heel" if kind == "IC" else f"{s}_toe"]]
                    if np.isfinite(foot).all():
                        cv2.circle(img, (int(foot[0]), int(foot[1])), int(18 * fs),
                                   COLOURS[s], 3, cv2.LINE_AA)
                        cv2.putText(img, kind, (int(foot[0]) + 12, int(foot[1]) - 12), font,
                                    fs, COLOURS[s], 2, cv2.LINE_AA)
            cv2.putText(img, f"{t:5.2f} s", (10, oh - 15), font, fs, (255, 255, 255), 2,
                        cv2.LINE_AA)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
            if progress is not None:
                progress(i + 1, kp.n_frames)
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()
    return out_path
