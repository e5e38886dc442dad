"""Initial contact and toe-off from shank-worn inertial sensors.

The shank's sagittal angular velocity (rotation about the body z axis, the runner's right;
positive: the distal end swings forward) peaks once per stride in mid-swing. The common
shank-gyroscope rule (Aminian et al. 2002, J Biomech 35:689, for walking; evaluated for
running against force plates by Kiernan et al. 2023, Sensors 23:5022, 74 runners) takes

* **initial contact** (IC) as the first marked minimum after the mid-swing peak: the shank's
  forward swing is arrested and reversed at landing. Kiernan et al. found shank IC methods
  of this kind late by about 17 ms on average (limits of agreement -97 to +132 ms);
* **toe-off** (TO) near the end of stance, where the shank stops rotating forward over the
  foot and the knee flexes into swing. The rule's "minimum before the next mid-swing peak"
  comes in early swing, after the foot has left the ground (Kiernan et al.'s TC limits are
  about +/-150 ms); this detector takes instead the steepest fall of the angular velocity
  after its stance maximum (the largest backward angular acceleration, when the knee
  starts to flex), searched between that maximum and the swing minimum.

Single shank sensors are unbiased on average but imprecise per step (science.md §1.4):
report means over many steps. The activity is named from the duty factor as in
:mod:`stridelab.gait.imu_foot`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.signal import find_peaks

from stridelab.gait.imu_foot import (
    check_imu,
    contact_rows,
    contacts_table,
    name_activity,
    refine_extremum,
    sagittal_swing,
)
from stridelab.io.imu import ImuRecording
from stridelab.thresholds import given_or_default, threshold

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only

SHANK_POSITIONS = ("left_shank", "right_shank")
"""The positions this detector reads."""


def shank_events(w: np.ndarray, peaks: np.ndarray, fs: float, min_contact: float,
                 max_cycle: float | None = None) -> list[tuple[float, float]]:
    """IC and TO (s) per mid-swing-to-mid-swing cycle of a shank angular velocity ``w``.

    IC: the first local minimum once ``w`` has turned negative after the mid-swing peak.
    TO: the steepest fall of ``w`` between its highest value after IC (the late-stance
    maximum) and the swing minimum (the deepest local minimum at least ``min_contact``
    seconds after IC: the landing's rebound makes minima just after it). Cycles longer than
    ``max_cycle`` median cycles (default ``imu.foot.max_cycle_periods``) are skipped.
    """
    if max_cycle is None:
        max_cycle = threshold("imu.foot.max_cycle_periods")
    out: list[tuple[float, float]] = []
    if len(peaks) < 2:
        return out
    med = np.median(np.diff(peaks))
    dw = np.gradient(w)
    for p0, p1 in zip(peaks[:-1], peaks[1:], strict=True):
        if p1 - p0 > max_cycle * med:
            continue
        seg = w[p0:p1]
        below = np.flatnonzero(seg < 0)
        minima, _ = find_peaks(-seg)
        minima = minima[minima > below[0]] if len(below) else minima[:0]
        if not len(minima):
            continue
        ic = int(minima[0])
        later = minima[minima >= ic + min_contact * fs]
        if not len(later):
            continue
        swing_min = int(later[np.argmin(seg[later])])
        if swing_min - ic < 3:
            continue
        top = ic + int(np.argmax(seg[ic:swing_min]))
        fall = top + int(np.argmin(dw[p0 + top:p0 + swing_min]))
        ic_s = (p0 + refine_extremum(seg, ic)) / fs
        out.append((ic_s, (p0 + refine_extremum(dw[p0:p1], fall)) / fs))
    return out


class ShankImuEventDetection:
    """Initial contacts and toe-offs from shank-worn IMUs (shank gyroscope rule).

    Follows the contact-detector contract of :class:`~stridelab.gait.base.EventDetector`, but
    ``detect`` takes an :class:`~stridelab.io.imu.ImuRecording` with its shank sensors in the
    body frame. Parameters left at ``None`` take the threshold table's value.

    Parameters
    ----------
    lowpass_hz
        Zero-lag low-pass cut-off of the angular velocity, Hz (default
        ``imu.shank.lowpass_hz``).
    min_swing_peak_dps
        Smallest mid-swing peak counted as a stride, deg/s (default
        ``imu.shank.min_swing_peak_dps``).
    min_stride_s, max_stride_s
        Range of stride periods looked for, s (defaults ``imu.foot.min_stride_s``,
        ``imu.foot.max_stride_s``).
    min_contact_s
        Shortest contact: the swing minimum is searched this long after IC at the earliest,
        s (default ``imu.foot.min_contact_s``).

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (from the sensor's position), ``ic_s``,
        ``to_s``.
    activity_
        ``"running"``, ``"walking"`` or ``None``, from the duty factor.
    duty_factor_
        The duty factor behind ``activity_``.
    warnings_
        Problems found.
    source_
        Where the events come from, in words.
    """

    SOURCE = "shank IMU (sagittal angular velocity, Aminian 2002 / Kiernan 2023)"

    def __init__(self, lowpass_hz: float | None = None, min_swing_peak_dps: float | None = None,
                 min_stride_s: float | None = None, max_stride_s: float | None = None,
                 min_contact_s: float | None = None) -> None:
        self.lowpass_hz = given_or_default(lowpass_hz, "imu.shank.lowpass_hz")
        self.min_swing_peak_dps = given_or_default(min_swing_peak_dps,
                                                   "imu.shank.min_swing_peak_dps")
        self.min_stride_s = given_or_default(min_stride_s, "imu.foot.min_stride_s")
        self.max_stride_s = given_or_default(max_stride_s, "imu.foot.max_stride_s")
        self.min_contact_s = given_or_default(min_contact_s, "imu.foot.min_contact_s")

    def detect(self, imu: ImuRecording) -> Self:
        """Find the contacts of each shank sensor of ``imu``.

        Parameters
        ----------
        imu
            Shank sensors (``left_shank`` and/or ``right_shank``) with gyroscopes, in the
            body frame.

        Returns
        -------
        Self
            This detector, with ``contacts_``, ``activity_``, ``duty_factor_``, ``warnings_``
            and ``source_`` set.

        Raises
        ------
        InputFileError
            When there is no shank sensor, it lacks a gyroscope, or it is not in the body
            frame.
        """
        shanks = check_imu(imu, SHANK_POSITIONS, "shank")
        self.warnings_: list[str] = []
        self.source_ = self.SOURCE
        rows = []
        for pos in shanks:
            w, peaks = sagittal_swing(imu, pos, self.lowpass_hz, self.min_swing_peak_dps,
                                      self.min_stride_s, self.max_stride_s)
            events = shank_events(w, peaks, imu.fs, self.min_contact_s)
            rows += contact_rows(imu, pos, events, self.warnings_)
        self.contacts_ = contacts_table(rows, ["side", "ic_s", "to_s"])
        self.activity_, self.duty_factor_ = name_activity(self.contacts_)
        return self
