"""Progressive overload: the next prescription from what was done.

ACSM 2009 (Ratamess et al., Med Sci Sports Exerc 41:687, doi:10.1249/MSS.0b013e3181915670):
when the current load can be lifted for one to two repetitions over the desired number, add
2-10 % load. Here "over the desired number" must hold on every set (the worst set decides).

The size of the step inside 2-10 % follows the Epley (1985) estimate
``1RM = w (1 + reps / 30)``: the new load is the one the same estimated maximum allows for the
target reps, ``w' = w (1 + done / 30) / (1 + target / 30)`` (one extra rep is about +2.6 % at 8
reps), clamped to ACSM's 2-10 % and rounded to a load step the equipment allows. When even the
smallest step is above 10 % (light dumbbells) the load stays and the reps rise first (more
repetitions at the present load is ACSM's other progression) until the Epley estimate allows the
target reps at the next step.

A miss of 1-2 reps keeps the load; a bigger miss, a second miss in a row at the same load, or a
miss at RPE 10 reduces it by the Epley estimate, by at most 10 % (expert opinion). Without load
(bodyweight, holds, distances, contacts), beating the target moves to the next harder variant
in the library (one step: balance progressions never skip one), or adds up to 10 % volume; a
big miss in reps or a second miss in a row goes one step back to the easier variant. A band
exercise moves to a stronger band; a warm-up is not progressed.

When and how an exercise progresses is its dose rule
(:func:`stridelab.program.dose.dose_rule`), the same rule the plan's words state; the variants
offered respect the runner's :class:`~stridelab.program.constraints.Constraints` (equipment,
areas to spare, cap).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stridelab.errors import StridelabError
from stridelab.program.constraints import Constraints
from stridelab.program.dose import (
    HARDER,
    INCREASE,
    MORE,
    STRONGER_BAND,
    DoseRule,
    dose_rule,
    easier_variant,
)
from stridelab.program.library import Exercise, ExerciseLibrary, load_library
from stridelab.thresholds import threshold

ACSM = "ACSM 2009 (Med Sci Sports Exerc 41:687)"
HOLD, REDUCE, EASIER = "hold", "reduce load", "easier variant"


@dataclass(frozen=True)
class Performance:
    """What was done for one exercise in one session.

    Attributes
    ----------
    exercise_id
        Library id.
    reps
        Reps (or seconds, metres, contacts: the exercise's unit) per set.
    loads_kg
        External load per set in kg; ``None`` or 0 for bodyweight.
    target_reps
        The target the sets were aiming at.
    rpe
        Session RPE of the exercise (CR-10), optional.
    """

    exercise_id: str
    reps: tuple[int, ...]
    loads_kg: tuple[float | None, ...]
    target_reps: int
    rpe: float | None = None

    @property
    def working_load(self) -> float | None:
        """The heaviest load used (``None`` for bodyweight)."""
        loads = [x for x in self.loads_kg if x]
        return max(loads) if loads else None

    @property
    def working_reps(self) -> list[int]:
        """Reps of the sets done at the working load."""
        load = self.working_load
        if load is None:
            return list(self.reps)
        return [r for r, x in zip(self.reps, self.loads_kg, strict=True) if x == load]

    @property
    def missed(self) -> bool:
        """True when a working set fell short of the target."""
        return min(self.working_reps) < self.target_reps


@dataclass(frozen=True)
class NextPrescription:
    """The next session's prescription for one exercise.

    Attributes
    ----------
    exercise_id, name
        The exercise to do next (a harder or easier variant when ``action`` says so).
    sets, target_reps, unit
        Dose.
    load_kg
        Load to use (``None``: bodyweight, or choose one for a new loaded variant).
    action
        ``increase load``, ``hold``, ``reduce load``, ``harder variant``, ``easier variant``,
        ``more volume`` or ``stronger band``.
    change_pct
        Load change in % (``None`` when the load does not change or there is none).
    reason
        Why, in words, with the rule's source.
    """

    exercise_id: str
    name: str
    sets: int
    target_reps: int
    unit: str
    load_kg: float | None
    action: str
    change_pct: float | None
    reason: str

    def to_dict(self) -> dict:
        """JSON-ready dictionary."""
        return dict(self.__dict__)


def equipment_increment(ex: Exercise) -> float | None:
    """Smallest load step for an exercise's equipment (``program.increment.*``), if any."""
    for kind in ("barbell", "machine", "kettlebell", "dumbbell"):
        if kind in ex.needs:
            return threshold(f"program.increment.{kind}_kg")
    return None


class OverloadRule:
    """ACSM 2009 progressive-overload rule, as an algorithm object.

    Parameters
    ----------
    increment_kg
        Load step of the equipment; ``None``: by the exercise's equipment
        (:func:`equipment_increment`), or unrounded when it has none.
    library
        Exercise library (default: the packaged one).
    limits
        The runner's equipment, areas to spare and cap: the harder and easier variants
        offered fit them (default: no limits).

    Attributes
    ----------
    rule_
        The exercise's :class:`~stridelab.program.dose.DoseRule` at the logged target.
    next_
        :class:`NextPrescription` after :meth:`progress`.
    """

    def __init__(self, increment_kg: float | None = None,
                 library: ExerciseLibrary | None = None,
                 limits: Constraints | None = None) -> None:
        self.increment_kg = increment_kg
        self.library = library
        self.limits = limits

    def progress(self, done: Performance, previous: Performance | None = None) -> OverloadRule:
        """Compute the next prescription.

        Parameters
        ----------
        done
            The latest session for the exercise.
        previous
            The session before it (a second miss in a row at the same load reduces the load).

        Returns
        -------
        self
        """
        lib = self.library or load_library()
        if done.exercise_id not in lib:
            raise StridelabError(f"unknown exercise {done.exercise_id!r}")
        if not done.reps or len(done.reps) != len(done.loads_kg):
            raise StridelabError("give the reps of every set (and one load per set)")
        if done.target_reps < 1 or min(done.reps) < 0:
            raise StridelabError("reps and the target must be positive")
        ex = lib[done.exercise_id]
        self.rule_ = rule = dose_rule(lib, ex, done.target_reps, self.limits)
        if rule.kind == "warm-up":
            self.next_ = NextPrescription(ex.id, ex.name, len(done.reps), done.target_reps,
                                          ex.unit, None, HOLD, None,
                                          "a warm-up is not progressed: the same next time")
        elif rule.kind == "band":
            self.next_ = _band(ex, done, rule)
        elif done.working_load is not None:
            self.next_ = self._with_load(ex, done, previous, rule)
        elif rule.kind == "loaded":
            self.next_ = _no_load_logged(ex, done, rule)
        else:
            self.next_ = self._without_load(ex, done, previous, lib, rule)
        return self

    # ------------------------------------------------------------------ loaded
    def _with_load(self, ex: Exercise, done: Performance, previous: Performance | None,
                   rule: DoseRule) -> NextPrescription:
        load = done.working_load
        target = done.target_reps
        worst = min(done.working_reps)
        over = worst - target
        beat = (rule.progress_at if rule.kind == "loaded" else
                target + threshold("program.overload.exceed_reps"))
        epley = threshold("program.overload.epley_reps")
        estimate = (1 + worst / epley) / (1 + target / epley) * 100 - 100
        lo = threshold("program.overload.increase_pct_min")
        hi = threshold("program.overload.increase_pct_max")
        step = self.increment_kg or equipment_increment(ex)
        sets = len(done.reps)

        def rx(action: str, new_load: float, reason: str, reps: int = target) -> NextPrescription:
            change = None if new_load == load else round((new_load / load - 1) * 100, 1)
            return NextPrescription(ex.id, ex.name, sets, reps, ex.unit, round(new_load, 2),
                                    action, change, reason)

        if worst >= beat:
            rpe_hold = threshold("program.overload.rpe_hold")
            if done.rpe is not None and done.rpe >= rpe_hold:
                return rx(HOLD, load, f"target beaten by {over} but at RPE {done.rpe:g} "
                          f"(>= {rpe_hold:g}): repeat the load once (expert opinion)")
            new = _pick(load, min(max(estimate, lo), hi), lo, hi, step)
            if new is None:
                # the smallest step is above ACSM's 10 %: take it once the Epley estimate says
                # the target reps are possible at the heavier load, else build reps first
                needed = math.ceil(((load + step) / load * (1 + target / epley) - 1) * epley
                                   - 1e-9)
                if worst >= needed:
                    return rx(INCREASE, load + step, f"every set reached {worst} reps (>= "
                              f"{needed}): one {step:g} kg step, more than {hi:g} % because "
                              "the equipment has no smaller one; the Epley estimate allows "
                              f"{target} reps at it ({ACSM})")
                return rx(MORE, load, f"target beaten by {over}, but the smallest load step "
                          f"({step:g} kg) is more than {hi:g} % of {load:g} kg: same load, "
                          f"build every set up to {needed} reps, then add {step:g} kg ({ACSM}: "
                          "more repetitions at the present load)")
            return rx(INCREASE, new, f"every set beat the target of {target} by {over} or "
                      f"more: +{lo:g}-{hi:g} % load ({ACSM}); step sized by the Epley "
                      "estimate")
        if over >= 0:
            return rx(HOLD, load, f"target of {target} reached, not beaten by "
                      f"{threshold('program.overload.exceed_reps'):g}+ on every set: same load")
        short = -over
        again = (previous is not None and previous.working_load == load and previous.missed)
        allowed = threshold("program.overload.hold_missed_reps")
        if short <= allowed and not again and not (done.rpe is not None and done.rpe >= 10):
            return rx(HOLD, load, f"missed the target by {short} rep(s) (<= {allowed:g}): "
                      "repeat the load (expert opinion)")
        cut = threshold("program.overload.reduce_pct_max")
        new = _pick(load, -min(max(-estimate, lo), cut), -cut, -lo, step)
        why = ("a second miss in a row at this load" if again and short <= allowed
               else f"missed the target by {short} rep(s)")
        if new is None:
            return rx(HOLD, load, f"{why}, but the smallest load step ({step:g} kg) is more "
                      f"than {cut:g} %: same load, rest longer between sets")
        return rx(REDUCE, new, f"{why}: reduce the load by at most {cut:g} % "
                  "(expert opinion; Epley estimate)")

    # ------------------------------------------------------------------ bodyweight
    def _without_load(self, ex: Exercise, done: Performance, previous: Performance | None,
                      lib: ExerciseLibrary, rule: DoseRule) -> NextPrescription:
        target = done.target_reps
        worst = min(done.reps)
        sets = len(done.reps)
        unit = {"reps": "reps", "s": "s", "m": "m", "contacts": "contacts"}[ex.unit]
        if worst >= rule.progress_at:
            if rule.action == HARDER:
                h = lib[rule.next_id]
                load_note = (" choose a load you can lift for the target with 2-3 reps in "
                             "reserve;" if h.external_load else "")
                source = ("balance is progressed one step at a time (expert opinion)"
                          if ex.category == "balance" else ACSM)
                return NextPrescription(
                    h.id, h.name, sets, h.reps, h.unit, None, HARDER,
                    None, f"every set reached {rule.progress_at} {unit}: next harder variant "
                    f"(one step);{load_note} {source}")
            return NextPrescription(
                ex.id, ex.name, sets, rule.next_target, ex.unit, None, MORE, None,
                f"every set reached {rule.progress_at} {unit} and no harder variant fits: "
                f"+{threshold('program.overload.bodyweight_step_pct'):g} % at most"
                + (", or slow the lowering to 3 s" if rule.kind == "bodyweight" else ""))
        short = target - worst
        again = previous is not None and previous.working_load is None and previous.missed
        big = ex.unit == "reps" and short > threshold("program.overload.hold_missed_reps")
        if short > 0 and (again or big):
            e = easier_variant(lib, ex, self.limits or Constraints())
            if e is not None:
                return NextPrescription(
                    e.id, e.name, sets, e.reps, e.unit, None, EASIER, None,
                    f"missed the target of {target} {unit} by {short}: one step back "
                    "(expert opinion)")
        return NextPrescription(ex.id, ex.name, sets, target, ex.unit, None, HOLD, None,
                                f"repeat {target} {unit} until every set reaches it")


def _band(ex: Exercise, done: Performance, rule: DoseRule) -> NextPrescription:
    """A band exercise: a stronger band once every set reaches the rule's mark."""
    worst, target, sets = min(done.reps), done.target_reps, len(done.reps)
    if worst >= rule.progress_at:
        return NextPrescription(ex.id, ex.name, sets, target, ex.unit, None, STRONGER_BAND,
                                None, f"every set reached {rule.progress_at} reps: the next "
                                "stronger band (a band has no kg step)")
    big = target - worst > threshold("program.overload.hold_missed_reps")
    return NextPrescription(ex.id, ex.name, sets, target, ex.unit, None, HOLD, None,
                            f"missed by {target - worst}: a lighter band next time" if big else
                            f"same band until every set reaches {rule.progress_at} reps")


def _no_load_logged(ex: Exercise, done: Performance, rule: DoseRule) -> NextPrescription:
    """A loaded exercise logged without a load: the rule, without kilograms to compute."""
    worst, target, sets = min(done.reps), done.target_reps, len(done.reps)
    if worst >= rule.progress_at:
        return NextPrescription(ex.id, ex.name, sets, target, ex.unit, None, INCREASE, None,
                                f"every set reached {rule.progress_at} reps without a load: "
                                f"choose a load you can lift {target} times with 2-3 reps in "
                                f"reserve, and log it with --load ({ACSM})")
    return NextPrescription(ex.id, ex.name, sets, target, ex.unit, None, HOLD, None,
                            f"repeat until every set reaches {rule.progress_at} reps; log the "
                            "load with --load to get the next one in kg")


def _pick(load: float, pct: float, lo: float, hi: float, step: float | None) -> float | None:
    """New load near ``load * (1 + pct/100)`` within [lo, hi] %, in whole equipment steps."""
    wanted = load * (1 + pct / 100)
    if not step:
        return wanted
    ks = range(math.ceil(load * lo / 100 / step - 1e-9), math.floor(load * hi / 100 / step
                                                                    + 1e-9) + 1)
    options = [load + k * step for k in ks if k != 0]
    if not options:
        return None
    return min(options, key=lambda x: (abs(x - wanted), x))


def next_prescription(exercise_id: str, reps: Sequence[int], loads_kg: Sequence[float | None],
                      target_reps: int, rpe: float | None = None,
                      previous: Performance | None = None,
                      increment_kg: float | None = None,
                      limits: Constraints | None = None) -> NextPrescription:
    """Shortcut for :class:`OverloadRule` on one set list."""
    done = Performance(exercise_id, tuple(reps), tuple(loads_kg), target_reps, rpe)
    return OverloadRule(increment_kg, limits=limits).progress(done, previous).next_
