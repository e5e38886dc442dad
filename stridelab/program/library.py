"""The exercise library: ``stridelab/data/exercises.toml`` as checked Python objects.

Every exercise carries what the generator needs to choose it for a finding (``targets``, keys
of :data:`stridelab.assess.model.TARGETS`, the SAID principle), to respect the runner's
constraints (``equipment``, ``difficulty``, ``avoid``) and to progress it (``easier`` /
``harder`` links). Balance exercises also carry the four dimensions along which balance
training is progressed one step at a time: stable to unstable surface, eyes open to closed,
static to dynamic (to reactive) and double to single leg.

:func:`validate` refuses a library whose links do not resolve, whose harder variants are not
more difficult, or whose balance links change more than one dimension by more than one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import tomllib

from stridelab.assess.model import TARGETS
from stridelab.errors import InputFileError
from stridelab.program.areas import AvoidArea, areas_of, load_areas

CATEGORIES = ("warm-up", "balance", "strength", "core", "plyometric")
EQUIPMENT = ("none", "band", "dumbbell", "kettlebell", "barbell", "box", "bench", "machine",
             "balance_pad", "rope")
AVOID: tuple[str, ...] = tuple(load_areas())
"""Areas a runner can ask the program to spare (``--avoid``): the tables of
``stridelab/data/avoid_areas.toml`` (knee, achilles, ankle, hip, lower_back, shoulder)."""
UNITS = ("reps", "s", "contacts", "m")

#: Ordered levels of the balance progression dimensions (Springer 2007 norms show eyes-closed
#: and single-leg stance are harder; the order within each dimension is the progression).
BALANCE_LEVELS: dict[str, tuple[str, ...]] = {
    "stance": ("double", "tandem", "single"),
    "surface": ("stable", "unstable"),
    "vision": ("open", "closed"),
    "balance": ("none", "static", "dynamic", "reactive"),
}


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library (see the header of ``exercises.toml`` for the fields)."""

    id: str
    name: str
    category: str
    pattern: str
    targets: tuple[str, ...]
    muscles: tuple[str, ...]
    balance: str
    stance: str
    surface: str
    vision: str
    equipment: tuple[str, ...]
    difficulty: int
    movement: str
    sets: int
    reps: int
    unit: str
    per_side: bool
    rest_s: int
    load: str
    avoid: tuple[str, ...]
    cues: tuple[str, ...]
    easier: tuple[str, ...] = ()
    harder: tuple[str, ...] = ()

    @property
    def needs(self) -> frozenset[str]:
        """Equipment needed beyond the body (empty for bodyweight)."""
        return frozenset(e for e in self.equipment if e != "none")

    @property
    def external_load(self) -> bool:
        """Progressed by adding load (ACSM 2009) rather than by a harder variant."""
        return self.load == "external"

    def level(self, dimension: str) -> int:
        """Index of this exercise on one balance dimension (see :data:`BALANCE_LEVELS`)."""
        return BALANCE_LEVELS[dimension].index(getattr(self, dimension))

    def to_dict(self) -> dict:
        """Plain JSON-ready dictionary."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass
class ExerciseLibrary:
    """All exercises by id, in file order, with the equipment profiles.

    Attributes
    ----------
    exercises
        Exercises by id.
    profiles
        Equipment profile name (``home``, ``gym``) -> equipment available.
    ladders
        Balance ladders by name (``static``, ``dynamic``): ``dimensions`` (preferred order of
        the progression) and ``start`` (balance level -> exercise id).
    warm_up
        ``default`` and ``plyometric_days`` lists of warm-up exercise ids.
    origin
        Where the library was read from.
    balance_test
        The single-leg stance self-test: ``max_s``, ``default`` (level without an answer),
        ``levels`` (``name`` and ``below_s``, ascending) and the words ``how`` and
        ``source``.
    """

    exercises: dict[str, Exercise]
    profiles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ladders: dict[str, dict] = field(default_factory=dict)
    warm_up: dict[str, tuple[str, ...]] = field(default_factory=dict)
    origin: str = "exercises.toml"
    balance_test: dict = field(default_factory=dict)
    _ladder_members: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, exercise_id: str) -> Exercise:
        """Return an exercise by id; unknown ids raise :class:`KeyError` naming the id."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise KeyError(f"unknown exercise id {exercise_id!r}") from None

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self.exercises

    def __iter__(self):
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)

    def ladder_of(self, ex: Exercise) -> str | None:
        """The balance ladder an exercise is on, or ``None``.

        Members are reached from the ladder's starts through ``harder`` links along its
        dimensions.
        """
        if not self._ladder_members:
            for name, ladder in self.ladders.items():
                for member in self._reach(ladder):
                    self._ladder_members.setdefault(member, name)
        return self._ladder_members.get(ex.id)

    def _reach(self, ladder: dict) -> set[str]:
        dims = ladder.get("dimensions", ())
        seen: set[str] = set()
        todo = [i for i in ladder.get("start", {}).values() if i in self]
        while todo:
            ex = self[todo.pop()]
            if ex.id in seen:
                continue
            seen.add(ex.id)
            todo += [h for h in ex.harder if h in self and self[h].category == "balance"
                     and next((d for d, v in balance_step(ex, self[h]).items() if v),
                              None) in dims]
        return seen


_FIELDS = {f for f in Exercise.__dataclass_fields__}
_TUPLES = ("targets", "muscles", "equipment", "avoid", "cues", "easier", "harder")


def _exercise(entry: dict, origin: str, areas: dict[str, AvoidArea]) -> Exercise:
    """One checked exercise.

    Its ``avoid`` areas are its own (if any) and those of the areas file whose rules name it.
    """
    missing = _FIELDS - {"easier", "harder", "avoid"} - set(entry)
    unknown = set(entry) - _FIELDS
    name = entry.get("id", "?")
    if missing or unknown:
        raise InputFileError(origin, f"exercise {name}: missing {sorted(missing)} "
                             f"unknown {sorted(unknown)}")
    data = dict(entry)
    for key in _TUPLES:
        data[key] = tuple(data.get(key, ()))
    ex = Exercise(**data)
    return replace(ex, avoid=tuple(dict.fromkeys(ex.avoid + areas_of(ex, areas))))


def library_from_toml(text: str, origin: str = "exercises.toml",
                      areas: dict[str, AvoidArea] | None = None) -> ExerciseLibrary:
    """Parse and validate a library from TOML text.

    ``areas`` (default: ``stridelab/data/avoid_areas.toml``) say which exercises load which
    area; an exercise's own ``avoid`` list, optional, adds to them.

    Raises
    ------
    InputFileError
        When the TOML is invalid or the library breaks a rule of :func:`validate`.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(origin, f"not valid TOML: {exc}") from exc
    areas = load_areas() if areas is None else areas
    exercises: dict[str, Exercise] = {}
    for entry in data.get("exercise", []):
        ex = _exercise(entry, origin, areas)
        if ex.id in exercises:
            raise InputFileError(origin, f"exercise id {ex.id} appears twice")
        exercises[ex.id] = ex
    profiles = {k: tuple(v) for k, v in data.get("equipment_profiles", {}).items()}
    warm_up = {k: tuple(v) for k, v in data.get("warm_up", {}).items()}
    lib = ExerciseLibrary(exercises, profiles, data.get("balance_ladders", {}), warm_up, origin,
                          data.get("balance_test", {}))
    problems = validate(lib)
    if problems:
        raise InputFileError(origin, "; ".join(problems))
    return lib


def balance_step(a: Exercise, b: Exercise) -> dict[str, int]:
    """Change of each balance dimension from ``a`` to ``b`` (positive = harder)."""
    return {d: b.level(d) - a.level(d) for d in BALANCE_LEVELS}


def is_single_balance_step(a: Exercise, b: Exercise) -> bool:
    """True when ``b`` progresses ``a`` by exactly one step on exactly one dimension."""
    changes = [v for v in balance_step(a, b).values() if v != 0]
    return changes == [1]


def validate(lib: ExerciseLibrary) -> list[str]:
    """Check the library's integrity; returns the problems (empty when sound).

    Rules: known categories, units, equipment, targets and avoid areas; difficulty 1-5;
    every ``easier``/``harder`` link resolves and is mirrored by the other exercise; a harder
    variant is always more difficult; between two balance exercises a harder link advances
    exactly one of stance, surface, vision and balance by one step (never skip a step).
    """
    problems: list[str] = []
    for ex in lib:
        where = f"{ex.id}:"
        checks = [
            (ex.category in CATEGORIES, f"{where} category {ex.category!r}"),
            (ex.unit in UNITS, f"{where} unit {ex.unit!r}"),
            (ex.movement in ("compound", "isolation"), f"{where} movement {ex.movement!r}"),
            (ex.load in ("bodyweight", "external"), f"{where} load {ex.load!r}"),
            (1 <= ex.difficulty <= 5, f"{where} difficulty {ex.difficulty} not in 1-5"),
            (bool(ex.targets) and set(ex.targets) <= set(TARGETS),
             f"{where} targets {ex.targets} not keys of TARGETS"),
            (bool(ex.equipment) and set(ex.equipment) <= set(EQUIPMENT)
             and ("none" not in ex.equipment or len(ex.equipment) == 1),
             f"{where} equipment {ex.equipment}"),
            (set(ex.avoid) <= set(AVOID), f"{where} avoid {ex.avoid}"),
            (bool(ex.cues), f"{where} no coaching cues"),
            (ex.sets >= 1 and ex.reps >= 1 and ex.rest_s >= 0, f"{where} dose"),
        ]
        checks += [(getattr(ex, d) in levels, f"{where} {d} {getattr(ex, d)!r}")
                   for d, levels in BALANCE_LEVELS.items()]
        problems += [msg for ok, msg in checks if not ok]
        for kind, back in (("harder", "easier"), ("easier", "harder")):
            for other_id in getattr(ex, kind):
                if other_id not in lib:
                    problems.append(f"{where} {kind} link {other_id} does not resolve")
                    continue
                other = lib[other_id]
                if ex.id not in getattr(other, back):
                    problems.append(f"{where} {kind} {other_id} does not link back")
        for other_id in ex.harder:
            if other_id not in lib:
                continue
            other = lib[other_id]
            if other.difficulty <= ex.difficulty:
                problems.append(f"{where} harder {other_id} is not more difficult")
            if (ex.category == other.category == "balance"
                    and not is_single_balance_step(ex, other)):
                problems.append(f"{where} harder {other_id} changes {balance_step(ex, other)}: "
                                "a balance progression is one step on one dimension")
    for name, items in lib.profiles.items():
        if not set(items) <= set(EQUIPMENT):
            problems.append(f"equipment profile {name}: unknown {set(items) - set(EQUIPMENT)}")
    for name, ladder in lib.ladders.items():
        if not set(ladder.get("dimensions", ())) <= set(BALANCE_LEVELS):
            problems.append(f"balance ladder {name}: unknown dimensions")
        for level, start in ladder.get("start", {}).items():
            if start not in lib or lib[start].category != "balance":
                problems.append(f"balance ladder {name}: start {level} = {start} is not a "
                                "balance exercise of the library")
    problems += _balance_test_problems(lib)
    for name, ids in lib.warm_up.items():
        problems += [f"warm-up {name}: {i} is not a warm-up exercise" for i in ids
                     if i not in lib or lib[i].category != "warm-up"]
    return problems


def _balance_test_problems(lib: ExerciseLibrary) -> list[str]:
    test = lib.balance_test
    if not test and not lib.ladders:
        return []
    names = [level.get("name") for level in test.get("levels", [])]
    edges = [level.get("below_s", 0) for level in test.get("levels", [])]
    problems = [] if names and edges == sorted(edges) and test.get("default") in names else [
        "balance_test: needs levels with ascending below_s and a default among them"]
    problems += [f"balance ladder {name}: starts {sorted(ladder.get('start', {}))} are not "
                 f"the balance_test levels {names}" for name, ladder in lib.ladders.items()
                 if set(ladder.get("start", {})) != set(names)]
    return problems


def balance_level(lib: ExerciseLibrary, seconds: float | None) -> str:
    """The balance level of a single-leg stance self-test answer (``None``: the default).

    The first level of ``lib.balance_test["levels"]`` whose ``below_s`` is above the answer.
    """
    test = lib.balance_test
    if seconds is None:
        return test["default"]
    return next((lv["name"] for lv in test["levels"] if seconds < lv["below_s"]),
                test["levels"][-1]["name"])


@lru_cache(maxsize=1)
def load_library() -> ExerciseLibrary:
    """Return the packaged library (``stridelab/data/exercises.toml``), validated."""
    text = resources.files("stridelab.data").joinpath("exercises.toml").read_text("utf-8")
    return library_from_toml(text, "stridelab/data/exercises.toml")


def read_library(path: str | Path) -> ExerciseLibrary:
    """Read a custom library file (same format as the packaged one)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from exc
    return library_from_toml(text, str(path))
