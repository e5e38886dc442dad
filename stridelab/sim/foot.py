"""Sagittal foot kinematics of the synthetic runner (engine frame, treadmill frame).

The foot is a rigid body with a posterior sole point ``P_h`` (heel) and a toe tip ``P_t`` one
foot length ``L`` ahead along the sole. Its pose is ``(x_h, y_h, theta)``: the position of
``P_h`` and the pitch ``theta`` (positive = toe up). A point ``(u, v)`` of the foot frame
(``u`` forward along the sole from ``P_h``, ``v`` up from the sole) lies at
``x = x_h + u cos(theta) - v sin(theta)``, ``y = y_h + u sin(theta) + v cos(theta)``.

Stance (initial contact IC to toe-off TO, phase ``p`` in [0, 1], the belt moving backwards):

* ``0 <= p < 0.15``: heel rocker, rotation about ``P_h`` on the ground from ``THETA_IC`` to 0;
* ``0.15 <= p < 0.6``: flat foot translating with the belt;
* ``0.6 <= p <= 1``: toe rocker from 0 to ``THETA_TO``: the shoe's rounded toe (a circle of
  radius ``TOE_RADIUS`` centred ``TOE_RADIUS`` above ``P_t``) rolls on the ground, so its centre
  stays at height ``TOE_RADIUS`` and the foot pivots over the toes as a real forefoot does.

The rotations follow a smoothstep, so the pitch rate is zero at IC and TO and the lowest sole
point is exactly at ``y = 0`` throughout stance.

Swing (TO to the next IC of the same foot, ``s`` in [0, 1], ``ss`` = smoothstep):
``theta = THETA_TO + (THETA_IC - THETA_TO) ss(s)``, the bottom of the toe circle at
``b = toe_drop(THETA_IC) ss(s) + SWING_HEIGHT sin(pi s)`` and ``y_h = b - toe_drop(theta)``
(``toe_drop(theta) = L sin(theta) + R (cos(theta) - 1)``: bottom of the toe circle above
``P_h``), and
``x_h`` is a cubic that leaves ``P_h`` at its TO position with the belt velocity (so the foot
is C1 in x at TO), reaches the landing point ``landing_x`` and arrives there retracting
(moving backwards relative to the pelvis at ``RETRACTION_MS``): the foot passes a most-forward
point shortly before IC. The sole leaves and meets the ground at ``pi SWING_HEIGHT / T_swing``
(about 1 m/s for running and walking).
"""

from __future__ import annotations

import numpy as np

FOOT_LENGTH = 0.26
"""Sole length ``L`` from ``P_h`` to ``P_t`` in metres."""
THETA_IC = np.deg2rad(10.0)
"""Foot pitch at initial contact (toe up), radians."""
THETA_TO = np.deg2rad(-35.0)
"""Foot pitch at toe-off (heel up), radians."""
HEEL_ROCKER_END = 0.15
TOE_ROCKER_START = 0.6
SWING_HEIGHT = 0.15
"""Amplitude ``H`` of the sine bump of the toe-tip height during swing, metres."""
TOE_RADIUS = 0.03
"""Radius of the shoe's rounded toe that rolls on the ground in the toe rocker, metres."""
RETRACTION_MS = 2.0
"""Backward speed of ``P_h`` relative to the pelvis at IC (foot retraction), m/s."""

# Foot-frame marker positions (u forward, v up, lateral offset; + = away from the midline).
FOOT_MARKERS: dict[str, tuple[float, float, float]] = {
    "Heel.Bottom": (0.0, 0.03, 0.0),
    "Heel.Lateral": (0.01, 0.035, 0.035),
    "Heel.Top": (0.01, 0.08, 0.0),
    "MT1": (0.77 * FOOT_LENGTH, 0.03, -0.025),
    "MT5": (0.77 * FOOT_LENGTH, 0.03, 0.035),
}
ANKLE_IN_FOOT = (0.05, 0.08)
"""Ankle joint centre ``(u, v)`` in the foot frame."""


def toe_drop(theta: np.ndarray | float) -> np.ndarray | float:
    """Height of the bottom of the toe circle above ``P_h`` at pitch ``theta``."""
    return FOOT_LENGTH * np.sin(theta) + TOE_RADIUS * (np.cos(theta) - 1.0)


def _toe_rocker_heel(belt: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``P_h`` while the toe circle rolls on the ground (its centre at height ``R``)."""
    r = TOE_RADIUS
    centre_x = belt + FOOT_LENGTH - r * theta  # rolling: the centre advances by R |dtheta|
    x_h = centre_x - (FOOT_LENGTH * np.cos(theta) - r * np.sin(theta))
    y_h = r - (FOOT_LENGTH * np.sin(theta) + r * np.cos(theta))
    return x_h, y_h


def smoothstep(s: np.ndarray) -> np.ndarray:
    """Cubic ease ``3 s^2 - 2 s^3`` of ``s`` clipped to [0, 1]."""
    s = np.clip(s, 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


def foot_pose(t: np.ndarray, ic: np.ndarray, to: np.ndarray, speed: float,
              landing_x: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pose of one foot in the treadmill frame at times ``t``.

    Parameters
    ----------
    t
        Sample times in seconds.
    ic, to
        Initial-contact and toe-off times of this foot, sorted, covering ``t`` with at least
        one stance before the first and one IC after the last sample.
    speed
        Belt speed in m/s (the ground moves towards -x).
    landing_x
        Forward position of ``P_h`` at IC, relative to the pelvis centre.

    Returns
    -------
    tuple of numpy.ndarray
        ``x_h``, ``y_h`` (position of ``P_h``) and ``theta`` (pitch, radians), each like ``t``.
    """
    t = np.asarray(t, dtype=float)
    k = np.searchsorted(ic, t, side="right") - 1
    if k.min() < 0 or k.max() + 1 >= len(ic):
        raise ValueError("the stance list does not cover the requested times")
    t_ic, t_to, t_next = ic[k], to[k], ic[k + 1]
    ct = t_to - t_ic
    stance = t < t_to
    x_h, y_h, theta = np.empty_like(t), np.zeros_like(t), np.empty_like(t)

    # Stance.
    p = (t - t_ic) / ct
    belt = landing_x - speed * (t - t_ic)  # ground point under P_h at IC, moving back
    th_heel = THETA_IC * (1.0 - smoothstep(p / HEEL_ROCKER_END))
    th_toe = THETA_TO * smoothstep((p - TOE_ROCKER_START) / (1.0 - TOE_ROCKER_START))
    th_st = np.where(p < TOE_ROCKER_START, th_heel, th_toe)
    x_rock, y_rock = _toe_rocker_heel(belt, th_st)
    x_st = np.where(p < TOE_ROCKER_START, belt, x_rock)
    y_st = np.where(p < TOE_ROCKER_START, 0.0, y_rock)
    x_h[stance], y_h[stance], theta[stance] = x_st[stance], y_st[stance], th_st[stance]

    # Swing.
    sw = ~stance
    t_sw = t_next - t_to
    s = (t - t_to) / t_sw
    ss = smoothstep(s)
    th_sw = THETA_TO + (THETA_IC - THETA_TO) * ss
    y_toe = toe_drop(THETA_IC) * ss + SWING_HEIGHT * np.sin(np.pi * s)
    x_to = _toe_rocker_heel(landing_x - speed * ct, np.asarray(THETA_TO))[0]
    m0 = -speed * t_sw  # dx/ds at TO: P_h keeps the belt velocity (pitch rate is zero)
    m1 = -RETRACTION_MS * t_sw  # dx/ds at IC: retracting
    x_sw = (x_to + (landing_x - x_to) * ss + m0 * s * (1.0 - s) ** 2
            + m1 * s * s * (s - 1.0))
    x_h[sw], theta[sw] = x_sw[sw], th_sw[sw]
    y_h[sw] = (y_toe - toe_drop(th_sw))[sw]
    return x_h, y_h, theta


def foot_point(x_h: np.ndarray, y_h: np.ndarray, theta: np.ndarray, u: float,
               v: float) -> tuple[np.ndarray, np.ndarray]:
    """Sagittal position ``(x, y)`` of the foot-frame point ``(u, v)``."""
    c, s = np.cos(theta), np.sin(theta)
    return x_h + u * c - v * s, y_h + u * s + v * c


def sole_height(y_h: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Height of the lowest sole point: the lower of ``P_h`` and the bottom of the toe circle."""
    return np.minimum(y_h, y_h + toe_drop(theta))
