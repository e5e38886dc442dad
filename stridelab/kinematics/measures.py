"""Per-stance kinematic measures at the gait events, and their summary metrics.

Side view and motion capture (Souza 2016, Phys Med Rehabil Clin N Am 27:217): trunk lean
(mean over the stride and at mid-stance), foot inclination at initial contact (relative to
standing where a static trial is found) and the foot-strike pattern (the strike index where a
force plate gives one, else the foot angle; :mod:`stridelab.kinematics.foot_strike`), shank
angle at IC,
overstride (heel ahead of the hip at IC, relative to leg length), knee flexion at IC and its
peak in stance, vertical oscillation of the pelvis. Rear view and motion capture: contralateral
pelvic drop (peak in stance, from the trial's median obliquity; Bramah 2018, Am J Sports Med
46:3023), step width and cross-over (foot at IC relative to the pelvis midline), knee
frontal-plane projection angle (peak in stance).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.io.recording import Recording
from stridelab.kinematics.angles import frontal_angles, sagittal_angles
from stridelab.kinematics.foot_strike import (
    classify_strikes,
    find_static_trial,
    read_standing_reference,
    strike_indices,
)


def _at(series: np.ndarray, t: float, fs: float) -> float:
    i = t * fs
    if not np.isfinite(i) or i < 0 or i > len(series) - 1:
        return np.nan
    return float(np.interp(i, np.arange(len(series)), series))


def _window(series: np.ndarray, t0: float, t1: float, fs: float) -> np.ndarray:
    if not (np.isfinite(t0) and np.isfinite(t1)):
        return np.array([])
    return series[max(int(np.ceil(t0 * fs)), 0):int(np.floor(t1 * fs)) + 1]


def _peak(values: np.ndarray) -> float:
    return float(np.nanmax(values)) if np.isfinite(values).any() else np.nan


def leg_length_m(rec: Recording) -> float:
    """Hip-to-ankle length: 90th percentile of thigh + shank over the trial (NaN if unknown)."""
    parts = []
    for s in "LR":
        if rec.has(f"{s}_hip") and rec.has(f"{s}_knee") and rec.has(f"{s}_ankle"):
            parts.append(np.linalg.norm(rec.landmark(f"{s}_hip") - rec.landmark(f"{s}_knee"),
                                        axis=1)
                         + np.linalg.norm(rec.landmark(f"{s}_knee") - rec.landmark(f"{s}_ankle"),
                                          axis=1))
    if parts:
        return float(np.nanpercentile(np.concatenate(parts), 90))
    if rec.has("pelvis") and rec.has("L_heel") and rec.has("R_heel"):
        # markers without joint centres: pelvis-marker height above the floor (ASIS height is
        # ~0.55 H against a hip-to-floor leg of ~0.53 H; Winter 2009, Fig. 4.1)
        floor = np.nanpercentile(np.concatenate([rec.landmark(f"{s}_heel")[:, 1] for s in "LR"]),
                                 2)
        return float(np.nanmedian(rec.landmark("pelvis")[:, 1]) - floor)
    return float("nan")


class StanceKinematics:
    """Per-stance form measures at the gait events, and the angle time series behind them.

    Parameters
    ----------
    view
        ``"side"``, ``"rear"`` or ``"both"`` (3D motion capture); ``None``: the recording's
        ``axes["view"]`` (video), else ``"both"``.
    static
        The runner's static (standing) trial, to reference the foot angle to standing:
        ``"auto"`` finds it beside a C3D recording (:func:`~stridelab.kinematics.foot_strike.
        find_static_trial`), a path names it, ``None`` keeps the angle against the floor.

    Attributes
    ----------
    measures_
        One row per stance (same index as the strides table): the side-view measures
        (trunk lean, foot inclination, ``foot_strike`` with ``foot_strike_method`` and
        ``strike_index``, shank angle, knee flexion, overstride, vertical oscillation) and the
        rear-view ones (pelvic drop, knee frontal angle, lateral foot position,
        ``crossover``, step width) the view allows. ``measures_.attrs["derived"]`` says how
        a measure was derived where it matters (the foot angle relative to standing).
    static_
        The static trial used (``None``: none found or given, or unreadable).
    standing_foot_deg_
        Each foot's heel-to-toe angle in the static trial, deg (empty without one).
    angles_
        Angle time series (``time_s`` and one column per angle).
    view_
        The view measured for.
    """

    def __init__(self, view: str | None = None, static: str | Path | None = "auto") -> None:
        self.view = view
        self.static = static

    def calculate(self, strides: pd.DataFrame, rec: Recording) -> StanceKinematics:
        """Measure every stance of ``strides`` in ``rec`` (engine frame); returns ``self``."""
        self.view_ = self.view or rec.axes.get("view", "both")
        self.static_, self.standing_foot_deg_ = self._standing(rec)
        index = strike_indices(strides, rec) if rec.plates else None
        self.measures_, self.angles_ = stance_measures(strides, rec, self.view_, index,
                                                       self.standing_foot_deg_)
        if self.standing_foot_deg_:
            self.measures_.attrs["derived"] = {
                "foot_inclination_ic_deg": _standing_words(self.static_,
                                                           self.standing_foot_deg_)}
        return self

    def _standing(self, rec: Recording) -> tuple[Path | None, dict[str, float]]:
        """The static trial and its standing foot angles (none for 2D inputs)."""
        if self.static is None or self.view_ != "both":
            return None, {}
        if self.static == "auto":
            path = find_static_trial(rec.path) if rec.path.suffix.lower() == ".c3d" else None
        else:
            path = Path(self.static)
        standing = read_standing_reference(path, rec) if path is not None else {}
        return (path if standing else None), standing


def _standing_words(path: Path | None, standing: dict[str, float]) -> str:
    """How the foot angle was referenced, for the metric's ``derived``."""
    sides = ", ".join(f"{'left' if s == 'L' else 'right'} {v:.1f} deg"
                      for s, v in sorted(standing.items()))
    name = path.name if path is not None else "the static trial"
    return (f"heel-to-toe line at initial contact relative to standing: minus its angle in "
            f"{name} ({sides})")


def _side_view_row(r, s: str, sag: pd.DataFrame, rec: Recording, pelvis, leg: float) -> dict:
    """Trunk, foot, shank, knee, overstride and vertical oscillation of one stance."""
    fs, row = rec.fs, {}
    if "trunk_lean_deg" in sag:
        lean = sag["trunk_lean_deg"].to_numpy()
        row["trunk_lean_deg"] = float(np.nanmean(_window(lean, r.ic_s, r.next_ic_s, fs)))\
            if np.isfinite(r.next_ic_s) else np.nan
        row["trunk_lean_midstance_deg"] = _at(lean, getattr(r, "takeoff_start_s", np.nan), fs)
    col = f"{s}_foot_inclination_deg"
    if col in sag:
        row["foot_inclination_ic_deg"] = _at(sag[col].to_numpy(), r.ic_s, fs)
    col = f"{s}_shank_angle_deg"
    if col in sag:
        row["shank_angle_ic_deg"] = _at(sag[col].to_numpy(), r.ic_s, fs)
    col = f"{s}_knee_flexion_deg"
    if col in sag:
        knee = sag[col].to_numpy()
        row["knee_flexion_ic_deg"] = _at(knee, r.ic_s, fs)
        row["knee_flexion_peak_stance_deg"] = _peak(_window(knee, r.ic_s, r.to_s, fs))
    if pelvis is not None and rec.has(f"{s}_heel"):
        ahead = _at(rec.landmark(f"{s}_heel")[:, 0] - pelvis[:, 0], r.ic_s, fs)
        row["overstride_cm"] = 100 * ahead
        row["overstride_ratio"] = ahead / leg if np.isfinite(leg) else np.nan
    if pelvis is not None and np.isfinite(r.next_ic_s):
        # one step: this IC to the other foot's IC
        t_end = getattr(r, "contralateral_ic_s", np.nan)
        h = _window(pelvis[:, 1], r.ic_s, t_end, fs)
        row["vertical_oscillation_cm"] = 100 * float(np.ptp(h)) \
            if len(h) > 2 and np.isfinite(h).all() else np.nan
    return row


def _rear_view_row(r, s: str, fro: pd.DataFrame, rec: Recording, pelvis, obliq,
                   baseline: float) -> dict:
    """Pelvic drop, knee frontal angle and the foot's lateral position of one stance."""
    fs, row = rec.fs, {}
    if obliq is not None:
        o = _window(obliq.to_numpy() - baseline, r.ic_s, r.to_s, fs)
        # stance on the right: the left (unsupported) side drops = right side higher
        row["pelvic_drop_deg"] = _peak(o if s == "R" else -o)
    col = f"{s}_knee_frontal_angle_deg"
    if col in fro:
        row["knee_frontal_angle_deg"] = _peak(_window(fro[col].to_numpy(), r.ic_s, r.to_s, fs))
    foot = f"{s}_ankle" if rec.has(f"{s}_ankle") else f"{s}_foot"
    if pelvis is not None and rec.has(foot):
        lateral = _at(rec.landmark(foot)[:, 2] - pelvis[:, 2], r.ic_s, fs)
        row["foot_lateral_cm"] = 100 * lateral
        # crossing: the right foot lands on or left of the midline, or the reverse
        row["crossover"] = float(lateral <= 0) if s == "R" else float(lateral >= 0)
    return row


def stance_measures(strides: pd.DataFrame, rec: Recording, view: str = "both",
                    strike_index: pd.Series | None = None,
                    standing: dict[str, float] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-stance measures, and the angle time series they came from.

    Parameters
    ----------
    strides
        Per-stance table with ``side``, ``ic_s``, ``to_s``, ``next_ic_s``, ``midstance_start_s``
        and ``takeoff_start_s`` (mid-stance instant).
    rec
        Recording in the engine frame.
    view
        ``"side"``, ``"rear"`` or ``"both"`` (motion capture: 3D).
    strike_index
        Each stance's strike index from a force plate (:func:`~stridelab.kinematics.
        foot_strike.strike_indices`); ``None``: none.
    standing
        Each foot's angle when standing (deg): the foot angle is referenced to it.
    """
    sag = sagittal_angles(rec) if view in ("side", "both") else pd.DataFrame()
    fro = frontal_angles(rec) if view in ("rear", "both") else pd.DataFrame()
    angles = sag.merge(fro, on="time_s") if len(sag) and len(fro) else (sag if len(sag) else fro)
    leg = leg_length_m(rec)
    pelvis = rec.landmark("pelvis") if rec.has("pelvis") else None
    obliq = fro.get("pelvic_obliquity_deg") if len(fro) else None
    baseline = float(np.nanmedian(obliq)) if obliq is not None else np.nan
    rows = []
    for r in strides.itertuples():
        row = _side_view_row(r, r.side, sag, rec, pelvis, leg) if len(sag) else {}
        if len(fro):
            row.update(_rear_view_row(r, r.side, fro, rec, pelvis, obliq, baseline))
        rows.append(row)
    per = pd.DataFrame(rows, index=strides.index)
    index = strike_index if strike_index is not None else pd.Series(np.nan, index=per.index)
    if "foot_inclination_ic_deg" in per or index.notna().any():
        per = classify_strikes(per, strides, index, standing or {})
    if "foot_lateral_cm" in per:
        lat = per["foot_lateral_cm"].to_numpy()
        # step width: lateral distance between this contact and the previous (other foot)
        per["step_width_cm"] = np.abs(lat - np.roll(lat, 1))
        per.loc[per.index[0], "step_width_cm"] = np.nan
    return per, angles
