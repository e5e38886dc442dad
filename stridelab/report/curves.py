"""Joint-angle curves over the normalised stride (0-100 %, initial contact to the next).

Each stride of one side (``ic_s`` to ``next_ic_s`` in ``strides.csv``) is resampled to the same
number of points by linear interpolation in time, the usual time normalisation of gait curves
(Winter 2009, Biomechanics and Motor Control of Human Movement, 4th ed., ch. 1), and the
strides are averaged point by point (mean and SD).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SIDED_ANGLES: dict[str, str] = {
    "knee_flexion_deg": "Knee flexion",
    "hip_flexion_deg": "Hip flexion",
    "thigh_angle_deg": "Thigh angle",
    "ankle_dorsiflexion_deg": "Ankle dorsiflexion",
    "shank_angle_deg": "Shin angle",
    "foot_inclination_deg": "Foot angle",
}
"""Per-side channels of ``angles.csv`` (``L_`` / ``R_`` prefix), in the order shown."""


@dataclass(frozen=True)
class StrideCurve:
    """Mean and SD of one channel of one side over the normalised stride."""

    pct: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    n_strides: int
    stance_pct: float


def stride_curve(angles: pd.DataFrame, strides: pd.DataFrame, column: str, side: str,
                 n_points: int = 101) -> StrideCurve | None:
    """Normalise ``angles[column]`` to the strides of ``side`` and average them.

    Parameters
    ----------
    angles
        ``angles.csv``: ``time_s`` and the channel, on the clock of ``strides``.
    strides
        ``strides.csv``: ``side``, ``ic_s``, ``next_ic_s`` and ``to_s`` per stance.
    column
        Channel of ``angles`` to normalise.
    side
        ``"L"`` or ``"R"``.
    n_points
        Points from 0 to 100 % of the stride.

    Returns
    -------
    StrideCurve or None
        ``None`` when no complete stride of that side lies inside the recording of the channel.
    """
    if column not in angles.columns:
        return None
    data = angles[["time_s", column]].dropna().sort_values("time_s")
    if len(data) < 2:
        return None
    t, y = data["time_s"].to_numpy(float), data[column].to_numpy(float)
    rows = strides[(strides["side"] == side)].dropna(subset=["ic_s", "next_ic_s"])
    rows = rows[(rows["ic_s"] >= t[0]) & (rows["next_ic_s"] <= t[-1])
                & (rows["next_ic_s"] > rows["ic_s"])]
    if rows.empty:
        return None
    pct = np.linspace(0.0, 100.0, n_points)
    curves = np.array([np.interp(ic + pct / 100.0 * (nxt - ic), t, y)
                       for ic, nxt in zip(rows["ic_s"], rows["next_ic_s"], strict=True)])
    stance = np.nan
    if "to_s" in rows:
        stance = float(np.nanmean(100.0 * (rows["to_s"] - rows["ic_s"])
                                  / (rows["next_ic_s"] - rows["ic_s"])))
    sd = curves.std(axis=0, ddof=1) if len(curves) > 1 else np.zeros(n_points)
    return StrideCurve(pct, curves.mean(axis=0), sd, len(curves), stance)


def available_channels(angles: pd.DataFrame | None) -> list[str]:
    """The sided channels of :data:`SIDED_ANGLES` that ``angles`` has for at least one side."""
    if angles is None:
        return []
    return [name for name in SIDED_ANGLES
            if f"L_{name}" in angles.columns or f"R_{name}" in angles.columns]
