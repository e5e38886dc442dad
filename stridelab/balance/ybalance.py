"""Y-balance test scoring (Plisky et al. 2006, J Orthop Sports Phys Ther 36:911).

Standing on one leg, the runner reaches as far as possible with the other foot in three
directions: anterior (A), posteromedial (PM) and posterolateral (PL), measured with a tape
in centimetres, and the limb length (anterior superior iliac spine to the medial malleolus).

- normalised reach = reach / limb length x 100 (% of limb length);
- composite = (A + PM + PL) / (3 x limb length) x 100;
- anterior asymmetry = |A_left - A_right| in cm, flagged above 4 cm
  (``balance.ybalance.anterior_asymmetry_cm``), a composite below 94 % called low
  (``balance.ybalance.composite_low_pct``).

Several trials per direction are reduced to the best (``reduce="best"``) or their mean.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.thresholds import threshold

DIRECTIONS = ("anterior", "posteromedial", "posterolateral")
_ALIASES = {
    "anterior": "anterior", "ant": "anterior", "a": "anterior",
    "posteromedial": "posteromedial", "pm": "posteromedial", "postero medial": "posteromedial",
    "posterolateral": "posterolateral", "pl": "posterolateral",
    "postero lateral": "posterolateral",
    "limb length": "limb_length", "leg length": "limb_length", "ll": "limb_length",
    "limb": "limb_length", "side": "side", "leg": "side",
}
_UNITS = {"cm": 1.0, "mm": 0.1, "m": 100.0}
SIDES = ("L", "R")
MAX_REACH_CM = 250.0
"""No one reaches farther (a reach of more than twice a long leg): a larger number is in mm."""
LIMB_LENGTH_CM = (50.0, 130.0)
"""Plausible limb lengths, cm."""


def composite_score(anterior: float, posteromedial: float, posterolateral: float,
                    limb_length: float) -> float:
    """Composite reach, % of limb length (Plisky 2006): ``(A + PM + PL) / (3 LL) x 100``.

    Parameters
    ----------
    anterior, posteromedial, posterolateral
        Reaches, same unit as ``limb_length``.
    limb_length
        Limb length.
    """
    return (anterior + posteromedial + posterolateral) / (3.0 * limb_length) * 100.0


@dataclass(frozen=True)
class SideScore:
    """One leg's Y-balance result (the leg stood on).

    Attributes
    ----------
    reach_cm
        Direction -> reach used (best or mean of the trials), cm.
    limb_length_cm
        That leg's limb length, cm.
    normalised_pct
        Direction -> reach / limb length x 100.
    composite_pct
        Composite score, % of limb length.
    trials
        Direction -> the trials given, cm.
    """

    reach_cm: dict[str, float]
    limb_length_cm: float
    normalised_pct: dict[str, float]
    composite_pct: float
    trials: dict[str, tuple[float, ...]]


class YBalance:
    """Score a Y-balance test (gaitmap-style algorithm object).

    Parameters
    ----------
    reduce
        ``"best"`` (the farthest of the trials) or ``"mean"``.

    Attributes
    ----------
    sides_
        ``{"L": SideScore, "R": SideScore}`` (the sides tested).
    anterior_asymmetry_cm_
        ``|A_L - A_R|``, cm (``None`` with one side).
    shorter_anterior_
        The side with the shorter anterior reach (``None`` when equal or one side).
    flags_
        What is out of its band: ``"anterior_asymmetry"``, ``"composite_low_L"``...
    """

    def __init__(self, reduce: str = "best") -> None:
        self.reduce = reduce

    def score(self, trials: dict[str, dict[str, list[float]]],
              limb_length_cm: dict[str, float]) -> YBalance:
        """Score the reaches.

        Parameters
        ----------
        trials
            Side (``"L"``, ``"R"``) -> direction -> reaches in cm (one or more trials).
        limb_length_cm
            Side -> limb length in cm.

        Returns
        -------
        self
        """
        if self.reduce not in ("best", "mean"):
            raise ValueError("reduce must be 'best' or 'mean'")
        pick = max if self.reduce == "best" else (lambda v: float(np.mean(v)))
        self.sides_ = {}
        for side in sorted(trials):
            reach = {d: float(pick(trials[side][d])) for d in DIRECTIONS}
            ll = float(limb_length_cm[side])
            self.sides_[side] = SideScore(
                reach_cm=reach, limb_length_cm=ll,
                normalised_pct={d: reach[d] / ll * 100.0 for d in DIRECTIONS},
                composite_pct=composite_score(*(reach[d] for d in DIRECTIONS), ll),
                trials={d: tuple(float(x) for x in trials[side][d]) for d in DIRECTIONS})
        self.anterior_asymmetry_cm_ = None
        self.shorter_anterior_ = None
        if set(self.sides_) == set(SIDES):
            a_l, a_r = (self.sides_[s].reach_cm["anterior"] for s in SIDES)
            self.anterior_asymmetry_cm_ = abs(a_l - a_r)
            self.shorter_anterior_ = None if a_l == a_r else ("L" if a_l < a_r else "R")
        self.flags_ = []
        if (self.anterior_asymmetry_cm_ or 0.0) > threshold(
                "balance.ybalance.anterior_asymmetry_cm"):
            self.flags_.append("anterior_asymmetry")
        low = threshold("balance.ybalance.composite_low_pct")
        self.flags_ += [f"composite_low_{s}" for s, r in self.sides_.items()
                        if r.composite_pct < low]
        return self

    def to_dict(self) -> dict:
        """JSON-ready result."""
        return {
            "reduce": self.reduce,
            "sides": {s: {"reach_cm": r.reach_cm, "limb_length_cm": r.limb_length_cm,
                          "normalised_pct": r.normalised_pct,
                          "composite_pct": r.composite_pct,
                          "trials_cm": {d: list(v) for d, v in r.trials.items()}}
                      for s, r in self.sides_.items()},
            "anterior_asymmetry_cm": self.anterior_asymmetry_cm_,
            "shorter_anterior": self.shorter_anterior_,
            "flags": list(self.flags_),
            "formula": "composite = (A + PM + PL) / (3 x limb length) x 100 (Plisky 2006)",
        }


def check_reaches(trials: dict[str, dict[str, list[float]]], limb_length_cm: dict[str, float],
                  origin: str | Path) -> None:
    """Refuse reaches and limb lengths that cannot be right (one line naming ``origin``).

    Raises
    ------
    InputFileError
        A side without all three directions, a negative reach, a reach beyond
        :data:`MAX_REACH_CM` (millimetres given as centimetres?), a limb length outside
        :data:`LIMB_LENGTH_CM`, or no limb length for a side.
    """
    if not trials:
        raise InputFileError(origin, "no reaches given")
    for side, by_dir in trials.items():
        missing = [d for d in DIRECTIONS if not by_dir.get(d)]
        if missing:
            raise InputFileError(origin, f"side {side}: no {', '.join(missing)} reach")
        values = [x for d in DIRECTIONS for x in by_dir[d]]
        if min(values) < 0 or not np.all(np.isfinite(values)):
            raise InputFileError(origin, f"side {side}: reaches must be positive numbers")
        if max(values) > MAX_REACH_CM:
            raise InputFileError(origin, f"side {side}: a reach of {max(values):g} cm is "
                                 "farther than anyone reaches: millimetres given as "
                                 "centimetres?")
        if side not in limb_length_cm:
            raise InputFileError(origin, f"side {side}: no limb length (--limb-length-cm)")
        ll = limb_length_cm[side]
        if not LIMB_LENGTH_CM[0] <= ll <= LIMB_LENGTH_CM[1]:
            raise InputFileError(origin, f"side {side}: a limb length of {ll:g} cm is not a "
                                 f"leg's ({LIMB_LENGTH_CM[0]:g}-{LIMB_LENGTH_CM[1]:g} cm, "
                                 "anterior superior iliac spine to medial malleolus)")


def read_ybalance_csv(path: str | Path) -> tuple[dict, dict]:
    """Reaches from a CSV: one row per trial and side.

    Columns: ``side`` (L/R), ``anterior``, ``posteromedial``, ``posterolateral`` and
    optionally ``limb_length``; a unit may follow each name (``anterior_cm``,
    ``anterior (mm)``; default cm). Short names ``A``, ``PM``, ``PL``, ``LL`` work too.

    Returns
    -------
    trials, limb_length_cm
        As :meth:`YBalance.score` takes them (limb lengths only where the file gives them).
    """
    path = Path(path)
    try:
        rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InputFileError(path, "needs a header and at least one row of reaches")
    columns = [_column(cell, path) for cell in rows[0]]
    if not any(c[0] == "side" for c in columns):
        raise InputFileError(path, "no 'side' column (L or R on each row)")
    trials: dict[str, dict[str, list[float]]] = {}
    limb: dict[str, float] = {}
    for line, row in enumerate(rows[1:], start=2):
        _row(row, columns, line, path, trials, limb)
    return trials, limb


def _column(cell: str, path: Path) -> tuple[str, float]:
    text = cell.strip().lower().replace("_", " ").replace("(", " ").replace(")", " ")
    words = text.split()
    factor = 1.0
    if len(words) > 1 and words[-1] in _UNITS:
        factor = _UNITS[words.pop()]
    name = _ALIASES.get(" ".join(words))
    if name is None:
        raise InputFileError(path, f"unknown column {cell!r} (expected side, anterior, "
                             "posteromedial, posterolateral, limb_length)")
    return name, factor


def _row(row: list[str], columns: list[tuple[str, float]], line: int, path: Path,
         trials: dict, limb: dict) -> None:
    if len(row) != len(columns):
        raise InputFileError(path, f"line {line}: {len(row)} values for {len(columns)} "
                             "columns")
    values = dict(zip((c[0] for c in columns), row, strict=True))
    side = {"l": "L", "left": "L", "r": "R", "right": "R"}.get(values["side"].strip().lower())
    if side is None:
        raise InputFileError(path, f"line {line}: side {values['side']!r} is not L or R")
    for (name, factor), cell in zip(columns, row, strict=True):
        if name == "side" or not cell.strip():
            continue
        try:
            value = float(cell) * factor
        except ValueError:
            raise InputFileError(path, f"line {line}: {cell!r} is not a number") from None
        if name == "limb_length":
            limb[side] = value
        else:
            trials.setdefault(side, {}).setdefault(name, []).append(value)
