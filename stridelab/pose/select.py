"""Choose the runner when a pose detector returns several people per frame.

Detections are linked into tracks frame by frame: each track's last centre (the hip centre,
or the mean of the visible points when both hips are missing) is matched to the nearest
detection (Hungarian assignment, :func:`scipy.optimize.linear_sum_assignment`) within a
gate; unmatched detections open new tracks and a track unseen for longer than ``max_unseen_s``
is closed. The runner is the track with the highest summed confidence over all its frames and
points, which favours the person seen in most frames, with most points, most clearly -- the
rule Sports2D uses to pick its main person (``get_personID_with_highest_scores``, Pagnon et
al. 2023, JOSS 8:5305).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from stridelab.pose.keypoints import KEYPOINT_NAMES
from stridelab.thresholds import threshold


@dataclass
class _Track:
    frames: list[int]
    dets: list[int]
    centre: np.ndarray
    score: float = 0.0


def detection_centre(det: np.ndarray, names: tuple[str, ...] = KEYPOINT_NAMES) -> np.ndarray:
    """Hip centre of one detection ``(k, 3)`` (x, y, conf), else the mean of its points.

    Returns ``(2,)``; NaN when the detection has no point at all.
    """
    xy = det[:, :2]
    hips = [names.index(n) for n in ("L_hip", "R_hip") if n in names]
    hip_xy = xy[hips]
    if len(hips) == 2 and np.isfinite(hip_xy).all():
        return hip_xy.mean(axis=0)
    ok = np.isfinite(xy).all(axis=1)
    return xy[ok].mean(axis=0) if ok.any() else np.full(2, np.nan)


class RunnerSelector:
    """Track every person and pick the runner.

    Parameters
    ----------
    max_jump
        Largest move of a track's centre between two detections, as a share of the image
        diagonal (threshold ``pose.select.max_jump``; Sports2D's ``max_distance`` is 250 px).
    max_unseen_s
        Longest time a track may go undetected and still be continued, s
        (``pose.select.max_unseen_s``).

    Attributes
    ----------
    chosen_
        ``(n_frames,)`` index of the runner's detection in each frame, ``-1`` where none.
    n_tracks_
        Number of tracks (people) found.
    scores_
        Summed confidence of every track, runner first.
    other_frames_
        Frames with at least one detection where none belongs to the runner.
    """

    def __init__(self, max_jump: float | None = None, max_unseen_s: float | None = None) -> None:
        self.max_jump = threshold("pose.select.max_jump") if max_jump is None else max_jump
        self.max_unseen_s = (threshold("pose.select.max_unseen_s") if max_unseen_s is None
                             else max_unseen_s)

    def select(self, frames: list[np.ndarray], fps: float, size: tuple[int, int],
               names: tuple[str, ...] = KEYPOINT_NAMES) -> RunnerSelector:
        """Track the people and choose the runner.

        Parameters
        ----------
        frames
            Per frame, an array ``(n_people, k, 3)`` of x, y (pixels) and confidence, NaN
            where a point is missing.
        fps
            Frame rate, Hz.
        size
            Image ``(width, height)`` in pixels (sets the gate).
        names
            Point names along axis 1.
        """
        gate = self.max_jump * float(np.hypot(*size))
        max_lost = max(1, int(round(self.max_unseen_s * fps)))
        tracks: list[_Track] = []
        for t, people in enumerate(frames):
            if len(people) == 0:
                continue
            centres = np.array([detection_centre(p, names) for p in people])
            conf = np.nansum(people[:, :, 2], axis=1)
            active = [i for i, tr in enumerate(tracks) if t - tr.frames[-1] <= max_lost]
            matched: set[int] = set()
            if active:
                last = np.array([tracks[i].centre for i in active])
                dist = np.linalg.norm(last[:, None, :] - centres[None, :, :], axis=2)
                cost = np.where(np.isfinite(dist) & (dist <= gate), dist, 1e9)
                rows, cols = linear_sum_assignment(cost)
                for r, c in zip(rows, cols, strict=True):
                    if cost[r, c] < 1e9:
                        tr = tracks[active[r]]
                        tr.frames.append(t)
                        tr.dets.append(int(c))
                        tr.centre = centres[c]
                        tr.score += float(conf[c])
                        matched.add(int(c))
            for c in range(len(people)):
                if c not in matched and np.isfinite(centres[c]).all():
                    tracks.append(_Track([t], [c], centres[c], float(conf[c])))
        self.chosen_ = np.full(len(frames), -1, dtype=int)
        self.n_tracks_ = len(tracks)
        self.scores_ = np.array([], dtype=float)
        if tracks:
            tracks.sort(key=lambda tr: tr.score, reverse=True)
            best = tracks[0]
            self.chosen_[best.frames] = best.dets
            self.scores_ = np.array([tr.score for tr in tracks])
        seen = np.array([len(p) > 0 for p in frames], dtype=bool)
        self.other_frames_ = np.flatnonzero(seen & (self.chosen_ < 0))
        return self

    def runner(self, frames: list[np.ndarray], n_points: int) -> tuple[np.ndarray, np.ndarray]:
        """The runner's ``xy`` ``(n, k, 2)`` and ``conf`` ``(n, k)`` from ``chosen_``.

        Missing points have NaN coordinates and confidence 0.
        """
        n = len(frames)
        xy = np.full((n, n_points, 2), np.nan)
        conf = np.zeros((n, n_points))
        for t, idx in enumerate(self.chosen_):
            if idx >= 0:
                det = frames[t][idx]
                xy[t] = det[:, :2]
                conf[t] = np.nan_to_num(det[:, 2])
        conf[~np.isfinite(xy).all(axis=2)] = 0.0
        return xy, conf
