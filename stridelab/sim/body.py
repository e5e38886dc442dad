"""Pelvis and leg markers of the synthetic runner (engine frame, treadmill frame).

The pelvis centre sits at ``x = 0`` and ``PELVIS_HEIGHT`` with a vertical oscillation of
``2 * PELVIS_BOUNCE`` peak to peak, lowest at every mid-stance. The hip lies ``HIP_LATERAL``
to the side of and ``HIP_BELOW`` under the pelvis centre; the knee follows from two-link
inverse kinematics in the sagittal plane (knee in front of the hip-ankle line; the leg is
straightened when the ankle is out of reach).
"""

from __future__ import annotations

import numpy as np

PELVIS_HEIGHT = 0.95
PELVIS_BOUNCE = 0.02
HIP_LATERAL = 0.09
HIP_BELOW = 0.05
THIGH_LENGTH = 0.45
SHANK_LENGTH = 0.45
CLUSTER_OFFSET = 0.06
"""Lateral / medial distance of the thigh and shank markers from the segment axis."""

# name: (dx, dy, lateral offset; + = away from the midline), relative to the pelvis centre.
PELVIS_MARKERS: dict[str, tuple[float, float, float]] = {
    "ASIS": (0.06, 0.0, 0.12),
    "PSIS": (-0.06, 0.0, 0.12),
    "Iliac.Crest": (0.0, 0.07, 0.15),
}


def pelvis_height(t: np.ndarray, midstance: np.ndarray) -> np.ndarray:
    """Pelvis-centre height, lowest at each of the sorted ``midstance`` times."""
    k = np.clip(np.searchsorted(midstance, t, side="right") - 1, 0, len(midstance) - 2)
    phase = (t - midstance[k]) / (midstance[k + 1] - midstance[k])
    return PELVIS_HEIGHT - PELVIS_BOUNCE * np.cos(2.0 * np.pi * phase)


def knee_position(hip: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """Sagittal knee position ``(n, 2)`` from hip and ankle ``(n, 2)`` (x forward, y up)."""
    d = ankle - hip
    dist = np.linalg.norm(d, axis=1, keepdims=True)
    unit = d / np.maximum(dist, 1e-12)
    forward = np.column_stack([-unit[:, 1], unit[:, 0]])  # unit rotated so that down -> +x
    reach = THIGH_LENGTH + SHANK_LENGTH
    dist = np.minimum(dist, reach)
    along = (dist**2 + THIGH_LENGTH**2 - SHANK_LENGTH**2) / (2.0 * dist)
    across = np.sqrt(np.maximum(THIGH_LENGTH**2 - along**2, 0.0))
    return hip + along * unit + across * forward


def leg_markers(side: str, hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray,
                z: float) -> dict[str, np.ndarray]:
    """Thigh and shank cluster markers ``(n, 3)`` of one leg.

    Parameters
    ----------
    side
        ``"L"`` or ``"R"``.
    hip, knee, ankle
        Sagittal joint positions ``(n, 2)``.
    z
        Lateral position of the leg's plane (``+`` = right).
    """
    lateral = 1.0 if side == "R" else -1.0
    out = {}
    for seg, top, bottom in (("Thigh", hip, knee), ("Shank", knee, ankle)):
        for level, frac in (("Top", 0.25), ("Bottom", 0.75)):
            xy = top + frac * (bottom - top)
            for face, sign in (("Lateral", 1.0), ("Medial", -1.0)):
                zz = np.full(len(xy), z + sign * lateral * CLUSTER_OFFSET)
                out[f"{side}.{seg}.{level}.{face}"] = np.column_stack([xy, zz])
    return out


def pelvis_markers(height: np.ndarray) -> dict[str, np.ndarray]:
    """Pelvis markers ``(n, 3)`` around a centre at ``x = 0`` and the given heights."""
    out = {}
    for side, lateral in (("L", -1.0), ("R", 1.0)):
        for name, (dx, dy, dz) in PELVIS_MARKERS.items():
            n = len(height)
            out[f"{side}.{name}"] = np.column_stack(
                [np.full(n, dx), height + dy, np.full(n, lateral * dz)])
    return out
