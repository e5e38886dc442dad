"""Strength & balance program from assessment findings.

Rules (numbers and sources in ``stridelab/data/thresholds.csv``, rows ``program.*``):

- Two sessions a week off-season, one in-season (Balsalobre-Fernandez 2016, J Strength Cond Res
  30:2361; Ronnestad, Hansen & Raastad 2010, Eur J Appl Physiol 110:1269).
- Each session: warm-up, balance block, plyometrics where appropriate, strength block of mainly
  compound, full-body movements (the domain article; 2-4 lower-body exercises, Balsalobre 2016).
- SAID: exercises are chosen for the targets the findings name (weighted by severity); with no
  finding, a general runner program (glutes, quadriceps, hamstrings, calves, core, arms and
  trunk). Every item lists the findings it answers, or ``general``.
- Balance progresses one step at a time along the library's ladders (stable to unstable, eyes
  open to closed, static to dynamic, double to single leg), never skipping a step.
- Loaded exercises progress by load with the ACSM 2009 rule (:mod:`stridelab.program.overload`);
  bodyweight, core and plyometric exercises by their next harder variant.
- Optional deload every 4th week (expert opinion, labelled as such).
- Equipment, ``--avoid`` areas and the experience level's difficulty caps are hard constraints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

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
from stridelab.thresholds import load_thresholds, threshold

GENERAL_TARGETS = ("glute_max", "quadriceps", "hamstrings", "calf_achilles", "core",
                   "arms_trunk")
"""The general runner program's targets (the domain article's key running muscles)."""
UPPER_PATTERNS = ("push", "pull", "carry")
LABELS = "ABC"


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

    # ------------------------------------------------------------------ constraints
    def _eligible(self, ex: Exercise, cap: int) -> bool:
        return (ex.needs <= self._equipment and not set(ex.avoid) & set(self.config_.avoid)
                and ex.difficulty <= cap)

    def _pool(self, categories: Sequence[str], cap: int) -> list[Exercise]:
        return [ex for ex in self._lib if ex.category in categories and self._eligible(ex, cap)]

    # ------------------------------------------------------------------ selection
    def _score(self, ex: Exercise, covered: set[str], level: int, penalty: set[str]) -> float:
        gain = sum(self.weights_.get(t, 0.0) for t in ex.targets if t not in covered)
        bonus = 1.0 if ex.movement == "compound" else 0.0
        if ex.external_load and self.config_.experience != "novice":
            bonus += 0.5
        return gain + bonus - 1.5 * abs(ex.difficulty - level) - (3.0 if ex.id in penalty else 0)

    def _best(self, pool: list[Exercise], covered: set[str], level: int,
              penalty: set[str]) -> Exercise | None:
        if not pool:
            return None
        order = {ex.id: i for i, ex in enumerate(self._lib)}
        return max(pool, key=lambda ex: (self._score(ex, covered, level, penalty), -order[ex.id]))

    def _strength_template(self, variant: int, penalty: set[str]) -> list[_Slot]:
        cfg = self.config_
        start = int(_t(f"program.difficulty.start_{cfg.experience}"))
        pool = self._pool(("strength",), start)
        lower = [ex for ex in pool if ex.pattern not in UPPER_PATTERNS]
        n_lower = int(_t("program.strength.lower_body_exercises"))
        max_iso = int(_t("program.strength.max_isolation"))
        chosen: list[Exercise] = []
        covered: set[str] = set()
        patterns: set[str] = set()
        order = [t for t in sorted(self.weights_, key=lambda t: -self.weights_[t])
                 if t not in ("core", "arms_trunk")]
        for target in order:
            if len(chosen) >= n_lower:
                break
            if target in covered:
                continue
            cands = [ex for ex in lower if target in ex.targets and ex.pattern not in patterns
                     and ex not in chosen]
            compounds = [ex for ex in cands if ex.movement == "compound"]
            n_iso = sum(ex.movement == "isolation" for ex in chosen)
            best = self._best(compounds or (cands if n_iso < max_iso else []), covered, start,
                              penalty)
            if best is None:
                self._unmet.add(target)
                continue
            chosen.append(best)
            covered |= set(best.targets)
            patterns.add(best.pattern)
        chosen.sort(key=lambda ex: (ex.movement == "isolation", ex.stance != "double"))
        slots = [_Slot(f"lower-{i + 1}", "strength", ex.id) for i, ex in enumerate(chosen)]
        upper_pool = [ex for ex in pool if "arms_trunk" in ex.targets
                      and ex.pattern in ("push", "pull")]
        wanted = ("push", "pull")[variant % 2]
        upper = self._best([ex for ex in upper_pool if ex.pattern == wanted] or upper_pool,
                           covered, start, penalty)
        if upper is not None:
            slots.append(_Slot("upper", "strength", upper.id))
            covered |= set(upper.targets)
        elif self.weights_.get("arms_trunk"):
            self._unmet.add("arms_trunk")
        core = self._best(self._pool(("core",), start), covered, start, penalty)
        if core is not None:
            slots.append(_Slot("core", "strength", core.id))
        elif self.weights_.get("core"):
            self._unmet.add("core")
        return slots

    def _plyo_template(self, penalty: set[str]) -> list[_Slot]:
        cfg = self.config_
        start = int(_t(f"program.difficulty.start_{cfg.experience}"))
        prefer = max(1, start - int(_t("program.plyo.start_below_strength")))
        n = int(_t("program.plyo.exercises_novice" if cfg.experience == "novice"
                   or cfg.season == "in" else "program.plyo.exercises_trained"))
        chosen: list[Exercise] = []
        covered: set[str] = set()
        for _ in range(n):
            pool = [ex for ex in self._pool(("plyometric",), start) if ex not in chosen
                    and ex.pattern not in {c.pattern for c in chosen}]
            best = self._best(pool, covered, prefer, penalty)
            if best is None:
                break
            chosen.append(best)
            covered |= set(best.targets)
        return [_Slot(f"plyo-{i + 1}", "plyometrics", ex.id) for i, ex in enumerate(chosen)]

    def _balance_template(self) -> list[_Slot]:
        exp = self.config_.experience
        start = int(_t(f"program.difficulty.start_{exp}"))
        cap = int(_t(f"program.difficulty.cap_{exp}"))
        slots = []
        for name, ladder in self._lib.ladders.items():
            first = self._lib[ladder["start"][exp]]
            if not self._eligible(first, cap):
                continue
            waiting = None if first.difficulty <= start else first.id
            slots.append(_Slot(f"balance-{name}", "balance", None if waiting else first.id,
                               ladder=name, waiting_for=waiting))
        return slots

    # ------------------------------------------------------------------ progression
    def _harder(self, ex: Exercise, cap: int, ladder: str | None) -> Exercise | None:
        cands = [self._lib[h] for h in ex.harder]
        cands = [h for h in cands if h.category == ex.category and self._eligible(h, cap)]
        if ladder is None:
            return cands[0] if cands else None
        dims = self._lib.ladders[ladder]["dimensions"]

        def rank(h: Exercise) -> int:
            moved = [d for d, v in balance_step(ex, h).items() if v]
            return dims.index(moved[0]) if moved and moved[0] in dims else len(dims)

        ranked = sorted((h for h in cands if rank(h) < len(dims)), key=rank)
        return ranked[0] if ranked else None

    # ------------------------------------------------------------------ dose
    def _item(self, ex: Exercise, slot: str, week: int, phase: int, deload: bool) -> Item:
        cfg = self.config_
        sets = ex.sets
        if cfg.experience == "novice" and week == 1:
            sets = min(sets, int(_t("program.sets.novice_first_week")))
        if deload:
            sets = max(1, math.ceil(sets * _t("program.deload.volume_fraction")))
        reps = ex.reps
        rir = rpe = None
        if ex.category in ("strength", "core"):
            if ex.external_load and ex.unit == "reps" and ex.movement == "compound":
                reps = int(_t(f"program.reps.{cfg.experience}_phase{phase}"))
            rir = int(_t(f"program.rir.phase{phase}"))
            if deload:
                rir += int(_t("program.deload.rir_add"))
            rpe = float(10 - rir)
        rest = ex.rest_s
        if ex.external_load and ex.movement == "compound" and ex.unit == "reps" and reps <= 6:
            rest = max(rest, int(_t("program.rest.heavy_s")))
        answers = list(dict.fromkeys(f.key for f in self._active
                                     if set(f.targets) & set(ex.targets))) or [GENERAL]
        return Item(
            exercise_id=ex.id, name=ex.name, category=ex.category, sets=sets, reps=reps,
            unit=ex.unit, per_side=ex.per_side, rest_s=rest, rir=rir, rpe=rpe,
            load=self._load_words(ex, reps, rir, deload), cues=list(ex.cues), answers=answers,
            why=self._why(ex, answers), difficulty=ex.difficulty, equipment=list(ex.equipment),
            slot=slot)

    def _load_words(self, ex: Exercise, reps: int, rir: int | None, deload: bool) -> str:
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
        harder = [self._lib[h].name for h in ex.harder if self._lib[h].category == ex.category]
        nxt = f" then move on to {harder[0]}" if harder else ""
        what = "seconds" if ex.unit == "s" else ex.unit
        return (f"Bodyweight, stop {rir} reps short of failure (RPE {10 - rir}). When every "
                f"set beats the target by 1-2 {what}, add up to {hi:g} %{nxt}." + light)

    def _why(self, ex: Exercise, answers: list[str]) -> str:
        trains = ", ".join(TARGETS[t] for t in ex.targets)
        if answers == [GENERAL]:
            return f"General runner program: trains {trains}."
        titles = [f"{self._by_key[k].title} ({self._by_key[k].severity})" for k in answers]
        return f"Trains {trains}; answers: {'; '.join(titles)}."

    @staticmethod
    def _duration_min(items: list[Item]) -> int:
        per_rep = _t("program.session.seconds_per_rep")
        work = {"reps": per_rep, "s": 1.0, "m": 1.0, "contacts": 1.0}
        total = 0.0
        for it in items:
            sides = 2 if it.per_side else 1
            total += it.sets * (it.reps * work[it.unit] * sides + it.rest_s)
        return int(5 * math.ceil(total / 60 / 5))

    # ------------------------------------------------------------------ the program
    def generate(self, findings: Sequence[Finding]) -> ProgramGenerator:
        """Build the program for these findings (an empty list gives the general program).

        Returns
        -------
        self
        """
        self._lib = self.library or load_library()
        self.config_: ProgramConfig = make_config(
            self._lib, weeks=self.weeks, season=self.season, equipment=self.equipment,
            experience=self.experience, avoid=self.avoid, start=self.start, deload=self.deload,
            days=self.days, time=self.time, name=self.name)
        cfg = self.config_
        self._equipment = cfg.equipment_items(self._lib)
        self._active = [f for f in findings if f.severity in ("watch", "concern") and f.targets]
        self._by_key = {f.key: f for f in self._active}
        weights: dict[str, float] = {}
        for f in self._active:
            for t in f.targets:
                weights[t] = weights.get(t, 0.0) + _t(f"program.priority.{f.severity}")
        for t in GENERAL_TARGETS:
            weights.setdefault(t, _t("program.priority.general"))
        self.weights_ = weights
        self._unmet: set[str] = set()

        n_sessions = cfg.sessions_per_week
        templates: list[list[_Slot]] = []
        used: set[str] = set()
        for s in range(n_sessions):
            slots = (self._balance_template() + self._plyo_template(used)
                     + self._strength_template(s, used))
            used |= {sl.exercise_id for sl in slots if sl.exercise_id}
            templates.append(slots)
        self.program_ = self._weeks(templates)
        return self

    def _weeks(self, templates: list[list[_Slot]]) -> Program:
        cfg = self.config_
        start_day = cfg.start or next_monday()
        cap = int(_t(f"program.difficulty.cap_{cfg.experience}"))
        every = int(_t("program.deload.every_weeks"))
        bal_step = int(_t("program.balance.weeks_per_step"))
        variant_every = int(_t("program.progression.variant_every_weeks"))
        plyo_week = (int(_t("program.plyo.novice_start_week"))
                     if cfg.experience == "novice" else 1)
        offsets = cfg.weekday_offsets()
        half = math.ceil(cfg.weeks / 2)
        done: set[str] = set()
        trained = 0  # non-deload weeks completed
        variant_due = False
        weeks: list[Week] = []
        for w in range(1, cfg.weeks + 1):
            deload = cfg.deload and w % every == 0
            phase = 1 if w <= half or cfg.weeks < 3 else 2
            if w > 1 and (w - 1) % variant_every == 0:
                variant_due = True
            if not deload:
                for slots in templates:
                    for slot in slots:
                        self._progress(slot, cap, done, w,
                                       balance_due=trained > 0 and trained % bal_step == 0,
                                       variant_due=variant_due)
                variant_due = False
            week = Week(number=w, phase=("foundation", "strength")[phase - 1], deload=deload)
            for s, slots in enumerate(templates):
                day = start_day + timedelta(days=7 * (w - 1) + offsets[s])
                week.sessions.append(self._session(slots, w, s, day, phase, deload,
                                                   plyos=w >= plyo_week))
            for sess in week.sessions:
                done |= {it.exercise_id for it in sess.items}
            if not deload:
                trained += 1
            weeks.append(week)
        rows = self._finding_rows(weeks)
        return Program(config=cfg.to_dict(), findings=rows, rules=self._rules(), weeks=weeks,
                       notes=self._notes(templates, rows),
                       created=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def _progress(self, slot: _Slot, cap: int, done: set[str], week: int, balance_due: bool,
                  variant_due: bool) -> None:
        if slot.waiting_for is not None:
            first = self._lib[slot.waiting_for]
            if set(first.easier) & done:
                slot.exercise_id, slot.waiting_for = first.id, None
            return
        if slot.exercise_id is None:
            return
        ex = self._lib[slot.exercise_id]
        if slot.ladder is not None:
            due = balance_due
        else:
            due = variant_due and (not ex.external_load or ex.category == "plyometric")
        if due and week > 1:
            nxt = self._harder(ex, cap, slot.ladder)
            if nxt is not None:
                slot.exercise_id = nxt.id

    def _session(self, slots: list[_Slot], week: int, index: int, day, phase: int,
                 deload: bool, plyos: bool) -> Session:
        blocks = {name: Block(name) for name in ("warm-up", "balance", "plyometrics",
                                                 "strength")}
        for slot in slots:
            if slot.exercise_id is None or (slot.block == "plyometrics" and not plyos):
                continue
            blocks[slot.block].items.append(
                self._item(self._lib[slot.exercise_id], slot.name, week, phase, deload))
        warm = list(self._lib.warm_up.get("default", ()))
        if blocks["plyometrics"].items:
            warm += list(self._lib.warm_up.get("plyometric_days", ()))
        cap = int(_t(f"program.difficulty.cap_{self.config_.experience}"))
        for wid in warm:
            ex = self._lib[wid]
            if self._eligible(ex, cap):
                blocks["warm-up"].items.append(self._item(ex, f"warm-up-{wid}", week, phase,
                                                          deload=False))
        kept = [b for b in blocks.values() if b.items]
        items = [it for b in kept for it in b.items]
        return Session(week=week, label=LABELS[index], date=day.isoformat(),
                       time=self.config_.time, duration_min=self._duration_min(items),
                       blocks=kept)

    # ------------------------------------------------------------------ reporting
    def _finding_rows(self, weeks: list[Week]) -> list[dict]:
        rows = []
        for f in self._active:
            answered = sorted({it.exercise_id for w in weeks for s in w.sessions
                               for it in s.items if f.key in it.answers})
            rows.append({"key": f.key, "title": f.title, "severity": f.severity,
                         "side": f.side, "targets": list(f.targets), "value": f.value,
                         "unit": f.unit, "source": f.source, "evidence": f.evidence,
                         "answered_by": answered})
        return rows

    def _rules(self) -> list[dict]:
        cfg = self.config_
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

    def _notes(self, templates: list[list[_Slot]], rows: list[dict]) -> list[str]:
        cfg = self.config_
        notes = ["General guidance, not a diagnosis or a treatment: pain that lasts or gets worse "
                 "needs a clinician. Findings are associated with injuries, they do not cause "
                 "them (Willwacher 2022)."]
        if cfg.avoid:
            notes.append(f"Avoiding {', '.join(cfg.avoid)}: exercises that load these heavily or "
                         "with impact are left out; this is no substitute for a clinician's "
                         "advice.")
        if not any(sl.block == "plyometrics" for t in templates for sl in t):
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
        for t in sorted(self._unmet):
            notes.append(f"No exercise for {TARGETS[t]} fits the equipment, experience and "
                         "areas to avoid.")
        notes += [f"'{r['title']}' is not answered under these constraints."
                  for r in rows if not r["answered_by"]]
        return notes


def generate_program(findings: Sequence[Finding], **settings) -> Program:
    """Shortcut: ``ProgramGenerator(**settings).generate(findings).program_``."""
    return ProgramGenerator(**settings).generate(findings).program_


__all__ = ["BALANCE_LEVELS", "GENERAL_TARGETS", "ProgramGenerator", "generate_program"]
