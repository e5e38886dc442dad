"""Initial contact and toe-off from foot-worn inertial sensors, running and walking.

The foot's pitch angular velocity ``w`` (rotation about the body z axis, the runner's right;
positive: the toes go up, see :mod:`stridelab.io.imu`) has one large positive peak per
stride, in mid-swing, when the foot swings forward and turns from plantar flexion after
toe-off to dorsiflexion before the next contact. Between two mid-swing peaks lies one
stance, found from the features Falbriard et al. 2018 (Front Physiol 9:610,
doi:10.3389/fphys.2018.00610; 41 runners on an instrumented treadmill) found most precise:
minima of the pitch angular velocity, one at landing and one at push-off (precision 2 +/- 1
and 4 +/- 2 ms; contact-time bias within 12 +/- 10 ms, speed-dependent). Walking has the
same structure: Rampp et al. 2015 (IEEE TBME 62:1089, doi:10.1109/TBME.2014.2368211;
gaitmap's ``RamppEventDetection``) take the heel strike at the minimum after the swing and
the toe-off at the minimum before it. The features are defined here in our body frame (after
:func:`stridelab.io.imu_align.align_to_body`), the same for both feet, and timed as follows
(:func:`cycle_minima`):

* **initial contact** (IC): after a **forefoot** landing the landing minimum itself (the
  foot's toes-down rotation stopped by the ground; +3 ms against the force plate on a
  forefoot runner); after a **heel** landing, where the minimum is the fastest foot slap
  after contact, the zero crossing of ``w`` before it (the foot's rotation reversed by
  the ground at heel contact; +3/+6 ms against motion capture on gaitmap's walking example,
  where the minimum came +43/+52 ms late). Which landing a foot makes is told from the
  rotation after its landing minimum (:func:`landing_of`);
* **toe-off** (TO): the steepest fall of the foot's upward specific force within
  ``imu.foot.to_window_s`` after the push-off minimum (:func:`unloading`; the minimum
  itself came 16-22 ms before the plate's toe-off).

The activity is named from the detector's own evidence: the duty factor (contact time over
stride time) of the detected contacts, running below ``gait.activity.duty_factor_running_max``
(a flight phase; Novacheck 1998, Gait Posture 7:77), walking at or above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

from stridelab.errors import InputFileError
from stridelab.io.imu import ImuRecording
from stridelab.signal import lowpass, stride_period
from stridelab.thresholds import given_or_default, threshold

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only

FOOT_POSITIONS = ("left_foot", "right_foot")
"""The positions this detector reads."""


def check_imu(imu: ImuRecording, positions: tuple[str, ...], what: str) -> list[str]:
    """The positions of ``positions`` that ``imu`` has, after checking what a detector needs.

    Parameters
    ----------
    imu
        The recording given to ``detect``.
    positions
        Positions the detector can read (at least one needed).
    what
        The detector's sensors, in words, for the message ("foot", "shank").

    Returns
    -------
    list of str
        The positions present, with a gyroscope, in the body frame.

    Raises
    ------
    TypeError
        When ``imu`` is not an :class:`~stridelab.io.imu.ImuRecording`.
    InputFileError
        When no such sensor is present, one lacks a gyroscope, or one is not in the body frame.
    """
    if not isinstance(imu, ImuRecording):
        raise TypeError(f"detect() needs a stridelab ImuRecording, got {type(imu).__name__}")
    present = [p for p in positions if p in imu.sensors]
    if not present:
        have = ", ".join(imu.positions) or "none"
        raise InputFileError(imu.path, f"no {what} sensor (has {have}): cannot find {what} "
                             "events")
    for pos in present:
        s = imu.sensors[pos]
        if s.gyr is None:
            raise InputFileError(imu.path, f"the {pos} sensor has no gyroscope: {what} events "
                                 "need one")
        if s.frame != "body":
            raise InputFileError(imu.path, f"the {pos} sensor is in the {s.frame!r} frame, not "
                                 "the body frame: align it first "
                                 "(stridelab.io.imu_align.align_to_body)")
    return present


def refine_extremum(y: np.ndarray, i: int) -> float:
    """Sub-sample position of the extremum at ``i`` (parabola through three samples)."""
    if i <= 0 or i >= len(y) - 1:
        return float(i)
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    if den == 0:
        return float(i)
    return float(i + np.clip(0.5 * (a - c) / den, -0.5, 0.5))


def swing_peaks(w: np.ndarray, fs: float, min_peak: float, min_stride_s: float,
                max_stride_s: float) -> np.ndarray:
    """Indices of the mid-swing peaks of a sagittal angular velocity ``w`` (deg/s).

    Peaks above ``min_peak`` at least ``imu.foot.peak_spacing_periods`` (60 %) of the
    dominant stride period apart (the period
    from the signal's autocorrelation, :func:`stridelab.signal.stride_period`), so the
    smaller positive bumps of stance are not taken; none without a rhythm in
    ``[min_stride_s, max_stride_s]``.
    """
    period = stride_period(np.nan_to_num(w), fs, min_stride_s, max_stride_s)
    if period is None:
        return np.array([], dtype=int)
    spacing = threshold("imu.foot.peak_spacing_periods")
    peaks, props = find_peaks(np.nan_to_num(w, nan=-np.inf), height=min_peak,
                              distance=max(1, int(spacing * period * fs)),
                              prominence=threshold("imu.foot.peak_prominence_share") * min_peak)
    return peaks


def cycle_minima(w: np.ndarray, peaks: np.ndarray, fs: float, max_cycle: float,
                 min_contact: float) -> list[dict[str, float]]:
    """The landing and push-off features of each mid-swing-to-mid-swing cycle.

    ``w`` is the sagittal (pitch) angular velocity, deg/s, positive toes up. Per cycle:

    * ``landing_min_s``: the first local minimum once ``w`` has turned negative after the
      mid-swing peak (Falbriard et al. 2018's IC feature; Rampp et al. 2015's heel-strike
      minimum): the foot's toes-down rotation is fastest there;
    * ``zero_s``: where ``w`` crossed zero, going down, just before that minimum;
    * ``after_deg``: the toes-down rotation still to come after the minimum, until the
      highest pitch rate of the stance (the foot flat, or its heel down);
    * ``push_off_s``: the push-off minimum: the first local minimum at least
      ``min_contact`` seconds after the landing minimum (the landing's rebound makes minima
      just after it) and at least half as deep as the deepest one before the next mid-swing
      peak (a swing-phase dip of the foot, deeper at times, comes after it).

    Falbriard et al. split the cycle at its middle instead; at 3.5 m/s the push-off starts
    before the middle, so its slope would be taken for IC. Minima are refined between
    samples by a parabola, the zero crossing by a line. Cycles longer than ``max_cycle``
    times the median cycle (a lost stride) are skipped.
    """
    out: list[dict[str, float]] = []
    if len(peaks) < 2:
        return out
    med = np.median(np.diff(peaks))
    for p0, p1 in zip(peaks[:-1], peaks[1:], strict=True):
        if p1 - p0 > max_cycle * med:
            continue
        seg = w[p0:p1]
        below = np.flatnonzero(seg < 0)
        minima, _ = find_peaks(-seg)
        minima = minima[minima > below[0]] if len(below) else minima[:0]
        if len(minima) < 1:
            continue
        land = int(minima[0])
        later = minima[minima >= land + min_contact * fs]
        if not len(later) or seg[later].min() >= 0:
            continue
        deep = later[seg[later] <= 0.5 * seg[later].min()]
        to = int(deep[0])
        flat = land + int(np.argmax(seg[land:to]))
        k = land
        while k > 0 and seg[k] < 0:
            k -= 1
        zero = k + seg[k] / (seg[k] - seg[k + 1]) if seg[k] >= 0 else float(land)
        out.append({"landing_min_s": (p0 + refine_extremum(seg, land)) / fs,
                    "zero_s": (p0 + zero) / fs,
                    "after_deg": float(-seg[land:flat].sum() / fs),
                    "push_off_s": (p0 + refine_extremum(seg, to)) / fs})
    return out


def landing_of(cycles: list[dict[str, float]], heel_deg: float) -> str:
    """``"heel"`` or ``"forefoot"``: how one foot lands, from all its cycles.

    After a heel landing the foot slaps down: its toes-down rotation goes on for 10-25
    degrees after its fastest point (the landing minimum) until the foot is flat. After a
    forefoot (or flat, midfoot) landing the ground stops that rotation at contact, and the
    heel drops (toes-up): at most a few degrees follow. The median over the foot's cycles
    is compared with ``heel_deg`` (a runner lands alike stride after stride; one stride's
    value is disturbed by a turn or a misaligned axis).
    """
    return "heel" if np.median([c["after_deg"] for c in cycles]) > heel_deg else "forefoot"


def unloading(up: np.ndarray, fs: float, start_s: float, window_s: float) -> float:
    """Time (s) of the steepest fall of the upward specific force ``up`` after ``start_s``.

    Searched within ``window_s`` after the push-off minimum of the pitch angular velocity:
    the ground stops pushing the foot up, the foot's normal specific force falls fastest at
    the end of contact. A jerk feature like Handsaker et al. 2016's toe-off (vertical jerk
    peak of a toe marker, +2.1 ms against force plates, J Biomech 49:4128,
    doi:10.1016/j.jbiomech.2016.10.013), read from the sensor's own accelerometer.
    ``start_s`` itself when the window holds too few samples or no finite value.
    """
    jerk = np.gradient(up) * fs
    i0 = int(np.ceil(start_s * fs))
    i1 = min(int(np.floor((start_s + window_s) * fs)) + 1, len(up) - 1)
    if i1 - i0 < 3 or not np.isfinite(jerk[i0:i1]).any():
        return start_s
    k = i0 + int(np.nanargmin(jerk[i0:i1]))
    return refine_extremum(jerk, k) / fs


def sagittal_swing(imu: ImuRecording, pos: str, lowpass_hz: float, min_peak: float,
                   min_stride_s: float, max_stride_s: float) -> tuple[np.ndarray, np.ndarray]:
    """A sensor's low-passed sagittal angular velocity (deg/s) and its mid-swing peaks.

    The shared first step of the foot and shank detectors (:func:`swing_peaks`).
    """
    w = lowpass(imu.sensors[pos].gyr[:, 2], imu.fs, lowpass_hz)
    return w, swing_peaks(w, imu.fs, min_peak, min_stride_s, max_stride_s)


def contact_rows(imu: ImuRecording, pos: str, events: list[tuple[float, float]],
                 warnings: list[str], **columns: object) -> list[dict]:
    """One row per ``(ic_s, to_s)`` of a sensor (``to > ic``), its side and ``columns``.

    With no event at all, a warning that the sensor shows no gait is appended to
    ``warnings``.
    """
    if not events:
        warnings.append(f"{imu.path.name}: {pos}: no running or walking found (no regular "
                        f"swing of the {pos.split('_')[-1]})")
    side = imu.sensors[pos].side or "?"
    return [{"side": side, "ic_s": ic, "to_s": to, **columns} for ic, to in events if to > ic]


def contacts_table(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """The contacts of every sensor in time order."""
    return pd.DataFrame(rows, columns=columns).sort_values("ic_s", ignore_index=True)


def name_activity(contacts: pd.DataFrame) -> tuple[str | None, float]:
    """``("running"|"walking", duty factor)`` from contacts of one or both feet.

    The duty factor is the median contact time over the median stride time (IC to the next
    IC of the same foot); ``(None, nan)`` with fewer than two contacts of a foot.
    """
    ratios = []
    for _, c in contacts.groupby("side"):
        if len(c) < 2:
            continue
        stride = np.diff(c["ic_s"].to_numpy())
        ratios.append(np.median(c["to_s"] - c["ic_s"]) / np.median(stride))
    if not ratios:
        return None, float("nan")
    df = float(np.mean(ratios))
    running = df < threshold("gait.activity.duty_factor_running_max")
    return ("running" if running else "walking"), df


class FootImuEventDetection:
    """Initial contacts and toe-offs from foot-worn IMUs (Falbriard et al. 2018).

    Follows the contact-detector contract of :class:`~stridelab.gait.base.EventDetector`, but
    ``detect`` takes an :class:`~stridelab.io.imu.ImuRecording` with its foot sensors in the
    body frame. Parameters left at ``None`` take the threshold table's value.

    Parameters
    ----------
    lowpass_hz
        Zero-lag low-pass cut-off applied to the pitch angular velocity, Hz (default
        ``imu.foot.lowpass_hz``).
    min_swing_peak_dps
        Smallest mid-swing peak of pitch angular velocity, deg/s (default
        ``imu.foot.min_swing_peak_dps``): lower peaks are not steps.
    min_stride_s, max_stride_s
        Range of stride periods looked for, s (defaults ``imu.foot.min_stride_s``,
        ``imu.foot.max_stride_s``).
    to_window_s
        Toe-off is searched this long after the push-off minimum of the pitch angular
        velocity, s (default ``imu.foot.to_window_s``).
    min_contact_s
        Shortest contact: toe-off is searched this long after IC at the earliest, s
        (default ``imu.foot.min_contact_s``).
    heel_landing_deg
        A foot whose toes-down rotation goes on by more than this after its landing minimum
        (median over its strides) lands on the heel, deg (default
        ``imu.foot.heel_landing_deg``; see :func:`landing_of`).

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (from the sensor's position), ``ic_s``,
        ``to_s``, and ``landing`` (``"heel"`` or ``"forefoot"``, per foot: which rule timed
        IC, see :func:`landing_of`).
    activity_
        ``"running"``, ``"walking"`` or ``None`` (no contacts), from the duty factor.
    duty_factor_
        The duty factor behind ``activity_``.
    warnings_
        Problems found (no gait found on a foot).
    source_
        Where the events come from, in words.
    """

    SOURCE = "foot IMU (pitch angular velocity, Falbriard 2018; toe-off at the foot's unloading)"

    def __init__(self, lowpass_hz: float | None = None, min_swing_peak_dps: float | None = None,
                 min_stride_s: float | None = None, max_stride_s: float | None = None,
                 to_window_s: float | None = None, min_contact_s: float | None = None,
                 heel_landing_deg: float | None = None) -> None:
        self.to_window_s = given_or_default(to_window_s, "imu.foot.to_window_s")
        self.min_contact_s = given_or_default(min_contact_s, "imu.foot.min_contact_s")
        self.heel_landing_deg = given_or_default(heel_landing_deg, "imu.foot.heel_landing_deg")
        self.lowpass_hz = given_or_default(lowpass_hz, "imu.foot.lowpass_hz")
        self.min_swing_peak_dps = given_or_default(min_swing_peak_dps,
                                                   "imu.foot.min_swing_peak_dps")
        self.min_stride_s = given_or_default(min_stride_s, "imu.foot.min_stride_s")
        self.max_stride_s = given_or_default(max_stride_s, "imu.foot.max_stride_s")

    def detect(self, imu: ImuRecording) -> Self:
        """Find the contacts of each foot sensor of ``imu``.

        Parameters
        ----------
        imu
            Foot sensors (``left_foot`` and/or ``right_foot``) with gyroscopes, in the body
            frame.

        Returns
        -------
        Self
            This detector, with ``contacts_``, ``activity_``, ``duty_factor_``, ``warnings_``
            and ``source_`` set.

        Raises
        ------
        InputFileError
            When there is no foot sensor, it lacks a gyroscope, or it is not in the body
            frame.
        """
        feet = check_imu(imu, FOOT_POSITIONS, "foot")
        self.warnings_: list[str] = []
        self.source_ = self.SOURCE
        rows = []
        for pos in feet:
            w, peaks = sagittal_swing(imu, pos, self.lowpass_hz, self.min_swing_peak_dps,
                                      self.min_stride_s, self.max_stride_s)
            cycles = cycle_minima(w, peaks, imu.fs, threshold("imu.foot.max_cycle_periods"),
                                  self.min_contact_s)
            up = lowpass(imu.sensors[pos].acc[:, 1], imu.fs, self.lowpass_hz)
            landing = landing_of(cycles, self.heel_landing_deg) if cycles else ""
            key = "zero_s" if landing == "heel" else "landing_min_s"
            events = [(c[key], unloading(up, imu.fs, c["push_off_s"], self.to_window_s))
                      for c in cycles]
            rows += contact_rows(imu, pos, events, self.warnings_, landing=landing)
        self.contacts_ = contacts_table(rows, ["side", "ic_s", "to_s", "landing"])
        self.activity_, self.duty_factor_ = name_activity(self.contacts_)
        return self
