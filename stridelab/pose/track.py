"""Keep the frames that show the runner: one person, moving like a runner.

A single-person pose model (BlazePose) always reports *someone*: when a second person is in
view it may jump to them (most often where it starts afresh: at the clip's start or at a
chunk, see :mod:`stridelab.pose.estimate`), and when the runner leaves the frame it can go on
reporting a still "person" made of background for seconds. Both would be analysed as if they
were the runner. :class:`RunnerTrack` finds

1. identity switches: the hip centre moves further between two frames than a runner can
   (``pose.track.max_jump_leg`` leg lengths, plus ``pose.track.max_speed_leg_s`` per second of
   frames without anyone) and stays there, or nobody is seen for longer than
   ``pose.select.max_unseen_s``;
2. stretches without running movement: the feet, relative to the hips, move slower than
   ``pose.track.min_motion_leg_s`` leg lengths per second (median over
   ``pose.track.motion_window_s``; a running foot moves at 3-6 leg lengths/s relative to the
   hips, the jitter of a still "person" at about 0.2-0.5);

and keeps the longest stretch between them; the other frames become missing.
"""

from __future__ import annotations

import numpy as np

from stridelab.pose.keypoints import Keypoints
from stridelab.pose.swap import leg_length_px
from stridelab.signal import SLOWEST_STRIDE_S, stride_period, true_runs
from stridelab.thresholds import threshold


def _centre(kp: Keypoints) -> np.ndarray:
    """Per frame the mean of the hips (the shoulders when no hip is seen), ``(n, 2)``."""
    out = np.full((kp.n_frames, 2), np.nan)
    for pair in (("L_hip", "R_hip"), ("L_shoulder", "R_shoulder")):
        names = [n for n in pair if kp.has(n)]
        if not names:
            continue
        pts = np.stack([kp.point(n) for n in names])  # (k, n, 2)
        finite = np.isfinite(pts).all(axis=-1, keepdims=True)
        count = finite.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, np.where(finite, pts, 0.0).sum(axis=0) / count, np.nan)
        out = np.where(np.isfinite(out), out, mean)
    return out


def _window_nanmedian(x: np.ndarray, width: int, ahead: bool) -> np.ndarray:
    """Median of the ``width`` frames from each frame on (``ahead``) or up to it.

    NaN values are ignored; a window without a finite value gives NaN.
    """
    import warnings

    from numpy.lib.stride_tricks import sliding_window_view

    pad = np.full(width - 1, np.nan)
    padded = np.concatenate([x, pad]) if ahead else np.concatenate([pad, x])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
        return np.nanmedian(sliding_window_view(padded, width), axis=1)



STRIDE_SHARE = 0.75
"""Share of the clip's own stride the motion window spans at least (``motion_window_s`` is
most of a running stride at the real rate)."""

CONFIRM_S = 0.1
"""A jump counts as a change of person when the median position over this long (at least three
frames) before and after it differ as much: a stray point of one or two frames does not."""


class RunnerTrack:
    """Keep the longest stretch of frames showing one person moving like a runner.

    Parameters
    ----------
    max_jump_leg
        Largest move of the hip centre between consecutive frames, in leg lengths
        (``pose.track.max_jump_leg``).
    max_speed_leg_s
        Added allowance per second of frames without a person (``pose.track.max_speed_leg_s``).
    max_unseen_s
        A person unseen for longer starts a new stretch (``pose.select.max_unseen_s``).
    min_motion_leg_s
        Slowest typical (median) speed of the feet relative to the hips, in leg lengths/s,
        that counts as movement (``pose.track.min_motion_leg_s``).
    motion_window_s
        Window of that median (``pose.track.motion_window_s``).

    Attributes
    ----------
    keypoints_
        Keypoints with the frames outside the kept stretch missing.
    kept_
        ``(n_frames,)`` whether each frame is in the kept stretch.
    switches_s_
        Times (s) where the person changed.
    still_s_
        ``(start_s, end_s)`` of stretches with someone in view but no running movement.
    warnings_
        What was found and dropped, in words.
    """

    def __init__(self, max_jump_leg: float | None = None, max_speed_leg_s: float | None = None,
                 max_unseen_s: float | None = None, min_motion_leg_s: float | None = None,
                 motion_window_s: float | None = None) -> None:
        self.max_jump_leg = (threshold("pose.track.max_jump_leg") if max_jump_leg is None
                             else max_jump_leg)
        self.max_speed_leg_s = (threshold("pose.track.max_speed_leg_s")
                                if max_speed_leg_s is None else max_speed_leg_s)
        self.max_unseen_s = (threshold("pose.select.max_unseen_s") if max_unseen_s is None
                             else max_unseen_s)
        self.min_motion_leg_s = (threshold("pose.track.min_motion_leg_s")
                                 if min_motion_leg_s is None else min_motion_leg_s)
        self.motion_window_s = (threshold("pose.track.motion_window_s")
                                if motion_window_s is None else motion_window_s)

    def apply(self, kp: Keypoints) -> RunnerTrack:
        """Find the runner's stretch in ``kp``.

        Parameters
        ----------
        kp
            Keypoints of one clip, one person per frame.

        Returns
        -------
        RunnerTrack
            This object, with the attributes ending in ``_`` set.
        """
        centre = _centre(kp)
        present = np.isfinite(centre).all(axis=1)
        leg = leg_length_px(kp)
        self.switches_s_: list[float] = []
        self.still_s_: list[tuple[float, float]] = []
        self.warnings_: list[str] = []
        if not np.isfinite(leg) or leg <= 0 or present.sum() < 2:
            self.kept_ = present
            self.keypoints_ = kp
            return self
        cut = self._person_changes(centre, present, leg, kp.fps)
        moving = self._moving(kp, centre, present, leg)
        best = _longest_stretch(cut, present, moving)
        kept = np.zeros(kp.n_frames, dtype=bool)
        if best is not None:
            kept[best[0]:best[1]] = True
        self.kept_ = kept
        self._drop_others(kp, present, best)
        return self

    def _person_changes(self, centre: np.ndarray, present: np.ndarray, leg: float,
                        fps: float) -> np.ndarray:
        """Frames that start a new stretch: the person changed, or was unseen too long.

        Sets ``switches_s_``.

        Parameters
        ----------
        centre
            ``(n, 2)`` hip centre per frame (:func:`_centre`).
        present
            ``(n,)`` whether anyone is seen in each frame.
        leg
            Leg length, px.
        fps
            Frame rate, Hz.

        Returns
        -------
        numpy.ndarray
            ``(n,)`` bool, True at the first frame of each new stretch.
        """
        cut = np.zeros(len(centre), dtype=bool)  # cut[i]: frame i starts a new stretch
        seen = np.flatnonzero(present)
        dt = np.diff(seen) / fps
        move = np.linalg.norm(np.diff(centre[seen], axis=0), axis=1) / leg
        allowed = self.max_jump_leg + self.max_speed_leg_s * np.maximum(0.0, dt - 1.0 / fps)
        jumps = move > allowed
        # a jump that the next frames do not confirm is a stray point (the outlier filter's
        # business), not another person: compare the median position just before and after
        m = max(3, int(round(CONFIRM_S * fps)))
        for k in np.flatnonzero(jumps):
            before = np.median(centre[seen[max(0, k - m + 1):k + 1]], axis=0)
            after = np.median(centre[seen[k + 1:k + 1 + m]], axis=0)
            jumps[k] = np.linalg.norm(after - before) / leg > allowed[k]
        cut[seen[1:][jumps | (dt > self.max_unseen_s)]] = True
        self.switches_s_ = [round(float(t), 2) for t in seen[1:][jumps] / fps]
        return cut

    def _moving(self, kp: Keypoints, centre: np.ndarray, present: np.ndarray,
                leg: float) -> np.ndarray:
        """Frames not in a stretch without running movement (all of them without ankles).

        Sets ``still_s_``.

        Parameters
        ----------
        kp
            The keypoints.
        centre
            ``(n, 2)`` hip centre per frame (:func:`_centre`).
        present
            ``(n,)`` whether anyone is seen in each frame.
        leg
            Leg length, px.

        Returns
        -------
        numpy.ndarray
            ``(n,)`` bool, False where someone is in view but does not move like a runner.
        """
        fps = kp.fps
        speed = _foot_speed(kp, centre, leg)
        if speed is None:
            return np.ones(kp.n_frames, dtype=bool)
        width = max(1, int(round(self._window_s(speed, fps) * fps)))
        # still when the window before or the one after the frame is: a frame just after
        # the runner left is still, one in a stance is not (the window spans a stride);
        # medians, so that a few jittery frames of a still picture do not count as moving
        typical = np.fmin(_window_nanmedian(speed, width, ahead=True),
                          _window_nanmedian(speed, width, ahead=False))
        finite = present & np.isfinite(typical)
        limit = self.min_motion_leg_s
        if finite.any():
            # slow motion of unknown capture rate slows every movement by the same factor:
            # still is slow next to this clip's own running, not only in leg lengths/s
            reference = float(np.percentile(typical[finite],
                                            threshold("pose.track.reference_percentile")))
            limit = min(limit, threshold("pose.track.min_motion_share") * reference)
        still = finite & (typical < limit)
        # a median over the window is low for at least half of it around a still stretch
        # as long as the window; shorter dips are a slowed foot turning round
        for a, b in true_runs(still):
            if b - a < max(2, width // 2):
                still[a:b] = False
        self.still_s_ = [(round(a / fps, 2), round(b / fps, 2)) for a, b in true_runs(still)]
        return ~still

    def _window_s(self, speed: np.ndarray, fps: float) -> float:
        """The motion window: ``motion_window_s``, or most of the clip's own stride if longer.

        Slow motion of an unknown capture rate stretches every stride: a window shorter than
        the stride sees a slowed foot turning round as standing still. The stride is the
        period of the foot's speed (:func:`stridelab.signal.stride_period`, up to
        :data:`stridelab.signal.SLOWEST_STRIDE_S`).
        """
        period = stride_period(np.nan_to_num(speed, nan=np.nanmedian(speed)), fps,
                               max_s=SLOWEST_STRIDE_S)
        return max(self.motion_window_s, STRIDE_SHARE * period) if period else \
            self.motion_window_s

    def _drop_others(self, kp: Keypoints, present: np.ndarray,
                     best: tuple[int, int] | None) -> None:
        """Set ``keypoints_`` (frames outside ``kept_`` missing) and ``warnings_``.

        Parameters
        ----------
        kp
            The keypoints.
        present
            ``(n,)`` whether anyone is seen in each frame.
        best
            ``(start, end)`` frames of the kept stretch, or ``None``.
        """
        kept = self.kept_
        dropped = present & ~kept
        if not dropped.any():
            self.keypoints_ = kp
            return
        xy = np.where(kept[:, None, None], kp.xy, np.nan)
        conf = np.where(kept[:, None], kp.conf, 0.0)
        share = float((present & kept).sum() / kp.n_frames)
        self.keypoints_ = kp.with_data(xy, conf, frames_with_person=share)
        if self.switches_s_:
            at = ", ".join(f"{t:g}" for t in self.switches_s_[:5])
            self.warnings_.append(f"the pose model jumped to another person or object at {at} s "
                                  "(more than one person in view?)")
        if self.still_s_:
            spans = ", ".join(f"{a:g}-{b:g}" for a, b in self.still_s_[:5])
            self.warnings_.append(f"no running movement at {spans} s (the runner out of the "
                                  "frame, or standing)")
        if best is not None:
            fps = kp.fps
            self.warnings_.append(f"analysed {best[0] / fps:.2f}-{best[1] / fps:.2f} s, the "
                                  f"longest stretch showing one runner ({dropped.sum()} frames "
                                  "left out)")


def _foot_speed(kp: Keypoints, centre: np.ndarray, leg: float) -> np.ndarray | None:
    """Per frame the faster ankle's speed relative to the hip centre, leg lengths/s.

    NaN only where both ankles are missing; ``None`` when neither ankle is ever seen.

    Parameters
    ----------
    kp
        The keypoints.
    centre
        ``(n, 2)`` hip centre per frame (:func:`_centre`).
    leg
        Leg length, px.
    """
    speeds = []
    for side in "LR":
        if kp.has(f"{side}_ankle"):
            rel = kp.point(f"{side}_ankle") - centre
            v = np.linalg.norm(np.diff(rel, axis=0), axis=1) * kp.fps / leg
            speeds.append(np.r_[v[:1], v])
    if not speeds:
        return None
    return np.fmax.reduce(np.stack(speeds))  # NaN only where both are missing


def _longest_stretch(cut: np.ndarray, present: np.ndarray,
                     moving: np.ndarray) -> tuple[int, int] | None:
    """``(start, end)`` of the longest run of moving frames between cuts, or ``None``.

    Frames without anyone inside the run are part of it (the gap filler and the event detector
    deal with them); its ends are frames with someone in view.

    Parameters
    ----------
    cut
        ``(n,)`` True at the first frame of each new stretch.
    present
        ``(n,)`` whether anyone is seen in each frame.
    moving
        ``(n,)`` False where someone is in view but does not move like a runner.
    """
    label = np.cumsum(cut)
    best, best_len = None, 0
    for stretch in np.unique(label[present]):
        inside = label == stretch
        for a, b in true_runs(inside & moving):
            seen_in = np.flatnonzero(present[a:b])
            if len(seen_in) and seen_in[-1] - seen_in[0] + 1 > best_len:
                best = (a + seen_in[0], a + seen_in[-1] + 1)
                best_len = best[1] - best[0]
    return best
