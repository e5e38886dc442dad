"""The runner's limits as one object: equipment, areas to spare, difficulty cap.

:class:`Constraints` is what the generator chooses through, what the progression notes and
the overload rule's substitutions (the next harder or easier variant) are filtered by, and
what ``stridelab strength log --program`` applies. :func:`nothing_fits_note` says, in words,
which limits leave a target without an exercise (instead of picking one that breaks them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stridelab.assess.model import TARGETS
from stridelab.program.areas import load_areas
from stridelab.program.library import EQUIPMENT, Exercise, ExerciseLibrary

UNCAPPED = 5
"""The top of the library's difficulty scale (1-5)."""


@dataclass(frozen=True)
class Constraints:
    """What the runner has and must spare.

    Attributes
    ----------
    equipment
        Equipment available (``none`` always is).
    avoid
        Areas to spare (keys of ``stridelab/data/avoid_areas.toml``).
    cap
        Hardest difficulty (1-5) of the experience level. Static and dynamic balance rungs
        are not capped by strength-training experience: their start comes from the
        single-leg stance self-test; reactive balance (hop and stick) is.
    """

    equipment: frozenset[str] = frozenset(EQUIPMENT)
    avoid: tuple[str, ...] = ()
    cap: int = UNCAPPED

    def within_cap(self, ex: Exercise, cap: int | None = None) -> bool:
        """True when the exercise is not above the cap (``cap`` overrides :attr:`cap`)."""
        if ex.category == "balance" and ex.balance != "reactive":
            return True
        return ex.difficulty <= (self.cap if cap is None else cap)

    def allows(self, ex: Exercise, cap: int | None = None) -> bool:
        """True when the exercise fits the equipment, the areas to spare and the cap."""
        return (ex.needs <= self.equipment and not set(ex.avoid) & set(self.avoid)
                and self.within_cap(ex, cap))

    def why_not(self, ex: Exercise) -> list[str]:
        """The limits an exercise breaks, in words (empty when it fits)."""
        areas = load_areas()
        reasons = [f"needs {', '.join(sorted(ex.needs - self.equipment))}"
                   ] if not ex.needs <= self.equipment else []
        reasons += [f"loads {areas[a].name if a in areas else a}"
                    for a in ex.avoid if a in self.avoid]
        if not self.within_cap(ex):
            reasons.append(f"difficulty {ex.difficulty} is above {self.cap}")
        return reasons


def equipment_words(equipment: str | Iterable[str]) -> str:
    """``"home equipment"`` for a profile, ``"only band and box"`` for a list of items."""
    if isinstance(equipment, str):
        return f"{equipment} equipment"
    items = [e for e in equipment if e != "none"]
    if not items:
        return "no equipment"
    return "only " + (f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else items[0])


def nothing_fits_note(candidates: Iterable[Exercise], words: str, limits: Constraints,
                      equipment: str | Iterable[str], level: str | None = None) -> str:
    """Say that none of ``candidates`` (all that train ``words``) fits, and which limits.

    Parameters
    ----------
    candidates
        Every exercise of the library that would train it.
    words
        What they train, for people ("calves and Achilles tendon", "dynamic balance").
    limits
        The runner's limits.
    equipment
        The equipment as the runner gave it (a profile name or the items).
    level
        Experience level, named when the difficulty cap leaves out a candidate that the
        equipment and the areas to spare allow.
    """
    cands = list(candidates)
    if not cands:
        return f"Nothing in the library trains {words}."
    areas = load_areas()
    spared = [a for a in limits.avoid if any(a in ex.avoid for ex in cands)]
    text = f"Nothing in the library trains {words} with {equipment_words(equipment)}"
    fitting = [ex for ex in cands if ex.needs <= limits.equipment
               and not set(ex.avoid) & set(limits.avoid)]
    if level and any(not limits.within_cap(ex) for ex in fitting):
        text += f" at the {level} level"
    if spared:
        text += " while sparing " + " and ".join(areas[a].name for a in spared)
    return text + ": this part of the program is left out rather than broken."


def target_candidates(lib: ExerciseLibrary, target: str,
                      categories: Iterable[str]) -> tuple[list[Exercise], str]:
    """The exercises of ``categories`` that train ``target``, and the target in words."""
    cats = tuple(categories)
    return ([ex for ex in lib if ex.category in cats and target in ex.targets],
            TARGETS.get(target, target))
