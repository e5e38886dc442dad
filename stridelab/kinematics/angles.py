"""Joint and segment angles over time from landmarks in the engine frame.

Sagittal angles (side view, motion capture) use x forward and y up; frontal angles (rear view,
motion capture) use z right and y up. A segment's angle is measured from the vertical, positive
when its distal end is ahead of (sagittal) or to the right of (frontal) its proximal end.

Conventions, as in Souza 2016 (Phys Med Rehabil Clin N Am 27:217) for 2D running analysis:

- ``knee_flexion`` = thigh angle - shank angle (0 = straight leg, + = flexed).
- ``shank_angle`` = shank from vertical, + when the ankle is ahead of the knee.
- ``foot_inclination`` = heel-to-toe line from horizontal, + = toes up.
- ``trunk_lean`` = hip-centre-to-shoulder-centre line from vertical, + = leaning forward.
- ``pelvic_obliquity`` = left-to-right hip line from horizontal, + = right side higher.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.io.recording import Recording


def _get(rec: Recording, *names: str) -> np.ndarray | None:
    for name in names:
        if rec.has(name):
            return rec.landmark(name)
    return None


def segment_angle(proximal: np.ndarray, distal: np.ndarray, axis: int = 0) -> np.ndarray:
    """Angle (deg) of the segment proximal -> distal from the downward vertical.

    ``axis`` is the horizontal axis of the plane (0 sagittal: forward, 2 frontal: right).
    """
    d = distal - proximal
    return np.degrees(np.arctan2(d[:, axis], -d[:, 1]))


def sagittal_angles(rec: Recording) -> pd.DataFrame:
    """Sagittal-plane angle time series (deg) that the recording's landmarks allow."""
    out: dict[str, np.ndarray] = {"time_s": rec.time}
    for s in "LR":
        hip = _get(rec, f"{s}_hip", f"{s}_thigh_top")
        knee_top = _get(rec, f"{s}_knee", f"{s}_thigh_bottom")
        knee_bottom = _get(rec, f"{s}_knee", f"{s}_shank_top")
        ankle = _get(rec, f"{s}_ankle", f"{s}_shank_bottom")
        if hip is not None and knee_top is not None:
            thigh = segment_angle(hip, knee_top)
            out[f"{s}_thigh_angle_deg"] = thigh
        if knee_bottom is not None and ankle is not None:
            shank = segment_angle(knee_bottom, ankle)
            out[f"{s}_shank_angle_deg"] = shank
            if f"{s}_thigh_angle_deg" in out:
                out[f"{s}_knee_flexion_deg"] = out[f"{s}_thigh_angle_deg"] - shank
        heel, toe = _get(rec, f"{s}_heel"), _get(rec, f"{s}_toe")
        if heel is not None and toe is not None:
            d = toe - heel
            out[f"{s}_foot_inclination_deg"] = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    hips, shoulders = _get(rec, "pelvis"), _get(rec, "shoulders")
    if hips is not None and shoulders is not None:
        d = shoulders - hips
        out["trunk_lean_deg"] = np.degrees(np.arctan2(d[:, 0], d[:, 1]))
    if hips is not None:
        out["pelvis_height_m"] = hips[:, 1]
    return pd.DataFrame(out)


def frontal_angles(rec: Recording) -> pd.DataFrame:
    """Frontal-plane angle time series (deg): pelvic obliquity and knee frontal angles."""
    out: dict[str, np.ndarray] = {"time_s": rec.time}
    left, right = _get(rec, "L_pelvis", "L_hip"), _get(rec, "R_pelvis", "R_hip")
    if left is not None and right is not None:
        d = right - left
        out["pelvic_obliquity_deg"] = np.degrees(np.arctan2(d[:, 1], d[:, 2]))
    for s, medial in (("L", 1.0), ("R", -1.0)):
        hip, knee, ankle = _get(rec, f"{s}_hip"), _get(rec, f"{s}_knee"), _get(rec, f"{s}_ankle")
        if hip is None or knee is None or ankle is None:
            continue
        thigh = segment_angle(hip, knee, axis=2)
        shank = segment_angle(knee, ankle, axis=2)
        # frontal-plane projection angle: + when the knee sits medial of the hip-ankle line
        out[f"{s}_knee_frontal_angle_deg"] = medial * (thigh - shank)
    return pd.DataFrame(out)
