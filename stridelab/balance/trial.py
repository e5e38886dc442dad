"""One force-plate balance trial: what was tested, how long it was held, sway and load share.

A trial is a quiet stance on both feet (``stance="double"``) or on one leg
(``stance="single"``), eyes open or closed:

- two feet: the person must stay on the plate(s) throughout
  (:func:`stridelab.io.cop.check_on_plate`) for at least ``balance.trial.min_duration_s``;
  with one plate per foot the load share of each foot and their symmetry index (Robinson
  1987) come too;
- one leg: the hold lasts from the lifted foot leaving the ground to its touching down (one
  plate per foot: the lifted foot's plate loaded again above ``balance.plate.foot_contact_n``;
  one plate under the stance foot: the force falling below
  ``balance.single_leg.touchdown_fraction`` of body weight) or to the end of the recording.
  The sway measures cover the hold when it lasts ``balance.trial.min_duration_s`` or more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.balance.sway import Ellipse, Posturography
from stridelab.errors import InputFileError
from stridelab.io.cop import CopTrial, check_on_plate
from stridelab.signal import true_runs
from stridelab.symmetry import robinson_si
from stridelab.thresholds import threshold

STANCES = ("double", "single")
EYES = ("open", "closed")


@dataclass
class TrialResult:
    """What one trial measured.

    Attributes
    ----------
    file
        The file's name.
    eyes, stance
        The test condition.
    leg
        The stance leg of a single-leg trial (``"L"``, ``"R"`` or the plate's name), else
        ``None``.
    fs_hz, duration_s
        Sampling rate and length of the recording.
    hold_time_s
        Single leg: seconds from lift-off to touch-down (or to the end); else ``None``.
    held_to_end
        Single leg: the lifted foot never touched down within the recording.
    measures
        Sway measures (:class:`~stridelab.balance.sway.Posturography`), empty when the hold
        is too short.
    load_share_pct
        One plate per foot, two feet: each foot's share of the summed vertical force, %.
    load_symmetry_index_pct
        Robinson 1987 symmetry index of the two feet's mean force, % (``(R - L) / mean``;
        for feet not named L and R, second minus first foot in file order).
    warnings
        Doubts about the trial.
    time_s, ap_mm, ml_mm, ellipse
        The processed centre of pressure over the measured part, for the figures.
    """

    file: str
    eyes: str
    stance: str
    leg: str | None
    fs_hz: float
    duration_s: float
    hold_time_s: float | None = None
    held_to_end: bool | None = None
    measures: dict[str, float | None] = field(default_factory=dict)
    load_share_pct: dict[str, float] | None = None
    load_symmetry_index_pct: float | None = None
    warnings: list[str] = field(default_factory=list)
    time_s: np.ndarray | None = field(default=None, repr=False)
    ap_mm: np.ndarray | None = field(default=None, repr=False)
    ml_mm: np.ndarray | None = field(default=None, repr=False)
    ellipse: Ellipse | None = field(default=None, repr=False)

    @property
    def condition(self) -> str:
        """``"double, eyes open"``, ``"single L, eyes closed"``..."""
        stance = self.stance if self.leg is None else f"{self.stance} {self.leg}"
        return f"{stance}, eyes {self.eyes}"

    def to_dict(self) -> dict:
        """JSON-ready (without the signals)."""
        return {"file": self.file, "eyes": self.eyes, "stance": self.stance, "leg": self.leg,
                "fs_hz": self.fs_hz, "duration_s": self.duration_s,
                "hold_time_s": self.hold_time_s, "held_to_end": self.held_to_end,
                "measures": dict(self.measures), "load_share_pct": self.load_share_pct,
                "load_symmetry_index_pct": self.load_symmetry_index_pct,
                "ellipse": None if self.ellipse is None else {
                    "kind": f"{100 * self.ellipse.probability:g} % prediction ellipse "
                            "(Schubert & Kirchner 2014)",
                    "probability": self.ellipse.probability,
                    "area_mm2": self.ellipse.area,
                    "semi_axes_mm": list(self.ellipse.semi_axes),
                    "angle_deg": self.ellipse.angle_deg,
                    "centre_mm": list(self.ellipse.centre)},
                "warnings": list(self.warnings)}


class BalanceTrial:
    """Analyse one force-plate balance trial (gaitmap-style algorithm object).

    Parameters
    ----------
    eyes
        ``"open"`` or ``"closed"``.
    stance
        ``"double"`` (both feet) or ``"single"`` (one leg).
    leg
        Single leg: the stance leg's plate name (``"L"``, ``"R"``...); default: the plate
        carrying the weight.
    posturography
        The sway measures' settings (default :class:`Posturography()`).

    Attributes
    ----------
    result_
        The :class:`TrialResult`.
    """

    def __init__(self, eyes: str = "open", stance: str = "double", leg: str | None = None,
                 posturography: Posturography | None = None) -> None:
        self.eyes = eyes
        self.stance = stance
        self.leg = leg
        self.posturography = posturography

    def analyze(self, trial: CopTrial) -> BalanceTrial:
        """Check and measure ``trial``.

        Returns
        -------
        self

        Raises
        ------
        InputFileError
            A person stepping off, a foot lifted in a two-feet trial, no single-leg stance in
            a single-leg trial, or a two-feet trial shorter than the sway measures need.
        """
        if self.eyes not in EYES or self.stance not in STANCES:
            raise ValueError(f"eyes must be one of {EYES}, stance one of {STANCES}")
        result = TrialResult(trial.path.name, self.eyes, self.stance, None, trial.fs,
                             trial.duration_s, warnings=list(trial.warnings))
        if self.stance == "double":
            start, end = self._double(trial, result)
        else:
            start, end = self._single(trial, result)
        self._sway(trial, result, start, end)
        self.result_ = result
        return self

    def _double(self, trial: CopTrial, result: TrialResult) -> tuple[int, int]:
        check_on_plate(trial, "both")
        _need_duration(trial, trial.duration_s, "the trial lasts")
        if len(trial.plates) == 2:
            means = {p.name: float(np.mean(p.fz_n)) for p in trial.plates}
            total = sum(means.values())
            result.load_share_pct = {k: 100.0 * v / total for k, v in means.items()}
            a, b = trial.plates[0].name, trial.plates[1].name
            left, right = (means["L"], means["R"]) if set(means) == {"L", "R"} else (
                means[a], means[b])
            result.load_symmetry_index_pct = robinson_si(left, right)
        return 0, trial.n

    def _single(self, trial: CopTrial, result: TrialResult) -> tuple[int, int]:
        if len(trial.plates) == 2:
            start, end, leg = _hold_two_plates(trial, self.leg)
        else:
            start, end = _hold_one_plate(trial)
            leg = self.leg
        result.leg = leg
        result.hold_time_s = (end - start) / trial.fs
        result.held_to_end = bool(end >= trial.n)
        return start, end

    def _sway(self, trial: CopTrial, result: TrialResult, start: int, end: int) -> None:
        if (end - start) / trial.fs < threshold("balance.trial.min_duration_s"):
            result.warnings.append(
                f"{trial.path.name}: held {(end - start) / trial.fs:.1f} s, shorter than the "
                f"{threshold('balance.trial.min_duration_s'):g} s the sway measures need: "
                "hold time only")
            return
        if self.stance == "single" and len(trial.plates) == 2:
            plate = next(p for p in trial.plates if p.name == result.leg)
            ap, ml = plate.cop_ap_m, plate.cop_ml_m
        else:
            ap, ml = trial.net_cop()
        ap, ml = ap[start:end], None if ml is None else ml[start:end]
        algo = (self.posturography or Posturography()).measure(ap, ml, trial.fs)
        result.measures = algo.measures_
        result.time_s = trial.time_s[start:end]
        result.ap_mm, result.ml_mm, result.ellipse = algo.ap_mm_, algo.ml_mm_, algo.ellipse_


def _need_duration(trial: CopTrial, seconds: float, what: str) -> None:
    need = threshold("balance.trial.min_duration_s")
    if seconds < need:
        raise InputFileError(trial.path, f"{what} {seconds:.1f} s; the sway measures need at "
                             f"least {need:g} s of quiet standing")


def _sustained(mask: np.ndarray, fs: float) -> list[tuple[int, int]]:
    """Runs of True lasting ``balance.plate.min_off_s`` or more."""
    n = max(1, int(round(threshold("balance.plate.min_off_s") * fs)))
    return [r for r in true_runs(mask) if r[1] - r[0] >= n]


def _hold_two_plates(trial: CopTrial, leg: str | None) -> tuple[int, int, str]:
    """Hold of a single-leg trial with one plate per foot: (start, end, stance leg)."""
    contact = threshold("balance.plate.foot_contact_n")
    names = [p.name for p in trial.plates]
    if leg is not None and leg not in names:
        raise InputFileError(trial.path, f"no plate for the {leg} leg (plates: "
                             f"{', '.join(names)})")
    if leg is None:
        leg = max(trial.plates, key=lambda p: float(np.median(p.fz_n))).name
    stance = next(p for p in trial.plates if p.name == leg)
    lifted = next(p for p in trial.plates if p.name != leg)
    up = _sustained(lifted.fz_n < contact, trial.fs)
    if not up:
        raise InputFileError(trial.path, f"no single-leg stance: the {lifted.name} foot never "
                             "leaves its plate")
    start = up[0][0]
    ends = [start + r[0] for r in _sustained(lifted.fz_n[start:] >= contact, trial.fs)]
    ends += [start + r[0] for r in _sustained(stance.fz_n[start:] < contact, trial.fs)]
    return start, min(ends, default=trial.n), leg


def _hold_one_plate(trial: CopTrial) -> tuple[int, int]:
    """Hold of a single-leg trial on one plate under the stance foot: (start, end)."""
    fz = trial.fz_total_n
    weight = float(np.median(fz[fz >= 0.5 * np.max(fz)]))
    on = fz >= threshold("balance.single_leg.touchdown_fraction") * weight
    held = _sustained(on, trial.fs)
    if not held:
        raise InputFileError(trial.path, "no single-leg stance: the plate never carries the "
                             "whole body weight")
    start = held[0][0]
    off = _sustained(~on[start:], trial.fs)
    return start, start + off[0][0] if off else trial.n
