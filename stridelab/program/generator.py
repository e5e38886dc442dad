"""Strength & balance program from assessment findings.

Rules (numbers and sources in ``stridelab/data/thresholds.csv``, rows ``program.*``):

- Two sessions a week off-season, one in-season (Balsalobre-Fernandez 2016, J Strength Cond Res
  30:2361; Ronnestad, Hansen & Raastad 2010, Eur J Appl Physiol 110:1269).
- Each session: warm-up, balance block, plyometrics where appropriate, strength block of mainly
  compound, full-body movements (the domain article; 2-4 lower-body exercises, Balsalobre 2016).
- SAID: exercises are chosen for the targets the findings name (weighted by severity); with no
  finding, a general runner program (glutes, quadriceps, hamstrings, calves, core, arms and
  trunk). Every item lists the findings it answers, or ``general``. Candidates are ranked by
  the weights of ``stridelab/data/program_weights.csv`` (:mod:`stridelab.program.weights`).
- Balance progresses one step at a time along the library's ladders (stable to unstable, eyes
  open to closed, static to dynamic, double to single leg), never skipping a step.
- Loaded exercises progress by load with the ACSM 2009 rule (:mod:`stridelab.program.overload`);
  bodyweight, core and plyometric exercises by their next harder variant.
- Optional deload every 4th week (expert opinion, labelled as such).
- Equipment, ``--avoid`` areas and the experience level's difficulty caps are hard constraints.

The generator's working state for one call lives in :class:`_State`; the helpers are functions
of that state, so nothing is left on the generator but its parameters and its results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from stridelab.assess.model import TARGETS, Finding
from stridelab.program.config import ProgramConfig, make_config, next_monday
from stridelab.program.library import (
    BALANCE_LEVELS,
    Exercise,
    ExerciseLibrary,
    balance_step,
    load_library,
)
from stridelab.program.model import GENERAL, Block, Item, Program, Session, Week
from stridelab.program.weights import load_weights
from stridelab.thresholds import load_thresholds, threshold

GENERAL_TARGETS = ("glute_max", "quadriceps", "hamstrings", "calf_achilles", "core",
                   "arms_trunk")
"""The general runner program's targets (the domain article's key running muscles)."""
UPPER_PATTERNS = ("push", "pull", "carry")
LABELS = "ABC"
BLOCKS = ("warm-up", "balance", "plyometrics", "strength")
"""Blocks of a session, in order."""


def _t(key: str) -> float:
    return threshold(key)


@dataclass
class _Slot:
    """One place in a session template, followed across the weeks."""

    name: str
    block: str
    exercise_id: str | None
    ladder: str | None = None
    waiting_for: str | None = None  # a balance start that needs an easier variant done first


@dataclass
class _State:
    """What one :meth:`ProgramGenerator.generate` call works with.

    Attributes
    ----------
    lib
        The exercise library.
    config
        The validated settings.
    active
        Findings worth training for (``watch`` or ``concern``, with targets).
    weights
        Target -> priority weight.
    unmet
        Targets no exercise could be found for (filled while the templates are built).
    equipment, by_key, order, start, cap
        Derived once: equipment available, active findings by key, library order of the
        exercise ids, and the experience level's start and cap difficulty.
    """

    lib: ExerciseLibrary
    config: ProgramConfig
    active: list[Finding]
    weights: dict[str, float]
    unmet: set[str] = field(default_factory=set)
    equipment: frozenset[str] = field(init=False)
    by_key: dict[str, Finding] = field(init=False)
    order: dict[str, int] = field(init=False)
    start: int = field(init=False)
    cap: int = field(init=False)

    def __post_init__(self) -> None:
        exp = self.config.experience
        self.equipment = self.config.equipment_items(self.lib)
        self.by_key = {f.key: f for f in self.active}
        self.order = {ex.id: i for i, ex in enumerate(self.lib)}
        self.start = int(_t(f"program.difficulty.start_{exp}"))
        self.cap = int(_t(f"program.difficulty.cap_{exp}"))


def _priorities(active: Sequence[Finding]) -> dict[str, float]:
    """Target -> weight: severity weights summed over findings, general targets at least."""
    weights: dict[str, float] = {}
    for f in active:
        for t in f.targets:
            weights[t] = weights.get(t, 0.0) + _t(f"program.priority.{f.severity}")
    for t in GENERAL_TARGETS:
        weights.setdefault(t, _t("program.priority.general"))
    return weights


# ---------------------------------------------------------------------- constraints
def _eligible(st: _State, ex: Exercise, cap: int) -> bool:
    return (ex.needs <= st.equipment and not set(ex.avoid) & set(st.config.avoid)
            and ex.difficulty <= cap)


def _pool(st: _State, categories: Sequence[str], cap: int) -> list[Exercise]:
    return [ex for ex in st.lib if ex.category in categories and _eligible(st, ex, cap)]


# ---------------------------------------------------------------------- selection
def _score(st: _State, ex: Exercise, covered: set[str], level: int, penalty: set[str]) -> float:
    w = load_weights()
    gain = sum(st.weights.get(t, 0.0) for t in ex.targets if t not in covered)
    bonus = w.compound_bonus if ex.movement == "compound" else 0.0
    if ex.external_load and st.config.experience != "novice":
        bonus += w.external_load_bonus
    return (gain + bonus - w.difficulty_distance * abs(ex.difficulty - level)
            - (w.repeat_penalty if ex.id in penalty else 0))


def _best(st: _State, pool: list[Exercise], covered: set[str], level: int,
          penalty: set[str]) -> Exercise | None:
    if not pool:
        return None
    return max(pool, key=lambda ex: (_score(st, ex, covered, level, penalty), -st.order[ex.id]))


def _lower_body(st: _State, pool: list[Exercise], penalty: set[str]) -> list[Exercise]:
    """Lower-body exercises for the most important targets, compound first."""
    lower = [ex for ex in pool if ex.pattern not in UPPER_PATTERNS]
    n_lower = int(_t("program.strength.lower_body_exercises"))
    max_iso = int(_t("program.strength.max_isolation"))
    chosen: list[Exercise] = []
    covered: set[str] = set()
    order = [t for t in sorted(st.weights, key=lambda t: -st.weights[t])
             if t not in ("core", "arms_trunk")]
    for target in order:
        if len(chosen) >= n_lower:
            break
        if target in covered:
            continue
        patterns = {ex.pattern for ex in chosen}
        cands = [ex for ex in lower if target in ex.targets and ex.pattern not in patterns
                 and ex not in chosen]
        compounds = [ex for ex in cands if ex.movement == "compound"]
        n_iso = sum(ex.movement == "isolation" for ex in chosen)
        best = _best(st, compounds or (cands if n_iso < max_iso else []), covered, st.start,
                     penalty)
        if best is None:
            st.unmet.add(target)
            continue
        chosen.append(best)
        covered |= set(best.targets)
    return sorted(chosen, key=lambda ex: (ex.movement == "isolation", ex.stance != "double"))


def _strength_template(st: _State, variant: int, penalty: set[str]) -> list[_Slot]:
    pool = _pool(st, ("strength",), st.start)
    lower = _lower_body(st, pool, penalty)
    slots = [_Slot(f"lower-{i + 1}", "strength", ex.id) for i, ex in enumerate(lower)]
    covered = {t for ex in lower for t in ex.targets}
    upper_pool = [ex for ex in pool if "arms_trunk" in ex.targets
                  and ex.pattern in ("push", "pull")]
    wanted = ("push", "pull")[variant % 2]
    upper = _best(st, [ex for ex in upper_pool if ex.pattern == wanted] or upper_pool,
                  covered, st.start, penalty)
    if upper is not None:
        slots.append(_Slot("upper", "strength", upper.id))
        covered |= set(upper.targets)
    elif st.weights.get("arms_trunk"):
        st.unmet.add("arms_trunk")
    core = _best(st, _pool(st, ("core",), st.start), covered, st.start, penalty)
    if core is not None:
        slots.append(_Slot("core", "strength", core.id))
    elif st.weights.get("core"):
        st.unmet.add("core")
    return slots


def _plyo_template(st: _State, penalty: set[str]) -> list[_Slot]:
    cfg = st.config
    prefer = max(1, st.start - int(_t("program.plyo.start_below_strength")))
    n = int(_t("program.plyo.exercises_novice" if cfg.experience == "novice"
               or cfg.season == "in" else "program.plyo.exercises_trained"))
    chosen: list[Exercise] = []
    covered: set[str] = set()
    for _ in range(n):
        pool = [ex for ex in _pool(st, ("plyometric",), st.start) if ex not in chosen
                and ex.pattern not in {c.pattern for c in chosen}]
        best = _best(st, pool, covered, prefer, penalty)
        if best is None:
            break
        chosen.append(best)
        covered |= set(best.targets)
    return [_Slot(f"plyo-{i + 1}", "plyometrics", ex.id) for i, ex in enumerate(chosen)]


def _balance_template(st: _State) -> list[_Slot]:
    exp = st.config.experience
    slots = []
    for name, ladder in st.lib.ladders.items():
        first = st.lib[ladder["start"][exp]]
        if not _eligible(st, first, st.cap):
            continue
        waiting = None if first.difficulty <= st.start else first.id
        slots.append(_Slot(f"balance-{name}", "balance", None if waiting else first.id,
                           ladder=name, waiting_for=waiting))
    return slots


def _templates(st: _State) -> list[list[_Slot]]:
    """One template per session of the week; later sessions avoid repeating exercises."""
    templates: list[list[_Slot]] = []
    used: set[str] = set()
    for s in range(st.config.sessions_per_week):
        slots = (_balance_template(st) + _plyo_template(st, used)
                 + _strength_template(st, s, used))
        used |= {sl.exercise_id for sl in slots if sl.exercise_id}
        templates.append(slots)
    return templates


# ---------------------------------------------------------------------- progression
def _harder(st: _State, ex: Exercise, ladder: str | None) -> Exercise | None:
    cands = [st.lib[h] for h in ex.harder]
    cands = [h for h in cands if h.category == ex.category and _eligible(st, h, st.cap)]
    if ladder is None:
        return cands[0] if cands else None
    dims = st.lib.ladders[ladder]["dimensions"]

    def rank(h: Exercise) -> int:
        moved = [d for d, v in balance_step(ex, h).items() if v]
        return dims.index(moved[0]) if moved and moved[0] in dims else len(dims)

    ranked = sorted((h for h in cands if rank(h) < len(dims)), key=rank)
    return ranked[0] if ranked else None


def _progress(st: _State, slot: _Slot, done: set[str], week: int, balance_due: bool,
              variant_due: bool) -> None:
    if slot.waiting_for is not None:
        first = st.lib[slot.waiting_for]
        if set(first.easier) & done:
            slot.exercise_id, slot.waiting_for = first.id, None
        return
    if slot.exercise_id is None:
        return
    ex = st.lib[slot.exercise_id]
    if slot.ladder is not None:
        due = balance_due
    else:
        due = variant_due and (not ex.external_load or ex.category == "plyometric")
    if due and week > 1:
        nxt = _harder(st, ex, slot.ladder)
        if nxt is not None:
            slot.exercise_id = nxt.id


# ---------------------------------------------------------------------- dose
def _sets(cfg: ProgramConfig, ex: Exercise, week: int, deload: bool) -> int:
    sets = ex.sets
    if cfg.experience == "novice" and week == 1:
        sets = min(sets, int(_t("program.sets.novice_first_week")))
    if deload:
        sets = max(1, math.ceil(sets * _t("program.deload.volume_fraction")))
    return sets


def _effort(cfg: ProgramConfig, ex: Exercise, phase: int,
            deload: bool) -> tuple[int, int | None, float | None]:
    """Reps, reps in reserve and RPE."""
    if ex.category not in ("strength", "core"):
        return ex.reps, None, None
    reps = ex.reps
    if ex.external_load and ex.unit == "reps" and ex.movement == "compound":
        reps = int(_t(f"program.reps.{cfg.experience}_phase{phase}"))
    rir = int(_t(f"program.rir.phase{phase}"))
    if deload:
        rir += int(_t("program.deload.rir_add"))
    return reps, rir, float(10 - rir)


def _rest_s(ex: Exercise, reps: int) -> int:
    if ex.external_load and ex.movement == "compound" and ex.unit == "reps" and reps <= 6:
        return max(ex.rest_s, int(_t("program.rest.heavy_s")))
    return ex.rest_s


def _item(st: _State, ex: Exercise, slot: str, week: int, phase: int, deload: bool) -> Item:
    reps, rir, rpe = _effort(st.config, ex, phase, deload)
    answers = list(dict.fromkeys(f.key for f in st.active
                                 if set(f.targets) & set(ex.targets))) or [GENERAL]
    return Item(
        exercise_id=ex.id, name=ex.name, category=ex.category,
        sets=_sets(st.config, ex, week, deload), reps=reps, unit=ex.unit, per_side=ex.per_side,
        rest_s=_rest_s(ex, reps), rir=rir, rpe=rpe,
        load=_load_words(st.lib, ex, reps, rir, deload), cues=list(ex.cues), answers=answers,
        why=_why(st, ex, answers), difficulty=ex.difficulty, equipment=list(ex.equipment),
        slot=slot)


def _load_words(lib: ExerciseLibrary, ex: Exercise, reps: int, rir: int | None,
                deload: bool) -> str:
    lo, hi = _t("program.overload.increase_pct_min"), _t("program.overload.increase_pct_max")
    light = " Deload week (expert opinion): lighter on purpose." if deload else ""
    if ex.category == "plyometric":
        return ("Bodyweight, full intent, full recovery between sets; stop when contacts "
                "get loud or slow." + light)
    if ex.category in ("balance", "warm-up"):
        return "Bodyweight; quality over duration: stop the set when form breaks." + light
    if ex.unit == "reps" and ex.external_load:
        return (f"Choose a load you can lift {reps} times with {rir} reps in reserve "
                f"(RPE {10 - rir}). When every set reaches {reps + 1}-{reps + 2} reps, add "
                f"{lo:g}-{hi:g} % next session (ACSM 2009)." + light)
    harder = [lib[h].name for h in ex.harder if lib[h].category == ex.category]
    nxt = f" then move on to {harder[0]}" if harder else ""
    what = "seconds" if ex.unit == "s" else ex.unit
    return (f"Bodyweight, stop {rir} reps short of failure (RPE {10 - rir}). When every "
            f"set beats the target by 1-2 {what}, add up to {hi:g} %{nxt}." + light)


def _why(st: _State, ex: Exercise, answers: list[str]) -> str:
    trains = ", ".join(TARGETS[t] for t in ex.targets)
    if answers == [GENERAL]:
        return f"General runner program: trains {trains}."
    titles = [f"{st.by_key[k].title} ({st.by_key[k].severity})" for k in answers]
    return f"Trains {trains}; answers: {'; '.join(titles)}."


def _duration_min(items: list[Item]) -> int:
    per_rep = _t("program.session.seconds_per_rep")
    work = {"reps": per_rep, "s": 1.0, "m": 1.0, "contacts": 1.0}
    total = 0.0
    for it in items:
        sides = 2 if it.per_side else 1
        total += it.sets * (it.reps * work[it.unit] * sides + it.rest_s)
    return int(5 * math.ceil(total / 60 / 5))


# ---------------------------------------------------------------------- weeks and sessions
def _plan_weeks(st: _State, templates: list[list[_Slot]]) -> list[Week]:
    """Every week: progress the slots (never in a deload week), then write the sessions."""
    cfg = st.config
    every = int(_t("program.deload.every_weeks"))
    bal_step = int(_t("program.balance.weeks_per_step"))
    variant_every = int(_t("program.progression.variant_every_weeks"))
    start_day = cfg.start or next_monday()
    first_days = [start_day + timedelta(days=d) for d in cfg.weekday_offsets()]
    done: set[str] = set()
    trained = 0  # non-deload weeks completed
    variant_due = False
    weeks: list[Week] = []
    for w in range(1, cfg.weeks + 1):
        deload = cfg.deload and w % every == 0
        variant_due = variant_due or (w > 1 and (w - 1) % variant_every == 0)
        if not deload:
            balance_due = trained > 0 and trained % bal_step == 0
            for slot in (slot for slots in templates for slot in slots):
                _progress(st, slot, done, w, balance_due, variant_due)
            variant_due = False
            trained += 1
        week = _week(st, templates, w, deload, first_days)
        done |= {it.exercise_id for sess in week.sessions for it in sess.items}
        weeks.append(week)
    return weeks


def _week(st: _State, templates: list[list[_Slot]], w: int, deload: bool,
          first_days: list[date]) -> Week:
    cfg = st.config
    phase = 1 if w <= math.ceil(cfg.weeks / 2) or cfg.weeks < 3 else 2
    plyo_week = int(_t("program.plyo.novice_start_week")) if cfg.experience == "novice" else 1
    week = Week(number=w, phase=("foundation", "strength")[phase - 1], deload=deload)
    for s, slots in enumerate(templates):
        day = first_days[s] + timedelta(days=7 * (w - 1))
        week.sessions.append(_session(st, slots, w, s, day, phase, deload,
                                      plyos=w >= plyo_week))
    return week


def _session(st: _State, slots: list[_Slot], week: int, index: int, day: date, phase: int,
             deload: bool, plyos: bool) -> Session:
    blocks = {name: Block(name) for name in BLOCKS}
    for slot in slots:
        if slot.exercise_id is None or (slot.block == "plyometrics" and not plyos):
            continue
        blocks[slot.block].items.append(
            _item(st, st.lib[slot.exercise_id], slot.name, week, phase, deload))
    warm = list(st.lib.warm_up.get("default", ()))
    if blocks["plyometrics"].items:
        warm += list(st.lib.warm_up.get("plyometric_days", ()))
    for wid in warm:
        ex = st.lib[wid]
        if _eligible(st, ex, st.cap):
            blocks["warm-up"].items.append(_item(st, ex, f"warm-up-{wid}", week, phase,
                                                 deload=False))
    kept = [b for b in blocks.values() if b.items]
    items = [it for b in kept for it in b.items]
    return Session(week=week, label=LABELS[index], date=day.isoformat(),
                   time=st.config.time, duration_min=_duration_min(items), blocks=kept)


# ---------------------------------------------------------------------- reporting
def _finding_rows(active: list[Finding], weeks: list[Week]) -> list[dict]:
    rows = []
    for f in active:
        answered = sorted({it.exercise_id for w in weeks for s in w.sessions
                           for it in s.items if f.key in it.answers})
        rows.append({"key": f.key, "title": f.title, "severity": f.severity,
                     "side": f.side, "targets": list(f.targets), "value": f.value,
                     "unit": f.unit, "source": f.source, "evidence": f.evidence,
                     "answered_by": answered})
    return rows


def _rules(cfg: ProgramConfig) -> list[dict]:
    table = load_thresholds()
    keys = [f"program.sessions_per_week.{cfg.season}_season",
            "program.strength.lower_body_exercises", "program.overload.exceed_reps",
            "program.overload.increase_pct_min", "program.overload.increase_pct_max",
            f"program.reps.{cfg.experience}_phase1", f"program.reps.{cfg.experience}_phase2",
            "program.rir.phase1", "program.rir.phase2", "program.balance.weeks_per_step",
            f"program.difficulty.cap_{cfg.experience}"]
    if cfg.deload:
        keys += ["program.deload.every_weeks", "program.deload.volume_fraction"]
    return [{"key": k, "value": table[k].value, "unit": table[k].unit,
             "rule": table[k].description, "source": table[k].source,
             "evidence": table[k].evidence} for k in keys]


def _notes(st: _State, templates: list[list[_Slot]], rows: list[dict]) -> list[str]:
    cfg = st.config
    notes = ["General guidance, not a diagnosis or a treatment: pain that lasts or gets worse "
             "needs a clinician. Findings are associated with injuries, they do not cause "
             "them (Willwacher 2022)."]
    if cfg.avoid:
        notes.append(f"Avoiding {', '.join(cfg.avoid)}: exercises that load these heavily or "
                     "with impact are left out; this is no substitute for a clinician's "
                     "advice.")
    notes += _schedule_notes(cfg, any(sl.block == "plyometrics" for t in templates for sl in t))
    for t in sorted(st.unmet):
        notes.append(f"No exercise for {TARGETS[t]} fits the equipment, experience and "
                     "areas to avoid.")
    notes += [f"'{r['title']}' is not answered under these constraints."
              for r in rows if not r["answered_by"]]
    return notes


def _schedule_notes(cfg: ProgramConfig, has_plyos: bool) -> list[str]:
    notes = []
    if not has_plyos:
        why = (f"every jump in the library loads {', '.join(cfg.avoid)}" if cfg.avoid
               else "none fits the equipment")
        notes.append(f"Plyometrics left out: {why}.")
    elif cfg.experience == "novice":
        notes.append(f"Plyometrics start in week {int(_t('program.plyo.novice_start_week'))}"
                     " for novices (expert opinion): strength and landing control first.")
    if cfg.deload:
        notes.append(f"Every {int(_t('program.deload.every_weeks'))}th week is a deload week "
                     "(about half the sets, easier effort): expert opinion, no trial in "
                     "runners supports it.")
    if cfg.season == "in":
        notes.append("In-season: one session a week to keep the strength gained "
                     "(Ronnestad 2010, in well-trained cyclists).")
    return notes


class ProgramGenerator:
    """Build a :class:`~stridelab.program.model.Program` from findings.

    Parameters
    ----------
    weeks, season, equipment, experience, avoid, start, deload, days, time, name
        As :class:`~stridelab.program.config.ProgramConfig`; ``None`` takes the default.
    library
        Exercise library (default: the packaged one).

    Attributes
    ----------
    config_
        The validated settings.
    weights_
        Target -> priority weight (severity-weighted sum over findings, general targets at
        ``program.priority.general``).
    program_
        The program.
    """

    def __init__(self, weeks: int | None = None, season: str | None = None,
                 equipment: str | Sequence[str] | None = None, experience: str | None = None,
                 avoid: Sequence[str] | str | None = None, start=None,
                 deload: bool | None = None, days: Sequence[str] | None = None,
                 time: str | None = None, name: str | None = None,
                 library: ExerciseLibrary | None = None) -> None:
        self.weeks = weeks
        self.season = season
        self.equipment = equipment
        self.experience = experience
        self.avoid = avoid
        self.start = start
        self.deload = deload
        self.days = days
        self.time = time
        self.name = name
        self.library = library

    def generate(self, findings: Sequence[Finding]) -> ProgramGenerator:
        """Build the program for these findings (an empty list gives the general program).

        Returns
        -------
        self
        """
        lib = self.library or load_library()
        self.config_: ProgramConfig = make_config(
            lib, weeks=self.weeks, season=self.season, equipment=self.equipment,
            experience=self.experience, avoid=self.avoid, start=self.start, deload=self.deload,
            days=self.days, time=self.time, name=self.name)
        active = [f for f in findings if f.severity in ("watch", "concern") and f.targets]
        st = _State(lib, self.config_, active, _priorities(active))
        self.weights_ = st.weights
        templates = _templates(st)
        weeks = _plan_weeks(st, templates)
        rows = _finding_rows(st.active, weeks)
        self.program_ = Program(
            config=self.config_.to_dict(), findings=rows, rules=_rules(self.config_),
            weeks=weeks, notes=_notes(st, templates, rows),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        return self


def generate_program(findings: Sequence[Finding], **settings) -> Program:
    """Shortcut: ``ProgramGenerator(**settings).generate(findings).program_``."""
    return ProgramGenerator(**settings).generate(findings).program_


__all__ = ["BALANCE_LEVELS", "GENERAL_TARGETS", "ProgramGenerator", "generate_program"]
