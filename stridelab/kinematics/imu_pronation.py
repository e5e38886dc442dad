"""A pronation proxy from a foot gyroscope: eversion excursion and peak eversion velocity.

RunScribe's foot-pod motion metrics (runscribe.com/metrics; definitions given by RunScribe on
community.runscribe.com) are

* **pronation excursion**: the range of motion of the foot in the frontal plane from foot
  strike to the point of maximum pronation, degrees;
* **maximum pronation velocity**: the peak angular velocity of that eversion, deg/s.

Both come from the gyroscope alone: the roll rate (about the foot's forward axis, body x) is
integrated from initial contact, so no orientation filter or magnetometer is needed and the
few tenths of a second integrated keep bias drift to a fraction of a degree. Koldenhoven &
Hertel 2018 (Digit Biomark 2:74; 12 runners, treadmill, against 3D
motion capture) found excellent agreement (ICC) for the maximum pronation velocity and only
fair for the pronation excursion, with values not interchangeable between the systems: the
evidence is **weak**. A rotation about the foot's own long axis is not the rearfoot angle
(calcaneus against the shank) that the injury studies measure (e.g. Pohl et al. 2008,
J Biomech 41:1160); it is a proxy, associated with, not equal to, rearfoot eversion.

Sign (body frame of :mod:`stridelab.io.imu`: x forward, y up, z to the runner's right; a
positive roll about x lowers the right side). Eversion turns the sole outwards: the medial
border goes down. The medial side of the **left** foot is its right side (+z), so eversion
is a positive roll; the medial side of the **right** foot is its left side (-z), so eversion
is a negative roll. Eversion (pronation) is reported positive for both feet:
``eversion_rate = +gyr_x`` (left), ``-gyr_x`` (right).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stridelab.io.imu import ImuRecording
from stridelab.signal import lowpass
from stridelab.thresholds import given_or_default

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only

MEASURES = ("eversion_excursion_deg", "peak_eversion_velocity_dps")
"""The columns of :attr:`PronationProxy.measures_`."""

FOOT_OF = {"L": "left_foot", "R": "right_foot"}
"""The foot sensor of each side."""

EVERSION_SIGN = {"L": 1.0, "R": -1.0}
"""Sign turning a body-frame roll rate into an eversion rate, per side (see the module)."""


def eversion_rate(gyr_x: np.ndarray, side: str) -> np.ndarray:
    """Eversion angular velocity (deg/s, eversion positive) from the body-frame roll rate."""
    return EVERSION_SIGN[side] * np.asarray(gyr_x, dtype=float)


def stance_eversion(rate: np.ndarray, fs: float, ic_s: float, to_s: float
                    ) -> tuple[float, float]:
    """Excursion (deg) and peak velocity (deg/s) of eversion in one stance.

    The eversion angle is the trapezoidal integral of ``rate`` from IC (angle 0 at IC); the
    excursion is its largest value before TO (0 when the foot only inverts), the peak
    velocity the largest ``rate`` from IC to that maximum (RunScribe's pronation phase).
    NaN when the stance lies outside the signal or holds fewer than three samples.
    """
    i0, i1 = int(np.ceil(ic_s * fs)), int(np.floor(to_s * fs)) + 1
    if not (np.isfinite(ic_s) and np.isfinite(to_s)) or i0 < 0 or i1 > len(rate) \
            or i1 - i0 < 3:
        return float("nan"), float("nan")
    seg = rate[i0:i1]
    if not np.isfinite(seg).all():
        return float("nan"), float("nan")
    angle = np.concatenate([[0.0], np.cumsum(0.5 * (seg[1:] + seg[:-1]) / fs)])
    k = int(np.argmax(angle))
    excursion = float(max(angle[k], 0.0))
    peak = float(np.max(seg[:k + 1]))
    return excursion, peak


class PronationProxy:
    """Eversion excursion and peak eversion velocity per stance from foot gyroscopes.

    Parameters
    ----------
    lowpass_hz
        Zero-lag low-pass cut-off of the roll rate, Hz (default
        ``imu.pronation.lowpass_hz``).

    Attributes
    ----------
    measures_
        One row per stance (the index of the strides table given): ``eversion_excursion_deg``
        and ``peak_eversion_velocity_dps`` (NaN without that foot's sensor or its stance
        outside the recording).
    warnings_
        Problems met (a side without a foot gyroscope).
    """

    def __init__(self, lowpass_hz: float | None = None) -> None:
        self.lowpass_hz = given_or_default(lowpass_hz, "imu.pronation.lowpass_hz")

    def calculate(self, strides: pd.DataFrame, imu: ImuRecording) -> Self:
        """Compute the proxy for each stance of ``strides``.

        Parameters
        ----------
        strides
            One row per stance with ``side`` (``"L"``/``"R"``), ``ic_s`` and ``to_s`` (the
            strides or contacts table).
        imu
            The recording, foot sensors in the body frame.

        Returns
        -------
        Self
            This object, with ``measures_`` and ``warnings_`` set.
        """
        self.warnings_: list[str] = []
        out = pd.DataFrame(np.nan, index=strides.index, columns=list(MEASURES))
        for side, pos in FOOT_OF.items():
            rows = strides[strides["side"] == side]
            if rows.empty:
                continue
            sensor = imu.sensors.get(pos)
            if sensor is None or sensor.gyr is None or sensor.frame != "body":
                self.warnings_.append(f"{imu.path.name}: no {pos} gyroscope in the body frame: "
                                      f"no pronation proxy for side {side}")
                continue
            rate = eversion_rate(lowpass(sensor.gyr[:, 0], imu.fs, self.lowpass_hz), side)
            for idx, row in rows.iterrows():
                out.loc[idx, list(MEASURES)] = stance_eversion(rate, imu.fs, row["ic_s"],
                                                               row["to_s"])
        self.measures_ = out
        return self


def foot_roll_deg(orientation: np.ndarray) -> np.ndarray:
    """Roll of a segment against the ground (deg; positive: its right side down).

    From its body axes in the engine frame ``(n, 3, 3)`` (columns x, y, z; e.g. a motion
    capture cluster's pose, :attr:`stridelab.sim.virtual_imu.VirtualImu.orientation_`): the
    angle of the segment's z axis below the horizontal.
    """
    z_up = np.clip(orientation[:, 1, 2], -1.0, 1.0)
    return np.degrees(-np.arcsin(z_up))
