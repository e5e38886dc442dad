"""One dose rule per exercise, shared by the plan's words and ``stridelab strength log``.

An exercise's kind decides how it is dosed and progressed:

=============  ============================  =========================================
kind           dosed in                      progressed, once every set reaches
=============  ============================  =========================================
loaded         reps (or metres) at a load    target + 1 rep: +2-10 % load (ACSM 2009)
band           reps against a band           target + 1 rep: the next stronger band
bodyweight     reps                          target + 1 rep: the next harder variant,
                                             else more reps (at most +10 %) or tempo
hold           seconds (isometric)           the target: harder variant, else +10 % s
balance        seconds, reps or metres       the target, steady: the next ladder rung
plyometric     foot contacts                 the target, crisp: harder variant, else
                                             +10 % contacts
warm-up        reps, seconds or metres       not progressed
=============  ============================  =========================================

The "+1 rep" is ``program.overload.exceed_reps`` and the 2-10 % and 10 % steps are the
``program.overload.*`` rows of ``thresholds.csv``. The next harder (or easier) variant is the
first ``harder`` (``easier``) link of the same category that fits the runner's
:class:`~stridelab.program.constraints.Constraints`; a balance exercise moves along its
ladder's dimensions (one step on one dimension, never skipping one). :func:`dose_rule` is
the rule; :func:`rule_words` says it for the plan;
:class:`~stridelab.program.overload.OverloadRule` applies it to what was logged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stridelab.program.constraints import Constraints
from stridelab.program.library import Exercise, ExerciseLibrary, balance_step
from stridelab.thresholds import threshold

KINDS = ("loaded", "band", "bodyweight", "hold", "balance", "plyometric", "warm-up")
INCREASE, STRONGER_BAND = "increase load", "stronger band"
HARDER, MORE, NONE = "harder variant", "more volume", "not progressed"
ACSM = "ACSM 2009"
_LOADS = ("barbell", "machine", "kettlebell", "dumbbell")


def kind_of(ex: Exercise) -> str:
    """The exercise's kind (see the module table)."""
    if ex.category in ("warm-up", "balance", "plyometric"):
        return ex.category
    if ex.external_load:
        return "band" if not set(_LOADS) & ex.needs else "loaded"
    return "hold" if ex.unit == "s" else "bodyweight"


def volume_step(target: int) -> int:
    """Reps, seconds, metres or contacts added when there is no harder variant (<= 10 %)."""
    return max(1, math.ceil(target * threshold("program.overload.bodyweight_step_pct") / 100))


def progress_at(kind: str, target: int) -> int | None:
    """What every set must reach for the exercise to progress (``None``: never)."""
    if kind == "warm-up":
        return None
    beat = kind in ("loaded", "band", "bodyweight")
    return target + (int(threshold("program.overload.exceed_reps")) if beat else 0)


def _variants(lib: ExerciseLibrary, ex: Exercise, links: tuple[str, ...],
              limits: Constraints) -> list[Exercise]:
    return [lib[i] for i in links if lib[i].category == ex.category and limits.allows(lib[i])]


def harder_variant(lib: ExerciseLibrary, ex: Exercise, limits: Constraints) -> Exercise | None:
    """The next harder variant within the limits (along the ladder for balance), or ``None``."""
    cands = _variants(lib, ex, ex.harder, limits)
    ladder = lib.ladder_of(ex) if ex.category == "balance" else None
    if ladder is None:
        return cands[0] if cands else None
    dims = list(lib.ladders[ladder]["dimensions"])

    def rank(h: Exercise) -> int:
        moved = [d for d, v in balance_step(ex, h).items() if v]
        return dims.index(moved[0]) if moved and moved[0] in dims else len(dims)

    ranked = sorted((h for h in cands if rank(h) < len(dims)), key=rank)
    return ranked[0] if ranked else None


def easier_variant(lib: ExerciseLibrary, ex: Exercise, limits: Constraints) -> Exercise | None:
    """The first easier variant within the limits, or ``None``."""
    cands = _variants(lib, ex, ex.easier, limits)
    return cands[0] if cands else None


@dataclass(frozen=True)
class DoseRule:
    """How one exercise is dosed and progressed at one target.

    Attributes
    ----------
    exercise_id, kind, target, unit
        The exercise, its kind (:data:`KINDS`) and the target per set.
    progress_at
        Every set reaching this progresses it (``None``: never, a warm-up).
    action
        What happens then: ``increase load``, ``stronger band``, ``harder variant``,
        ``more volume`` or ``not progressed``.
    next_id
        The harder variant (for ``harder variant``).
    next_target
        The new target (for ``more volume``).
    """

    exercise_id: str
    kind: str
    target: int
    unit: str
    progress_at: int | None
    action: str
    next_id: str | None = None
    next_target: int | None = None


def dose_rule(lib: ExerciseLibrary, ex: Exercise, target: int,
              limits: Constraints | None = None) -> DoseRule:
    """The rule for ``ex`` at ``target`` within the runner's limits (default: none)."""
    limits = limits or Constraints()
    kind = kind_of(ex)
    at = progress_at(kind, target)
    if kind in ("loaded", "band", "warm-up"):
        action = {"loaded": INCREASE, "band": STRONGER_BAND, "warm-up": NONE}[kind]
        return DoseRule(ex.id, kind, target, ex.unit, at, action)
    nxt = harder_variant(lib, ex, limits)
    if nxt is not None:
        return DoseRule(ex.id, kind, target, ex.unit, at, HARDER, next_id=nxt.id)
    return DoseRule(ex.id, kind, target, ex.unit, at, MORE,
                    next_target=target + volume_step(target))


def _unit(unit: str, n: int | None = None) -> str:
    if unit == "reps":
        return "rep" if n == 1 else "reps"
    return unit


def _verb(rule: DoseRule) -> str:
    if rule.unit == "reps":
        return f"lift {rule.target} times"
    return f"carry {rule.target} {rule.unit}" if rule.unit == "m" else (
        f"hold for {rule.target} {rule.unit}")


def _then(rule: DoseRule, lib: ExerciseLibrary) -> str:
    """What happens once every set reaches the rule's mark, in words."""
    if rule.action == HARDER:
        return f"move on to {lib[rule.next_id].name}"
    pct = threshold("program.overload.bodyweight_step_pct")
    more = (f"aim for {rule.next_target} {_unit(rule.unit)} next time (at most +{pct:g} %)")
    if rule.kind == "bodyweight":
        return more + ", or slow the lowering to 3 s"
    return more


def rule_words(rule: DoseRule, lib: ExerciseLibrary, rir: int | None,
               deload: bool = False, rpe: float | None = None) -> str:
    """The effort and progression of one item, in words that fit the exercise's kind.

    ``rir`` (reps in reserve) is the effort where reps are counted towards failure; else
    ``rpe``, if any.
    """
    light = " Deload week (expert opinion): lighter on purpose." if deload else ""
    effort = (f"{rir} reps in reserve (RPE {10 - rir})" if rir is not None
              else f"an effort of RPE {rpe:g}" if rpe is not None else "a steady effort")
    amount = {"reps": "reps", "m": "distance", "s": "time"}.get(rule.unit, rule.unit)
    t, u, at = rule.target, _unit(rule.unit), rule.progress_at
    lo = threshold("program.overload.increase_pct_min")
    hi = threshold("program.overload.increase_pct_max")
    text = {
        "loaded": f"Choose a load you can {_verb(rule)} with {effort}. When every set "
                  f"reaches {at} {u}, add {lo:g}-{hi:g} % load next session ({ACSM}); "
                  f"where the smallest load step is more than {hi:g} %, build the "
                  f"{amount} first.",
        "band": f"Choose a band you can stretch {t} times with {effort}. When every set "
                f"reaches {at} {u}, use the next stronger band.",
        "bodyweight": f"Bodyweight: end each set with {effort}. When every set reaches {at} {u}, "
                      f"{_then(rule, lib)}.",
        "hold": f"Hold {t} s with steady form and even breathing; end a hold when form "
                f"breaks. When every hold reaches {t} s, {_then(rule, lib)}.",
        "balance": f"Quality over duration: stop the set when form breaks. When every set "
                   f"reaches {t} {u} steadily, {_then(rule, lib)}.",
        "plyometric": f"Full intent, full recovery between sets; stop when contacts get loud "
                      f"or slow. When every set reaches {t} crisp {u}, {_then(rule, lib)}.",
        "warm-up": "Easy, the same every session: a warm-up is not progressed.",
    }[rule.kind]
    return text + light
