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
- Balance starts at the rung the balance tests show (``stridelab balance`` findings: the
  single-leg stance held on a force plate, the Y-balance test;
  :mod:`stridelab.program.balance_start`), else the one the single-leg stance self-test
  gives (default: single-leg stance on firm ground), and progresses one step at a time along
  the library's ladders (stable to unstable, eyes open to closed, static to dynamic, double to
  single leg), never skipping one.
- Every item's dose and progression follow its kind's rule (:mod:`stridelab.program.dose`, the
  rule ``stridelab strength log`` applies too): loaded exercises by load (ACSM 2009), bands by
  a stronger band, bodyweight, holds, balance and plyometrics by their next harder variant.
- Optional deload every 4th week (expert opinion, labelled as such).
- Equipment, ``--avoid`` areas (``stridelab/data/avoid_areas.toml``) and the experience
  level's difficulty caps are hard constraints
  (:class:`~stridelab.program.constraints.Constraints`): they filter the exercises, the
  progressions named and the variants; where nothing fits, the program says so instead of
  breaking them.
- An exercise answers a finding when its main target is one the finding names, or the
  finding's main target is one it trains; warm-ups answer none.

The generator's working state for one call lives in :class:`_State`; the helpers are functions
of that state, so nothing is left on the generator but its parameters and its results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from stridelab.assess.model import TARGETS, Finding
from stridelab.program.areas import load_areas
from stridelab.program.balance_start import BalanceStart, balance_starts
from stridelab.program.config import ProgramConfig, make_config, next_monday
from stridelab.program.constraints import Constraints, nothing_fits_note, target_candidates
from stridelab.program.dose import HARDER, dose_rule, kind_of, rule_words
from stridelab.program.library import (
    BALANCE_LEVELS,
    Exercise,
    ExerciseLibrary,
    balance_level,
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
        What no exercise could be found for, as notes (filled while the templates are built).
    skipped_warm_ups
        Warm-up exercises left out -> why (the limits they break).
    balance_starts
        Names of the first rung of each balance ladder.
    starts
        Ladder name -> its starting level and why (from the balance findings, the self-test
        or the default).
    limits, by_key, order, start, cap
        Derived once: the runner's limits (equipment, areas to spare, the experience level's
        cap), active findings by key, library order of the exercise ids, and the
        experience level's start and cap difficulty.
    """

    lib: ExerciseLibrary
    config: ProgramConfig
    active: list[Finding]
    weights: dict[str, float]
    unmet: list[str] = field(default_factory=list)
    skipped_warm_ups: dict[str, str] = field(default_factory=dict)
    balance_starts: list[str] = field(default_factory=list)
    starts: dict[str, BalanceStart] = field(default_factory=dict)
    limits: Constraints = field(init=False)
    by_key: dict[str, Finding] = field(init=False)
    order: dict[str, int] = field(init=False)
    start: int = field(init=False)
    cap: int = field(init=False)

    def __post_init__(self) -> None:
        exp = self.config.experience
        self.start = int(_t(f"program.difficulty.start_{exp}"))
        self.cap = int(_t(f"program.difficulty.cap_{exp}"))
        self.limits = Constraints(self.config.equipment_items(self.lib), self.config.avoid,
                                  self.cap)
        self.by_key = {f.key: f for f in self.active}
        self.order = {ex.id: i for i, ex in enumerate(self.lib)}

    def nothing_fits(self, candidates: list[Exercise], words: str, cap: int) -> None:
        """Note that none of ``candidates`` (training ``words``) fits the limits at ``cap``."""
        limits = Constraints(self.limits.equipment, self.limits.avoid, cap)
        note = nothing_fits_note(candidates, words, limits, self.config.equipment,
                                 self.config.experience)
        if note not in self.unmet:
            self.unmet.append(note)

    def target_unmet(self, target: str, categories: tuple[str, ...]) -> None:
        """Note that no exercise of ``categories`` trains ``target`` within the limits."""
        self.nothing_fits(*target_candidates(self.lib, target, categories), self.start)


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
    return st.limits.allows(ex, cap)


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
            if not any(target in ex.targets for ex in lower):
                st.target_unmet(target, ("strength",))
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
        st.target_unmet("arms_trunk", ("strength",))
    core = _best(st, _pool(st, ("core",), st.start), covered, st.start, penalty)
    if core is not None:
        slots.append(_Slot("core", "strength", core.id))
    elif st.weights.get("core"):
        st.target_unmet("core", ("core",))
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


def _fitting_rung(st: _State, ex: Exercise) -> Exercise | None:
    """``ex``, or the nearest easier rung of its ladder within the limits."""
    ladder = st.lib.ladder_of(ex)
    todo, seen = [ex], set()
    while todo:
        rung = todo.pop(0)
        if rung.id in seen:
            continue
        seen.add(rung.id)
        if _eligible(st, rung, st.cap):
            return rung
        todo += [st.lib[e] for e in rung.easier if st.lib.ladder_of(st.lib[e]) == ladder]
    return None


def _balance_template(st: _State) -> list[_Slot]:
    """One slot per ladder, at the rung its start level gives (balance tests, self-test)."""
    default = balance_level(st.lib, st.config.single_leg_stance_s)
    slots = []
    for name, ladder in st.lib.ladders.items():
        level = st.starts[name].level if name in st.starts else default
        first = _fitting_rung(st, st.lib[ladder["start"][level]])
        if first is None:
            members = [ex for ex in st.lib if st.lib.ladder_of(ex) == name]
            st.nothing_fits(members, f"{name} balance", st.cap)
            continue
        slots.append(_Slot(f"balance-{name}", "balance", first.id, ladder=name))
        if first.name not in st.balance_starts:
            st.balance_starts.append(first.name)
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
def _progress(st: _State, slot: _Slot, week: int, balance_due: bool, variant_due: bool) -> None:
    """Move a slot to its next harder variant when due (the dose rule's variant)."""
    if slot.exercise_id is None or week <= 1:
        return
    ex = st.lib[slot.exercise_id]
    due = balance_due if slot.ladder is not None else variant_due
    rule = dose_rule(st.lib, ex, ex.reps, st.limits)
    if due and rule.action == HARDER:
        slot.exercise_id = rule.next_id


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
    """Reps, reps in reserve and RPE.

    Reps in reserve only where reps are counted towards failure: loaded, band and bodyweight
    strength and core work (not holds, balance, plyometrics or warm-ups); a loaded carry gets
    an RPE alone.
    """
    kind = kind_of(ex)
    if kind not in ("loaded", "band", "bodyweight"):
        return ex.reps, None, None
    reps = ex.reps
    if ex.external_load and ex.unit == "reps" and ex.movement == "compound":
        reps = int(_t(f"program.reps.{cfg.experience}_phase{phase}"))
    rir = int(_t(f"program.rir.phase{phase}"))
    if deload:
        rir += int(_t("program.deload.rir_add"))
    return reps, (rir if ex.unit == "reps" else None), float(10 - rir)


def _rest_s(ex: Exercise, reps: int) -> int:
    if ex.external_load and ex.movement == "compound" and ex.unit == "reps" and reps <= 6:
        return max(ex.rest_s, int(_t("program.rest.heavy_s")))
    return ex.rest_s


def answers_finding(ex: Exercise, targets: Sequence[str]) -> bool:
    """True when ``ex`` answers a finding naming ``targets`` (main target first).

    Its main target is one the finding names, or the finding's main target is one it trains;
    a warm-up prepares for the session and answers no finding.
    """
    return (ex.category != "warm-up" and bool(targets)
            and (ex.targets[0] in targets or targets[0] in ex.targets))


def _item(st: _State, ex: Exercise, slot: str, week: int, phase: int, deload: bool) -> Item:
    reps, rir, rpe = _effort(st.config, ex, phase, deload)
    answers = list(dict.fromkeys(f.key for f in st.active
                                 if answers_finding(ex, f.targets))) or [GENERAL]
    rule = dose_rule(st.lib, ex, reps, st.limits)
    return Item(
        exercise_id=ex.id, name=ex.name, category=ex.category,
        sets=_sets(st.config, ex, week, deload), reps=reps, unit=ex.unit, per_side=ex.per_side,
        rest_s=_rest_s(ex, reps), rir=rir, rpe=rpe,
        load=rule_words(rule, st.lib, rir, deload, rpe), cues=list(ex.cues), answers=answers,
        why=_why(st, ex, answers), difficulty=ex.difficulty, equipment=list(ex.equipment),
        slot=slot)


def _why(st: _State, ex: Exercise, answers: list[str]) -> str:
    trains = ", ".join(TARGETS[t] for t in ex.targets)
    if ex.category == "warm-up":
        return f"Warm-up: prepares {trains} for the session."
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
    trained = 0  # non-deload weeks completed
    variant_due = False
    weeks: list[Week] = []
    for w in range(1, cfg.weeks + 1):
        deload = cfg.deload and w % every == 0
        variant_due = variant_due or (w > 1 and (w - 1) % variant_every == 0)
        if not deload:
            balance_due = trained > 0 and trained % bal_step == 0
            for slot in (slot for slots in templates for slot in slots):
                _progress(st, slot, w, balance_due, variant_due)
            variant_due = False
            trained += 1
        weeks.append(_week(st, templates, w, deload, first_days))
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
        else:
            st.skipped_warm_ups[ex.name] = ", ".join(st.limits.why_not(ex))
    kept = [b for b in blocks.values() if b.items]
    items = [it for b in kept for it in b.items]
    return Session(week=week, label=LABELS[index], date=day.isoformat(),
                   time=st.config.time, duration_min=_duration_min(items), blocks=kept)


# ---------------------------------------------------------------------- reporting
def _relevance(ex: Exercise, targets: Sequence[str]) -> tuple[bool, bool, int]:
    """Sort key: same main target first, then a main target the finding names, then overlap."""
    return (ex.targets[0] != targets[0], ex.targets[0] not in targets,
            -len(set(ex.targets) & set(targets)))


def _finding_rows(st: _State, weeks: list[Week]) -> list[dict]:
    """One row per active finding, its exercises most relevant first (then program order)."""
    seen = list(dict.fromkeys(it.exercise_id for w in weeks for s in w.sessions
                              for it in s.items))
    rows = []
    for f in st.active:
        answered = [i for i in seen if f.key in _answers_of(st, i)]
        answered.sort(key=lambda i: _relevance(st.lib[i], f.targets))
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


def _answers_of(st: _State, exercise_id: str) -> list[str]:
    ex = st.lib[exercise_id]
    return [f.key for f in st.active if answers_finding(ex, f.targets)]


def _avoid_notes(cfg: ProgramConfig) -> list[str]:
    """One note per area spared: what is left out, why, and the source (avoid_areas.toml)."""
    areas = load_areas()
    notes = []
    for key in cfg.avoid:
        area = areas[key]
        parts = [f"no {r.what} ({r.reason} {r.source})" for r in area.rules]
        notes.append(f"Sparing {area.name} (--avoid {key}): " + "; ".join(parts)
                     + ". This is no substitute for a clinician's advice.")
    return notes


def _balance_note(st: _State) -> str:
    """Where the balance ladders start, and the tests (or the self-test) they start from."""
    test = st.lib.balance_test
    at = " and ".join(st.balance_starts) or "nothing (no balance exercise fits)"
    tested = list(dict.fromkeys(s.because for s in st.starts.values()
                                if s.origin == "findings"))
    if tested:
        others = {s.origin: s.because for s in st.starts.values() if s.origin != "findings"}
        rest = (f"; the other ladder from the {others['self-test']}" if "self-test" in others
                else "; the other ladder at the default level (no test for it)" if others
                else "")
        return (f"Balance starts at {at}, from your balance tests: {'; '.join(tested)}{rest}."
                " A retest (stridelab balance) moves the start on.")
    seconds = st.config.single_leg_stance_s
    if seconds is not None:
        level = balance_level(st.lib, seconds)
        words = next(lv["words"] for lv in test["levels"] if lv["name"] == level)
        return (f"Balance starts at {at}, from the single-leg stance self-test: {seconds:g} s"
                f" ({words}; {test['source']}).")
    return (f"Balance starts at {at}: no single-leg stance self-test given. The test: "
            f"{test['how']} Give the seconds with --single-leg-stance-s (questionnaire: "
            f"single_leg_stance_s) to start at your level ({test['source']}).")


def _doubtful_note(doubtful: Sequence[Finding], low: float) -> list[str]:
    """The findings left out for a confidence below ``program.min_finding_confidence``."""
    if not doubtful:
        return []
    sides = {"L": " (left)", "R": " (right)"}
    names = "; ".join(f"{f.title}{sides.get(f.side or '', '')}, confidence {f.confidence:.0%}"
                      for f in doubtful)
    return [f"Not acted on, the measure being doubtful (confidence below {low:.0%}): {names}. "
            "Retest with a better recording before training for them."]


def _notes(st: _State, templates: list[list[_Slot]], rows: list[dict]) -> list[str]:
    cfg = st.config
    notes = ["General guidance, not a diagnosis or a treatment: pain that lasts or gets worse "
             "needs a clinician. Findings are associated with injuries, they do not cause "
             "them (Willwacher 2022)."]
    notes += _avoid_notes(cfg)
    notes.append(_balance_note(st))
    notes += _schedule_notes(st, any(sl.block == "plyometrics" for t in templates for sl in t))
    notes += st.unmet
    notes += [f"Warm-up: {name} left out ({why})."
              for name, why in st.skipped_warm_ups.items()]
    notes += [f"'{r['title']}' is not answered under these constraints."
              for r in rows if not r["answered_by"]]
    return notes


def _schedule_notes(st: _State, has_plyos: bool) -> list[str]:
    cfg = st.config
    notes = []
    if not has_plyos:
        plyos = [ex for ex in st.lib if ex.category == "plyometric"]
        notes.append("Plyometrics left out. " + nothing_fits_note(
            plyos, "jumps, hops or bounds", st.limits, cfg.equipment, cfg.experience))
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
    single_leg_stance_s
        The single-leg stance self-test in seconds; the balance ladders start from it where
        the findings hold no balance test (``None``: single-leg stance on firm ground).
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
                 library: ExerciseLibrary | None = None,
                 single_leg_stance_s: float | None = None) -> None:
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
        self.single_leg_stance_s = single_leg_stance_s

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
            days=self.days, time=self.time, name=self.name,
            single_leg_stance_s=self.single_leg_stance_s)
        flagged = [f for f in findings if f.severity in ("watch", "concern") and f.targets]
        low = _t("program.min_finding_confidence")
        active = [f for f in flagged if f.confidence is None or f.confidence >= low]
        doubtful = [f for f in flagged if f not in active]
        st = _State(lib, self.config_, active, _priorities(active),
                    starts=balance_starts(lib, findings, self.config_.single_leg_stance_s))
        self.weights_ = st.weights
        templates = _templates(st)
        weeks = _plan_weeks(st, templates)
        rows = _finding_rows(st, weeks)
        self.program_ = Program(
            config=self.config_.to_dict(), findings=rows, rules=_rules(self.config_),
            weeks=weeks, notes=_notes(st, templates, rows) + _doubtful_note(doubtful, low),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        return self


def generate_program(findings: Sequence[Finding], **settings) -> Program:
    """Shortcut: ``ProgramGenerator(**settings).generate(findings).program_``."""
    return ProgramGenerator(**settings).generate(findings).program_


__all__ = ["BALANCE_LEVELS", "GENERAL_TARGETS", "ProgramGenerator", "generate_program"]
