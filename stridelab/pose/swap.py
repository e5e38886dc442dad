"""Undo left/right label swaps of the legs (and arms) in 2D keypoints.

Pose detectors label a limb ``L`` or ``R`` frame by frame; in a side view the legs cross
twice per stride and BlazePose and OpenPose then often swap the labels for a few frames
(Stenum et al. 2021, PLoS Comput Biol 17:e1008935, correct such left/right swaps of OpenPose
side-view gait video before analysis). A wrong label makes
each trajectory jump to the other leg's path: where the legs cross, positions stay continuous
but the velocities do not (one foot moves forward in swing, the other backward in stance).

The fix chooses, for every frame, whether to exchange the L and R points of a group (e.g. knee,
or ankle + heel + toe) by minimising over the whole clip

``sum_t sum_l |P(t) - 2 P(t-l) + P(t-2l)| fps / (l leg) + penalty * (time relabelled)``

over lags ``l = 1, 2``: the jumps in each labelled point's velocity in leg lengths per second
(``leg`` the median hip-ankle length in pixels); the penalty keeps the detector's labels where
the data do not clearly say otherwise. The exact minimum is found by dynamic programming
(Viterbi) over the last four decisions, at about 30 frames per second (in a faster clip
every ``round(fps / 30)``-th frame; each frame in between then takes the labels that fit the
decided paths around it). Short gaps are bridged for the cost only, and a relabelled stretch in
which L and R never separate is dropped: there the labels change nothing.
"""

from __future__ import annotations

import numpy as np

from stridelab.pose.keypoints import Keypoints
from stridelab.signal import fill_gaps, true_runs
from stridelab.thresholds import threshold

DEFAULT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("hip",), ("knee",), ("ankle", "heel", "toe"), ("shoulder",), ("elbow", "wrist"),
)
"""Point groups relabelled together (names without the ``L_``/``R_`` prefix)."""

MAX_LAG = 2
"""Velocity jumps are measured over 1 and 2 frames: the longer baseline lets a single noisy
frame at a leg crossing weigh less than a real reversal of both legs."""
DECISION_FPS = 30.0
"""Continuity is judged at about 30 frames per second (every ``round(fps / 30)``-th frame of a
faster clip): second differences of closer frames amplify keypoint noise until it hides the
velocity jump of a wrong label."""


def leg_length_px(kp: Keypoints) -> float:
    """Median hip-ankle distance in pixels over both legs and all frames (NaN if unknown)."""
    lengths = []
    for side in "LR":
        if kp.has(f"{side}_hip") and kp.has(f"{side}_ankle"):
            d = np.linalg.norm(kp.point(f"{side}_hip") - kp.point(f"{side}_ankle"), axis=1)
            lengths.append(d)
    if not lengths:
        return float("nan")
    all_d = np.concatenate(lengths)
    all_d = all_d[np.isfinite(all_d)]
    return float(np.median(all_d)) if len(all_d) else float("nan")


def _bridge(x: np.ndarray, max_frames: int) -> np.ndarray:
    """Linearly bridge interior NaN runs up to ``max_frames`` long, per column of ``(n, ...)``.

    Only used to compute continuity costs: a missing frame at a leg crossing must not hide
    the velocity jump a wrong label makes there.
    """
    return fill_gaps(x, fs=1.0, max_gap_s=max_frames, kind="linear")


def _viterbi_swaps(left: np.ndarray, right: np.ndarray, scale: float, penalty: float,
                   max_lag: int = MAX_LAG) -> np.ndarray:
    """Per-frame swap decision for one group ``(n, m, 2)`` of L and R points.

    The cost of a labelling sums, over lags ``l = 1..max_lag``, the velocity jumps
    ``|P(t) - 2 P(t-l) + P(t-2l)| / l`` of both labelled tracks (``scale`` turns pixels per
    frame into leg lengths/s), plus ``penalty`` per relabelled frame. Viterbi over the states
    ``(s(t-2 max_lag + 1), ..., s(t))`` finds the exact minimum.
    """
    n = len(left)
    width = 2 * max_lag + 1  # frames in one cost term
    if n < width:
        return np.zeros(n, dtype=bool) if max_lag == 1 else _viterbi_swaps(
            left, right, scale, penalty, max_lag=1)
    # labelled tracks: track A is L when not swapped, R when swapped; track B the other one
    tracks = (np.stack([left, right], axis=1), np.stack([right, left], axis=1))  # (n, s, m, 2)
    n_pat = 1 << width  # pattern bit j = decision at frame t - j
    cost = np.zeros((n, n_pat))
    for lag in range(1, max_lag + 1):
        combo = np.zeros((2, 2, 2, n))  # [s(t), s(t-lag), s(t-2 lag), t]
        for p in tracks:
            acc = (p[2 * lag:, None, None, :] - 2.0 * p[lag:-lag, None, :, None]
                   + p[:-2 * lag, :, None, None])  # (n-2lag, c2, c1, c0, m, 2)
            mag = np.nansum(np.linalg.norm(acc, axis=-1), axis=-1) * scale / lag
            combo[..., 2 * lag:] += np.moveaxis(mag, 0, -1).transpose(2, 1, 0, 3)
        for pat in range(n_pat):
            cost[:, pat] += combo[pat & 1, (pat >> lag) & 1, (pat >> (2 * lag)) & 1]
    n_state = 1 << (width - 1)  # state bit j = decision at frame t - j
    ones = np.array([bin(i).count("1") for i in range(n_state)], dtype=float)
    dp = penalty * ones  # decisions for frames 0 .. width-2
    ns = np.arange(n_state)
    prev = [(ns >> 1) | (o << (width - 2)) for o in (0, 1)]
    pat = [ns | (o << (width - 1)) for o in (0, 1)]
    back = np.zeros((n, n_state), dtype=np.int8)
    for t in range(width - 1, n):
        options = np.stack([dp[prev[o]] + cost[t, pat[o]] for o in (0, 1)])
        back[t] = np.argmin(options, axis=0)
        dp = options.min(axis=0) + penalty * (ns & 1)
    states = np.zeros(n, dtype=bool)
    cur = int(np.argmin(dp))
    for j in range(width - 1):
        states[n - 1 - j] = bool((cur >> j) & 1)
    for t in range(n - 1, width - 2, -1):
        o = int(back[t, cur])
        states[t - (width - 1)] = bool(o)
        cur = (cur >> 1) | (o << (width - 2))
    return states


def _group_states(left: np.ndarray, right: np.ndarray, fps: float, leg: float,
                  penalty: float) -> np.ndarray:
    """Per-frame swap decision for one group (``(n, m, 2)`` L and R points, gaps bridged).

    Every ``round(fps / DECISION_FPS)``-th frame is decided by :func:`_viterbi_swaps`; each
    frame in between takes the labels that fit the decided path (interpolated between the
    decided frames around it) better.
    """
    step = max(1, int(round(fps / DECISION_FPS)))
    rate = fps / step
    sampled = np.arange(0, len(left), step)
    decided = _viterbi_swaps(left[sampled], right[sampled], rate / leg, penalty / rate)
    if step == 1:
        return decided
    pa = np.where(decided[:, None, None], right[sampled], left[sampled])
    pb = np.where(decided[:, None, None], left[sampled], right[sampled])
    frames = np.arange(len(left))
    k0 = frames // step
    k1 = np.minimum(k0 + 1, len(sampled) - 1)
    w = np.where(k1 > k0, (frames - sampled[k0]) / step, 0.0)[:, None, None]
    ref_a = (1.0 - w) * pa[k0] + w * pa[k1]
    ref_b = (1.0 - w) * pb[k0] + w * pb[k1]

    def dist(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.nansum(np.linalg.norm(p - q, axis=-1), axis=-1)

    own = dist(left, ref_a) + dist(right, ref_b)
    crossed = dist(right, ref_a) + dist(left, ref_b)
    nearest = decided[np.minimum(np.rint(frames / step).astype(int), len(sampled) - 1)]
    states = np.where(crossed < own, True, np.where(crossed > own, False, nearest))
    states[sampled] = decided
    return states


class LeftRightSwapFixer:
    """Detect and undo L/R label swaps by trajectory continuity.

    Parameters
    ----------
    penalty
        Cost of relabelling one second of a group against the detector, in leg lengths/s per s
        (threshold ``pose.clean.swap_penalty``).
    min_separation
        A relabelled stretch is kept only if somewhere in it the L and R points lie further
        apart than this share of the leg length (``pose.clean.swap_min_separation``): where
        they coincide (both hips in a side view) the labels do not matter and noise alone
        would decide.
    bridge_s
        Gaps up to this long are bridged linearly when computing the continuity cost
        (``pose.clean.max_gap_s``).
    groups
        Point groups (names without side prefix) relabelled together.

    Attributes
    ----------
    keypoints_
        The corrected keypoints.
    swapped_
        ``(n_frames, n_groups)`` whether each group was relabelled in each frame.
    n_swaps_
        Number of relabelled stretches (runs of consecutive frames with any group relabelled).
    n_swapped_frames_
        Frames in which at least one group was relabelled.
    """

    def __init__(self, penalty: float | None = None, min_separation: float | None = None,
                 bridge_s: float | None = None,
                 groups: tuple[tuple[str, ...], ...] = DEFAULT_GROUPS) -> None:
        self.penalty = threshold("pose.clean.swap_penalty") if penalty is None else penalty
        self.min_separation = (threshold("pose.clean.swap_min_separation")
                               if min_separation is None else min_separation)
        self.bridge_s = threshold("pose.clean.max_gap_s") if bridge_s is None else bridge_s
        self.groups = groups

    def fix(self, kp: Keypoints) -> LeftRightSwapFixer:
        """Relabel the swapped frames of ``kp``.

        Parameters
        ----------
        kp
            Keypoints (gated: low-confidence points already NaN).
        """
        xy, conf = kp.xy.copy(), kp.conf.copy()
        leg = leg_length_px(kp)
        self.swapped_ = np.zeros((kp.n_frames, len(self.groups)), dtype=bool)
        if np.isfinite(leg) and leg > 0:
            for g, group in enumerate(self.groups):
                pairs = [(kp.index(f"L_{p}"), kp.index(f"R_{p}")) for p in group
                         if f"L_{p}" in kp.names and f"R_{p}" in kp.names]
                if not pairs:
                    continue
                li, ri = [p[0] for p in pairs], [p[1] for p in pairs]
                bridge = max(1, int(round(self.bridge_s * kp.fps)))
                left, right = _bridge(kp.xy[:, li], bridge), _bridge(kp.xy[:, ri], bridge)
                states = _group_states(left, right, kp.fps, leg, self.penalty)
                sep = np.linalg.norm(kp.xy[:, li] - kp.xy[:, ri], axis=2)
                sep = np.where(np.isfinite(sep), sep, 0.0).max(axis=1)
                for start, end in true_runs(states):
                    if not (sep[start:end] > self.min_separation * leg).any():
                        states[start:end] = False
                self.swapped_[:, g] = states
                for a, b in pairs:
                    xy[states, a], xy[states, b] = kp.xy[states, b], kp.xy[states, a]
                    conf[states, a], conf[states, b] = kp.conf[states, b], kp.conf[states, a]
        any_group = self.swapped_.any(axis=1)
        self.n_swaps_ = len(true_runs(any_group))
        self.n_swapped_frames_ = int(any_group.sum())
        self.keypoints_ = kp.with_data(xy, conf)
        return self
