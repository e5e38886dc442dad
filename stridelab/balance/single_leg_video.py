"""Single-leg stance test from a phone video (issue 14, part 2).

The person starts on both feet, lifts one foot and holds; a tripod-fixed camera films from
the front (or back) or from the side. From 2D keypoints (MediaPipe on the clip, or an
OpenPose / Sports2D file) :class:`SingleLegStanceTest` finds:

- the stance leg (the foot whose ankle travels less in the picture) and the free foot's
  lift-off: its toe (heel where the toe is unseen) rises above its standing height,
  relative to the stance foot's toe and over the hip-to-ankle length, by
  ``balance.video.lift_height_leg``, taken back to where it began rising faster than
  ``balance.video.onset_speed_leg_s``;
- the touch-down: the free foot back within the lift height of its standing height (taken on
  to where it stops falling faster than the onset speed), or, after
  losing half of its rise, slower than ``balance.video.still_speed_leg_s`` for
  ``balance.video.still_min_s`` (a foot landing elsewhere than it left looks higher or lower
  in the picture);
- the end of the hold: the touch-down, the stance foot moving (``balance.video.stance_move_leg``)
  or, when both wrists rest on the hips at lift-off, a wrist leaving its hip
  (``balance.video.hands_off_hips_body``), whichever comes first, or the end of the clip;
- sway of the pelvis (mid-hip) and trunk (mid-shoulder) over the hold, in body heights
  (hip-to-ankle length / 0.491, Winter 2009): RMS and range per image axis and path per
  second, and the corrections: peaks of the trunk's sideways speed above
  ``balance.video.correction_speed_body_s``.

Views. From the front or back the image x axis is medio-lateral, so sideways sway and
corrections are seen; from the side x is anterior-posterior. The vertical axis is seen in
both, and so is the free foot's rise when the foot is lifted up (knee bent, foot beside the
stance leg). A foot swung forward towards a camera placed above the hips looks *lower* in the
picture: such a clip (the front cameras of the Pose2Sim beam demo) gives no lift-off.
Eyes open or closed is a label given with the clip. The keypoints stay in pixels, normalised
by the leg length; nothing needs the person's height.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from stridelab.balance.trial import TrialResult
from stridelab.errors import InputFileError
from stridelab.pose.keypoints import Keypoints
from stridelab.signal import fill_gaps, lowpass, true_runs
from stridelab.symmetry import robinson_si
from stridelab.thresholds import threshold

LEG_OVER_HEIGHT = 0.491
"""Hip to ankle (thigh + shank) over body height (Winter 2009, Fig. 4.1), as
:mod:`stridelab.pose.scene` uses for the scale."""
REST_S = 0.25
"""Seconds at the start of the clip that give each foot's standing height."""
VIEWS = ("front", "side")
END_REASONS = ("touch-down", "stance foot moved", "hands left the hips", "end of clip")


def single_leg_keypoints(path: str | Path, capture_fps: float | None = None,
                         model: str = "full") -> Keypoints:
    """Keypoints of a single-leg test: MediaPipe on a clip, or a keypoint file read.

    The running pipeline (:class:`~stridelab.pose.pipeline.PoseEstimation`) keeps only the
    stretch where the runner moves and cleans for running; a person standing still would be
    cut away. This calls its lower level instead: the pose backend on every frame
    (:func:`~stridelab.pose.estimate.estimate_keypoints`) and the quarter turn of a clip
    stored on its side (:func:`~stridelab.pose.scene.upright`); the test low-passes itself.

    Parameters
    ----------
    path
        A video, a folder of OpenPose JSON files (BODY_25, BODY_25B or COCO) or a keypoint
        ``.trc``.
    capture_fps
        Real capture rate; OpenPose folders need it (30 fps assumed otherwise).
    model
        MediaPipe model variant.
    """
    from stridelab.pose.scene import upright
    from stridelab.pose.video import is_video

    path = Path(path)
    if is_video(path):
        from stridelab.pose.estimate import estimate_keypoints

        kp = estimate_keypoints(path, "mediapipe", capture_fps=capture_fps, model=model)
    else:
        from stridelab.pose.read import read_keypoints

        kp = read_keypoints(path, fps=capture_fps)
    return upright(kp)[0]


class SingleLegStanceTest:
    """Hold time, sway and corrections of one single-leg stance trial filmed on video.

    Parameters
    ----------
    leg
        Stance leg ``"L"`` or ``"R"``; ``None``: the leg whose ankle travels less.
    eyes
        ``"open"`` or ``"closed"`` (a label; the video does not tell).
    view
        ``"front"`` (front or back) or ``"side"``; ``None``: from the shoulders' and hips'
        width against the leg length (:func:`~stridelab.pose.scene.detect_view`).
    cutoff_hz
        Low-pass applied to the keypoints (zero-lag Butterworth).
    hands_on_hips
        Whether the hands must stay on the hips; ``None``: when both wrists are on their
        hips at lift-off.

    Attributes
    ----------
    leg_, free_leg_
        Stance and lifted leg.
    lift_off_frame_, touch_down_frame_, end_frame_
        Frames of the lift-off, the touch-down (``None`` when the foot stays up) and the
        end of the hold; ``lift_off_s_``, ``touch_down_s_``, ``end_s_`` the same in seconds.
    ended_by_
        What ended the hold, one of :data:`END_REASONS`.
    hold_time_s_
        Seconds from lift-off to the end of the hold.
    held_to_end_
        The hold lasted to the end of the clip.
    stance_moved_frame_, hands_off_frame_
        When the stance foot moved / a hand left its hip (``None``: not seen).
    view_
        ``"front"`` or ``"side"``.
    foot_height_leg_
        The free foot's height above its standing height per frame, leg lengths.
    sway_
        Sway over the hold: ``{pelvis,trunk}_{rms,range}_{x,y}_bh`` (body heights),
        ``{pelvis,trunk}_path_bh_s`` and ``corrections`` (count), ``corrections_per_s``.
        x is medio-lateral from the front, anterior-posterior from the side.
    warnings_
        Doubts about the trial.
    """

    def __init__(self, leg: str | None = None, eyes: str = "open", view: str | None = None,
                 cutoff_hz: float = 6.0, hands_on_hips: bool | None = None) -> None:
        self.leg = leg
        self.eyes = eyes
        self.view = view
        self.cutoff_hz = cutoff_hz
        self.hands_on_hips = hands_on_hips

    def detect(self, kp: Keypoints) -> SingleLegStanceTest:
        """Find the hold in ``kp`` and measure it.

        Returns
        -------
        self

        Raises
        ------
        InputFileError
            A clip shorter than ``balance.video.min_clip_s``, feet or hips not seen, or no
            foot lifted (no one stands on one leg).
        """
        self._check_input(kp)
        self.fps_, self.path_, self.warnings_ = kp.fps, kp.path, list(kp.warnings)
        self.leg_px_ = _leg_px(kp)
        self.view_ = self.view or _view(kp, self.leg_px_)
        heights = {s: self._height(kp, s) for s in "LR"}
        self.leg_ = self.leg or min("LR", key=lambda s: _travel(kp, s))
        self.free_leg_ = _other(self.leg_)
        self.foot_height_leg_ = heights[self.free_leg_]
        self.lift_off_frame_ = self._lift_off(kp)
        self.touch_down_frame_ = self._touch_down()
        self.stance_moved_frame_ = self._stance_moved(kp)
        self.hands_off_frame_ = self._hands_off(kp)
        self._end(kp.n_frames)
        self.sway_ = self._sway(kp)
        return self

    # -- input and signals --------------------------------------------------------------

    def _check_input(self, kp: Keypoints) -> None:
        if self.leg not in (None, "L", "R") or self.eyes not in ("open", "closed"):
            raise ValueError("leg must be None, 'L' or 'R'; eyes 'open' or 'closed'")
        if self.view not in (None, *VIEWS):
            raise ValueError(f"view must be None or one of {VIEWS}")
        need = threshold("balance.video.min_clip_s")
        if kp.n_frames / kp.fps < need:
            raise InputFileError(kp.path, f"the clip lasts {kp.n_frames / kp.fps:.2f} s; the "
                                 f"single-leg test needs at least {need:g} s (standing on both "
                                 "feet first, then the lift)")
        for name in ("L_hip", "R_hip", "L_ankle", "R_ankle"):
            if not kp.has(name):
                raise InputFileError(kp.path, f"no {name.replace('_', ' ')} keypoint is seen: "
                                     "film the whole body, feet included")

    def _smooth(self, x: np.ndarray) -> np.ndarray:
        return lowpass(fill_gaps(x, self.fps_, 0.2, "linear"), self.fps_, self.cutoff_hz)

    def _foot_y(self, kp: Keypoints, side: str) -> np.ndarray:
        """Image y of the toe; the heel, then the ankle, where the toe is unseen."""
        y = kp.point(f"{side}_toe")[:, 1].copy() if f"{side}_toe" in kp.names else None
        if y is None:
            y = np.full(kp.n_frames, np.nan)
        for other in ("heel", "ankle"):
            if f"{side}_{other}" in kp.names:
                fill = kp.point(f"{side}_{other}")[:, 1]
                y = np.where(np.isfinite(y), y, fill)
        return self._smooth(y)

    def _height(self, kp: Keypoints, side: str) -> np.ndarray:
        """Foot ``side``'s height above its standing height, relative to the other foot."""
        h = (self._foot_y(kp, _other(side)) - self._foot_y(kp, side)) / self.leg_px_
        rest = h[:max(2, int(REST_S * self.fps_))]
        if not np.isfinite(rest).any():
            raise InputFileError(kp.path, "the feet are not seen in the first "
                                 f"{REST_S:g} s: the clip must start on both feet")
        return h - np.nanmedian(rest)

    # -- events -------------------------------------------------------------------------

    def _lift_off(self, kp: Keypoints) -> int:
        h = self.foot_height_leg_
        up = np.nan_to_num(h, nan=-np.inf) > threshold("balance.video.lift_height_leg")
        runs = [r for r in true_runs(up) if r[1] - r[0] >= self._min_frames()]
        if not runs:
            raise InputFileError(kp.path, "no single-leg stance: neither foot rises "
                                 f"{threshold('balance.video.lift_height_leg'):g} leg lengths "
                                 "above its standing height for "
                                 f"{threshold('balance.video.still_min_s'):g} s")
        i = runs[0][0]
        rising = np.gradient(h) * self.fps_
        onset = threshold("balance.video.onset_speed_leg_s")
        while i > 0 and rising[i - 1] > onset:
            i -= 1
        return i

    def _min_frames(self) -> int:
        return max(1, int(round(threshold("balance.video.still_min_s") * self.fps_)))

    def _touch_down(self) -> int | None:
        h, start = self.foot_height_leg_, self.lift_off_frame_
        lift = threshold("balance.video.lift_height_leg")
        speed = np.abs(np.gradient(h)) * self.fps_
        peak = np.maximum.accumulate(np.nan_to_num(h, nan=-np.inf)[start:])
        down = h[start:] <= np.maximum(lift, 0.5 * peak)
        back = np.nan_to_num(h[start:], nan=np.inf) < lift
        still = down & (speed[start:] < threshold("balance.video.still_speed_leg_s"))
        found = [start + r[0] for mask in (back, still) for r in true_runs(mask)
                 if r[1] - r[0] >= self._min_frames() or start + r[1] == len(h)]
        # the foot must have been up first: runs at lift-off itself are not a touch-down
        found = [f for f in found if f > start + self._min_frames()]
        if not found:
            return None
        i = min(found)
        if back[i - start]:  # back at its height: forward to where its descent ends
            falling = -np.gradient(h) * self.fps_
            while i + 1 < len(h) and falling[i] > threshold("balance.video.onset_speed_leg_s"):
                i += 1
        return i

    def _stance_moved(self, kp: Keypoints) -> int | None:
        side, start = self.leg_, self.lift_off_frame_
        xy = np.stack([self._smooth(kp.point(f"{side}_ankle")[:, k]) for k in (0, 1)], axis=1)
        ref = np.nanmedian(xy[start:start + self._min_frames() + 1], axis=0)
        off = np.linalg.norm(xy - ref, axis=1) / self.leg_px_
        moved = np.nan_to_num(off, nan=0.0) > threshold("balance.video.stance_move_leg")
        runs = [r for r in true_runs(moved[start:]) if r[1] - r[0] >= self._min_frames()]
        return start + runs[0][0] if runs else None

    def _hands_off(self, kp: Keypoints) -> int | None:
        if not all(kp.has(f"{s}_wrist") for s in "LR") or self.hands_on_hips is False:
            return None
        body = self.leg_px_ / LEG_OVER_HEIGHT
        limit = threshold("balance.video.hands_off_hips_body")
        dist = np.stack([np.linalg.norm(
            np.stack([self._smooth(kp.point(f"{s}_wrist")[:, k] - kp.point(f"{s}_hip")[:, k])
                      for k in (0, 1)], axis=1), axis=1) / body for s in "LR"], axis=1)
        far = np.nan_to_num(dist, nan=np.inf).max(axis=1) > limit
        start = self.lift_off_frame_
        if far[start]:
            if self.hands_on_hips:
                self.warnings_.append(f"{self.path_.name}: the hands are not on the hips at "
                                      "lift-off")
            return None
        runs = [r for r in true_runs(far[start:]) if r[1] - r[0] >= self._min_frames()]
        return start + runs[0][0] if runs else None

    def _end(self, n: int) -> None:
        ends = {"touch-down": self.touch_down_frame_,
                "stance foot moved": self.stance_moved_frame_,
                "hands left the hips": self.hands_off_frame_}
        ends = {k: v for k, v in ends.items() if v is not None}
        self.ended_by_ = min(ends, key=ends.get) if ends else "end of clip"
        self.end_frame_ = ends.get(self.ended_by_, n)
        self.held_to_end_ = self.ended_by_ == "end of clip"
        self.lift_off_s_ = self.lift_off_frame_ / self.fps_
        self.end_s_ = self.end_frame_ / self.fps_
        self.touch_down_s_ = (None if self.touch_down_frame_ is None
                              else self.touch_down_frame_ / self.fps_)
        self.hold_time_s_ = self.end_s_ - self.lift_off_s_
        if self.hold_time_s_ < threshold("balance.trial.min_duration_s"):
            self.warnings_.append(
                f"{self.path_.name}: held {self.hold_time_s_:.1f} s, under the "
                f"{threshold('balance.trial.min_duration_s'):g} s of a sway measurement: the "
                "sway figures are not comparable with longer holds")

    # -- sway ---------------------------------------------------------------------------

    def _sway(self, kp: Keypoints) -> dict[str, float]:
        a, b = self.lift_off_frame_, self.end_frame_
        body = self.leg_px_ / LEG_OVER_HEIGHT
        out: dict[str, float] = {}
        for part, (p, q) in (("pelvis", ("L_hip", "R_hip")),
                             ("trunk", ("L_shoulder", "R_shoulder"))):
            if not (kp.has(p) and kp.has(q)):
                continue
            mid = 0.5 * (kp.point(p) + kp.point(q))
            xy = np.stack([self._smooth(mid[:, k]) for k in (0, 1)], axis=1)[a:b] / body
            out.update(sway_measures(xy, self.fps_, part))
            if part == "trunk":
                out.update(count_corrections(xy[:, 0], self.fps_))
        return out

    # -- outputs ------------------------------------------------------------------------

    def to_trial_result(self) -> TrialResult:
        """The hold as a :class:`~stridelab.balance.trial.TrialResult`.

        ``measures`` stays empty: keypoint sway is not centre-of-pressure sway, so the
        force-plate sway findings do not apply. For
        :func:`~stridelab.balance.findings.single_leg_findings`.
        """
        return TrialResult(file=self.path_.name, eyes=self.eyes, stance="single",
                           leg=self.leg_, fs_hz=self.fps_,
                           duration_s=len(self.foot_height_leg_) / self.fps_,
                           hold_time_s=round(self.hold_time_s_, 3),
                           held_to_end=self.held_to_end_, warnings=list(self.warnings_))

    def to_dict(self) -> dict:
        """The results as plain values (for a report or a JSON summary)."""
        return {"file": self.path_.name, "eyes": self.eyes, "view": self.view_,
                "stance_leg": self.leg_, "lift_off_s": round(self.lift_off_s_, 3),
                "touch_down_s": None if self.touch_down_s_ is None
                else round(self.touch_down_s_, 3),
                "hold_time_s": round(self.hold_time_s_, 3), "ended_by": self.ended_by_,
                "sway": {k: round(v, 5) for k, v in self.sway_.items()},
                "warnings": list(self.warnings_)}


def sway_measures(xy: np.ndarray, fs: float, part: str) -> dict[str, float]:
    """RMS and range (mean removed) per axis and path per second of a ``(n, 2)`` track.

    Parameters
    ----------
    xy
        Positions in body heights.
    fs
        Frame rate, Hz.
    part
        Name prefix of the measures.
    """
    ok = np.isfinite(xy).all(axis=1)
    xy = xy[ok]
    if len(xy) < 2:
        return {}
    centred = xy - xy.mean(axis=0)
    path = float(np.linalg.norm(np.diff(xy, axis=0), axis=1).sum())
    out = {f"{part}_path_bh_s": path / ((len(xy) - 1) / fs)}
    for k, axis in enumerate("xy"):
        out[f"{part}_rms_{axis}_bh"] = float(np.sqrt(np.mean(centred[:, k] ** 2)))
        out[f"{part}_range_{axis}_bh"] = float(np.ptp(centred[:, k]))
    return out


def count_corrections(x: np.ndarray, fs: float) -> dict[str, float]:
    """Corrections: peaks of the sideways speed above ``balance.video.correction_speed_body_s``.

    A run of frames faster than the threshold is one correction.

    Parameters
    ----------
    x
        Sideways position in body heights (image x).
    fs
        Frame rate, Hz.
    """
    if np.isfinite(x).sum() < 3:
        return {}
    speed = np.abs(np.gradient(x)) * fs
    fast = np.nan_to_num(speed, nan=0.0) > threshold("balance.video.correction_speed_body_s")
    n = len(true_runs(fast))
    return {"corrections": float(n), "corrections_per_s": n / (len(x) / fs)}


def compare_legs(left: SingleLegStanceTest, right: SingleLegStanceTest) -> dict[str, float]:
    """Left/right difference of two trials, one on each leg (right minus left).

    Returns
    -------
    dict
        ``hold_time_diff_s``, ``hold_time_si_pct`` (Robinson 1987 symmetry index) and the
        differences of the sway measures both trials have (``<measure>_diff``).

    Raises
    ------
    ValueError
        When the two trials do not stand on the left and on the right leg.
    """
    if (left.leg_, right.leg_) != ("L", "R"):
        raise ValueError(f"need a left and a right stance trial, got {left.leg_} and "
                         f"{right.leg_}")
    out = {"hold_time_diff_s": right.hold_time_s_ - left.hold_time_s_,
           "hold_time_si_pct": robinson_si(left.hold_time_s_, right.hold_time_s_)}
    for key in sorted(set(left.sway_) & set(right.sway_)):
        out[f"{key}_diff"] = right.sway_[key] - left.sway_[key]
    return out


def _other(side: str) -> str:
    return "R" if side == "L" else "L"


def _travel(kp: Keypoints, side: str) -> float:
    """Image path of a foot's ankle over the clip, px: the stance foot's is the shorter."""
    xy = kp.point(f"{side}_ankle")
    return float(np.nansum(np.linalg.norm(np.diff(xy, axis=0), axis=1)))


def _leg_px(kp: Keypoints) -> float:
    from stridelab.pose.scene import leg_length_px

    return leg_length_px(kp)


def _view(kp: Keypoints, leg_px: float) -> str:
    from stridelab.pose.scene import detect_view

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return "side" if detect_view(kp, leg_px) == "side" else "front"
