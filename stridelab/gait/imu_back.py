"""Running contacts from one lower-back (sacrum) inertial sensor.

A sensor near the centre of mass reads, along the vertical, the specific force of the trunk:
about the vertical ground reaction force over body mass (Newton's second law; the premise of
the sacral force estimates compared by Kiernan, Ng & Hawkins 2023, Sensors 23:8719). In the
flight phase of running the body is in free fall and the sensor reads about 0 g; from initial
contact to toe-off the foot loads it, up to 2-3 g. A contact is therefore the interval in
which the low-passed vertical specific force stays above a level set a fixed fraction of the
way from the record's own flight level (its 5th percentile) up to its mean (1 g over whole
steps: the vertical impulse equals body weight times time). Measuring from the flight level
makes the rule independent of a sensor offset, and of a sensor that is not at the centre of
mass and so reads below 0 g in flight (a pelvis point rotating with the trunk):

* initial contact (IC) is the upward crossing, toe-off (TO) the downward crossing, both
  interpolated between samples. This is the "unloaded" rule Kiernan et al. 2023 (Sensors
  23:5022, doi:10.3390/s23115022) implement for Auvinet et al.'s terminal contact (vertical
  acceleration back at free fall; Auvinet et al. 2002, Gait Posture 16:124, a lower-back
  accelerometer in walking), applied to both events as in the vertical-acceleration threshold
  of Patoz et al. 2022 (Sensors 22:784, doi:10.3390/s22030784; 100 runners, contact-time bias
  13 ms against an instrumented treadmill);
* the anteroposterior (AP) acceleration checks the direction of x: the ground brakes the
  body in the first half of each stance and propels it in the second (Cavanagh & Lafortune
  1980, J Biomech 13:397), and the trunk's AP acceleration dips at landing (the minimum that
  Lee, Mellifont & Burkett 2010, J Sci Med Sport 13:270, PMID 19574098,
  and Auvinet 2002 use to mark IC). When most contacts show the opposite (more forward
  acceleration in the first half), the x axis is reported as probably reversed;
* the side of each contact comes from the mediolateral (z, positive right) acceleration,
  low-passed at 10 Hz: the larger of its right and left peaks during the contact names the
  stance side (Lee et al. 2010, as implemented by Kiernan et al. 2023, 81.9 % of contacts
  right on 74 runners), and left and right then alternate, taking the assignment most
  contacts agree with. With a gyroscope, the roll angular velocity (about x) votes too: its
  mean over a contact is positive (the right side going down, as the swing-side pelvis rises
  again in late stance) for a right contact; this rule is derived, and checked only on a
  virtual pelvis IMU. Without a mediolateral signal (a two-axis record, a missing or flat z,
  no gyroscope), when the contacts disagree with alternation (a weak signal), or when the
  two signals disagree, every side is ``"?"``;
* walking has no flight phase: the vertical specific force oscillates around 1 g and never
  falls to free fall (Auvinet et al. 2002); a record whose flight level stays above
  ``imu.back.max_flight_g`` has no flights. A record with a step rhythm but no flights is
  named walking, one without a rhythm ``"unknown"``; neither gives contacts, and a warning
  says why.

Sensors away from the centre of mass and soft tissue make single steps imprecise (Kiernan et
al. 2023: sacrum limits of agreement about +/-120 ms for IC over 74 runners); report means
over many steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.gait.base import CONTACT_COLUMNS
from stridelab.io.imu import G, ImuRecording
from stridelab.signal import lowpass, stride_period, threshold_crossings
from stridelab.thresholds import given_or_default, threshold

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only



class BackImuEventDetection:
    """Detect running contacts (IC, TO, side) from a lower-back accelerometer.

    Follows the :class:`~stridelab.gait.base.EventDetector` contract, on an
    :class:`~stridelab.io.imu.ImuRecording` in the body frame (x forward, y up, z right) with a
    ``lower_back`` sensor; the gyroscope is not needed. Parameters left at ``None`` take their
    value from the threshold table (keys ``imu.back.*``).

    Parameters
    ----------
    contact_fraction
        Where the contact level lies between the record's flight level (0) and its mean
        vertical specific force (1) (default ``imu.back.contact_fraction``).
    max_flight_g
        Highest flight level (5th percentile of the vertical specific force, g) that still
        counts as free fall; above it the record has no flights (default
        ``imu.back.max_flight_g``).
    lowpass_hz
        Cut-off of the zero-lag low-pass applied to the vertical and AP acceleration, Hz
        (default ``imu.back.lowpass_hz``).
    min_contact_s
        Shortest contact kept, s (default ``imu.back.min_contact_s``).
    min_flight_s
        Shortest dip below the contact level that counts as a flight; shorter dips inside a contact
        are bridged, s (default ``imu.back.min_flight_s``).
    min_side_agreement
        Share of contacts whose mediolateral peak must agree with the alternating left/right
        assignment for sides to be given (default ``imu.back.min_side_agreement``).

    Attributes
    ----------
    contacts_
        One row per contact in time order: ``side`` (``"L"``, ``"R"`` or ``"?"``), ``ic_s``,
        ``to_s`` (s from the start of the record), ``contact_ms``.
    activity_
        ``"running"``, ``"walking"`` or ``"unknown"``, from the signal.
    cadence_spm_
        Steps per minute from the median IC-to-IC time (NaN with fewer than two contacts).
    contact_time_ms_
        Median contact time, ms (NaN without contacts).
    duty_factor_
        Median contact time over stride time (two steps), NaN with fewer than three contacts.
    flight_g_, level_g_
        The record's flight level and the contact level used, g.
    sides_known_
        Whether the sides come from the data (``False``: all ``"?"``).
    side_source_
        The signal(s) the sides come from, in words (``None`` when unknown).
    side_agreement_
        Per signal, the share of contacts whose own vote fits the alternation chosen (the
        single-contact accuracy of that signal, when the alternation is right).
    warnings_
        Problems found, as sentences.
    source_
        Where the events come from, in words.
    """

    SOURCE = "lower-back IMU"
    """Where this detector's events come from, in words (the summary's ``source``)."""

    def __init__(self, contact_fraction: float | None = None,
                 max_flight_g: float | None = None, lowpass_hz: float | None = None,
                 min_contact_s: float | None = None, min_flight_s: float | None = None,
                 min_side_agreement: float | None = None) -> None:
        self.contact_fraction = given_or_default(contact_fraction,
                                                 "imu.back.contact_fraction")
        self.max_flight_g = given_or_default(max_flight_g, "imu.back.max_flight_g")
        self.lowpass_hz = given_or_default(lowpass_hz, "imu.back.lowpass_hz")
        self.min_contact_s = given_or_default(min_contact_s, "imu.back.min_contact_s")
        self.min_flight_s = given_or_default(min_flight_s, "imu.back.min_flight_s")
        self.min_side_agreement = given_or_default(min_side_agreement,
                                                   "imu.back.min_side_agreement")

    def detect(self, rec: ImuRecording) -> Self:
        """Find the contacts in ``rec``.

        Parameters
        ----------
        rec
            A recording with a ``lower_back`` sensor in the body frame (x forward, y up,
            z right; acc in m/s^2 with gravity). z may be NaN throughout (a two-axis sensor).

        Returns
        -------
        Self
            This detector, with ``contacts_``, ``activity_``, ``cadence_spm_``,
            ``contact_time_ms_``, ``duty_factor_``, ``sides_known_``, ``warnings_`` and
            ``source_`` set.

        Raises
        ------
        TypeError
            When ``rec`` is not an :class:`~stridelab.io.imu.ImuRecording`.
        InputFileError
            When it has no lower-back sensor, is not in the body frame, or its y axis does not
            carry gravity upwards.
        """
        acc = _check(rec)
        self.warnings_: list[str] = []
        self.source_ = self.SOURCE
        fs = rec.fs
        vert = lowpass(acc[:, 1] / G, fs, self.lowpass_hz)
        self.flight_g_ = float(np.nanpercentile(vert, threshold("imu.back.flight_percentile")))
        self.level_g_ = self.flight_g_ + self.contact_fraction * (float(np.nanmean(vert))
                                                                   - self.flight_g_)
        ics, tos = threshold_crossings(vert, fs, self.level_g_, self.min_contact_s,
                                       self.min_flight_s)
        if self.flight_g_ > self.max_flight_g:
            ics = tos = np.array([])
        self.activity_ = _activity(vert, fs, ics, tos)
        if self.activity_ != "running":
            ics = tos = np.array([])
            self.warnings_.append(_not_running_warning(rec, self.activity_))
        sides = np.full(len(ics), "?", dtype=object)
        self.sides_known_ = False
        self.side_source_: str | None = None
        self.side_agreement_: dict[str, float] = {}
        if len(ics):
            self._check_ap(rec, acc[:, 0] / G, ics, tos)
            gyr = rec.sensors["lower_back"].gyr
            sides = self._sides(rec, acc[:, 2] / G, None if gyr is None else gyr[:, 0],
                                ics, tos)
        self.contacts_ = pd.DataFrame({"side": sides, "ic_s": ics, "to_s": tos,
                                       "contact_ms": 1000 * (tos - ics)},
                                      columns=[*CONTACT_COLUMNS, "contact_ms"])
        self._summarise()
        return self

    def _summarise(self) -> None:
        ic = self.contacts_.ic_s.to_numpy()
        ct = self.contacts_.contact_ms.to_numpy()
        steps = np.diff(ic)
        self.cadence_spm_ = float(60.0 / np.median(steps)) if len(steps) else float("nan")
        self.contact_time_ms_ = float(np.median(ct)) if len(ct) else float("nan")
        if len(ic) >= 3:
            stride_ms = 1000 * (ic[2:] - ic[:-2])
            self.duty_factor_ = float(np.median(ct[:-2] / stride_ms))
        else:
            self.duty_factor_ = float("nan")

    def _check_ap(self, rec: ImuRecording, ap: np.ndarray, ics: np.ndarray,
                  tos: np.ndarray) -> None:
        """Warn when most contacts accelerate forwards first (x probably points backwards)."""
        fs = rec.fs
        ap = lowpass(ap, fs, self.lowpass_hz)
        order = []
        for a, b in zip(ics, tos, strict=True):
            i, j = round(a * fs), round(b * fs)
            mid = (i + j) // 2
            first, second = ap[i:mid], ap[mid:j + 1]
            if len(first) and len(second) and np.isfinite(ap[i:j + 1]).all():
                order.append(float(first.mean() - second.mean()))
        if len(order) >= 4 and np.mean(np.array(order) > 0) > 0.5:
            self.warnings_.append(f"{rec.path.name}: the forward (x) acceleration is higher in "
                                  "the first half of most contacts than in the second, the "
                                  "reverse of braking then push-off: the sensor's x axis "
                                  "probably points backwards (check its orientation); events "
                                  "are kept, they come from the vertical axis")

    def _sides(self, rec: ImuRecording, ml: np.ndarray, roll: np.ndarray | None,
               ics: np.ndarray, tos: np.ndarray) -> np.ndarray:
        """``"L"``/``"R"`` per contact from the mediolateral signals, or all ``"?"``.

        Each available signal votes per contact (+1: right stance); the votes are compared
        with strict left/right alternation, and a signal names the sides when at least
        ``min_side_agreement`` of its votes fit one of the two alternations. The
        mediolateral acceleration votes with the sign of its larger peak during the contact
        (Lee et al. 2010); the roll angular velocity, when there is a gyroscope, with the
        sign of its mean over the contact (positive: the right side goes down, as the
        swing-side pelvis rises again in late stance; checked on a virtual pelvis IMU,
        benchmarks/validate_imu_sacrum.py).
        """
        unknown = np.full(len(ics), "?", dtype=object)
        if len(ics) < 4:
            self.warnings_.append(f"{rec.path.name}: fewer than four contacts: sides not "
                                  "assigned")
            return unknown
        fs = rec.fs
        votes: dict[str, np.ndarray] = {}
        for name, sig, peak, flat in (
                ("mediolateral acceleration", ml, True, threshold("imu.back.min_ml_std_g")),
                ("roll angular velocity", roll, False, threshold("imu.back.min_roll_std_dps"))):
            if sig is None:
                continue
            ok = np.isfinite(sig)
            if ok.mean() < 0.9 or np.nanstd(sig) < flat:
                continue
            votes[name] = _side_votes(np.where(ok, sig, np.nanmean(sig)), fs, ics, tos, peak)
        if not votes:
            self.warnings_.append(f"{rec.path.name}: no mediolateral (z) acceleration: left "
                                  "and right cannot be told apart (sides '?')")
            return unknown
        alt = np.where(np.arange(len(ics)) % 2 == 0, 1.0, -1.0)
        fits = {}
        for name, vote in votes.items():
            share = float(np.mean(vote == alt))
            fits[name] = (share >= 0.5, max(share, 1.0 - share))
        self.side_agreement_ = {n: f[1] for n, f in fits.items()}
        usable = {n: f for n, f in fits.items() if f[1] >= self.min_side_agreement}
        if not usable:
            worst = max(f[1] for f in fits.values())
            self.warnings_.append(f"{rec.path.name}: the {' and the '.join(fits)} name the "
                                  f"side of only {100 * worst:.0f} % of contacts "
                                  "consistently: sides left unknown ('?')")
            return unknown
        if len({f[0] for f in usable.values()}) > 1:
            self.warnings_.append(f"{rec.path.name}: the {' and the '.join(usable)} disagree "
                                  "on which foot lands first: sides left unknown ('?')")
            return unknown
        self.sides_known_ = True
        self.side_source_ = " and ".join(usable)
        first_right = next(iter(usable.values()))[0]
        even, odd = ("R", "L") if first_right else ("L", "R")
        return np.array([even if i % 2 == 0 else odd for i in range(len(ics))], dtype=object)


def _side_votes(sig: np.ndarray, fs: float, ics: np.ndarray, tos: np.ndarray,
                peak: bool) -> np.ndarray:
    """+1 (right stance) or -1 per contact: sign of the larger peak, or of the mean."""
    f = lowpass(sig, fs, threshold("imu.back.side_lowpass_hz"))
    f = f - np.median(f)  # a constant tilt or gyroscope offset is no side
    votes = np.zeros(len(ics))
    for i, (a, b) in enumerate(zip(ics, tos, strict=True)):
        seg = f[round(a * fs):round(b * fs) + 1]
        if len(seg):
            value = (seg.max() if seg.max() > -seg.min() else seg.min()) if peak else seg.mean()
            votes[i] = np.sign(value)
    return votes


def _check(rec: ImuRecording) -> np.ndarray:
    """The lower-back accelerometer of ``rec`` (m/s^2, body frame), checked."""
    if not isinstance(rec, ImuRecording):
        raise TypeError(f"detect() needs a stridelab ImuRecording, got {type(rec).__name__}")
    if "lower_back" not in rec.sensors:
        raise InputFileError(rec.path, "has no lower-back sensor (positions found: "
                             f"{', '.join(rec.positions) or 'none'}): the lower-back event "
                             "detector needs one")
    sensor = rec.sensors["lower_back"]
    if sensor.frame != "body":
        raise InputFileError(rec.path, f"the lower-back sensor is in the {sensor.frame!r} frame, "
                             "not the body frame (x forward, y up, z right): align it first "
                             "(stridelab.io.imu_align.align_to_body)")
    acc = sensor.acc
    vert = acc[:, 1]
    if np.isfinite(vert).mean() < 0.5:
        raise InputFileError(rec.path, "the lower-back sensor's vertical (y) acceleration is "
                             "missing in most samples")
    mean_g = float(np.nanmean(vert)) / G
    if mean_g < threshold("imu.back.min_mean_vertical_g"):
        raise InputFileError(rec.path, f"the lower-back sensor's y axis reads {mean_g:.2f} g on "
                             "average, not about +1 g: y is not up (upside down, or gravity "
                             "removed); the detector needs acc with gravity, y up")
    return acc


def _activity(vert: np.ndarray, fs: float, ics: np.ndarray, tos: np.ndarray) -> str:
    """Running (flights between contacts), walking (a step rhythm, no flights) or unknown."""
    if len(ics) >= 3:
        steps = np.diff(ics)
        contact = tos[:-1]
        flights = ics[1:] - contact
        stride = ics[2:] - ics[:-2]
        duty = np.median((tos - ics)[:-2] / stride)
        cadence = 60.0 / np.median(steps)
        if (np.mean(flights > 0) > 0.5
                and duty < threshold("gait.activity.duty_factor_running_max")
                and cadence >= threshold("gait.activity.cadence_min_spm")):
            return "running"
    finite = vert[np.isfinite(vert)]
    if len(finite) < 2 * fs:
        return "unknown"
    if np.std(finite) < threshold("imu.back.min_motion_std_g"):  # still: no gait at all
        return "unknown"
    period = stride_period(finite, fs, min_s=threshold("imu.back.rhythm_min_s"),
                           max_s=threshold("imu.back.rhythm_max_s"))
    return "walking" if period is not None else "unknown"


def _not_running_warning(rec: ImuRecording, activity: str) -> str:
    if activity == "walking":
        return (f"{rec.path.name}: this is walking, not running: the lower-back acceleration "
                "has a step rhythm but no flight phase (it never falls to free fall), so no "
                "running contacts are given")
    return (f"{rec.path.name}: no running found: the lower-back acceleration shows no "
            "flight phases and no steady step rhythm (standing, or not worn?); no contacts "
            "are given")
