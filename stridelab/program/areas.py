"""Areas a runner can ask the program to spare: ``stridelab/data/avoid_areas.toml``.

A safety rule kept as data: each area lists, with the reason and its source, which exercises
load it (by movement pattern, category or id). :func:`areas_of` gives the areas an exercise
loads; the library stores them on every exercise (``Exercise.avoid``), and the generator, the
progression notes and the overload rule's substitutions all filter through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Protocol

import tomllib

from stridelab.errors import InputFileError
from stridelab.thresholds import EVIDENCE_GRADES

AREAS_FILE = "avoid_areas.toml"


class _Matchable(Protocol):
    id: str
    category: str
    pattern: str


@dataclass(frozen=True)
class AreaRule:
    """Which exercises load an area, and why.

    Attributes
    ----------
    what
        The exercises in words ("calf raises: straight- or bent-knee ...").
    reason, source, evidence
        Why they load the area, where that comes from and its evidence grade.
    patterns, categories, exercises
        Matched movement patterns, categories and exercise ids.
    """

    what: str
    reason: str
    source: str
    evidence: str
    patterns: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()

    def matches(self, ex: _Matchable) -> bool:
        """True when this rule names the exercise."""
        return (ex.pattern in self.patterns or ex.category in self.categories
                or ex.id in self.exercises)


@dataclass(frozen=True)
class AvoidArea:
    """One area (``knee``, ``achilles`` ...): its name for people and its rules."""

    key: str
    name: str
    rules: tuple[AreaRule, ...]

    def rule_for(self, ex: _Matchable) -> AreaRule | None:
        """The first rule naming the exercise, or ``None`` when it spares this area."""
        return next((r for r in self.rules if r.matches(ex)), None)


def _rule(area: str, entry: dict, origin: str) -> AreaRule:
    fields = set(AreaRule.__dataclass_fields__)
    unknown = set(entry) - fields
    missing = {"what", "reason", "source", "evidence"} - set(entry)
    if unknown or missing:
        raise InputFileError(origin, f"area {area}: rule with unknown {sorted(unknown)} "
                             f"missing {sorted(missing)}")
    if entry["evidence"] not in EVIDENCE_GRADES:
        raise InputFileError(origin, f"area {area}: evidence {entry['evidence']!r} not one of "
                             f"{', '.join(EVIDENCE_GRADES)}")
    rule = AreaRule(**{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()})
    if not (rule.patterns or rule.categories or rule.exercises):
        raise InputFileError(origin, f"area {area}: a rule matches no exercise ({rule.what})")
    return rule


def areas_from_toml(text: str, origin: str = AREAS_FILE) -> dict[str, AvoidArea]:
    """Parse the areas file; raises :class:`InputFileError` for anything malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(origin, f"not valid TOML: {exc}") from exc
    areas = {}
    for key, table in data.items():
        if not isinstance(table, dict) or "name" not in table or not table.get("rule"):
            raise InputFileError(origin, f"area {key}: needs a name and at least one rule")
        rules = tuple(_rule(key, r, origin) for r in table["rule"])
        areas[key] = AvoidArea(key, table["name"], rules)
    return areas


@lru_cache(maxsize=1)
def load_areas() -> dict[str, AvoidArea]:
    """The packaged areas (``stridelab/data/avoid_areas.toml``), in file order."""
    text = resources.files("stridelab.data").joinpath(AREAS_FILE).read_text("utf-8")
    return areas_from_toml(text, f"stridelab/data/{AREAS_FILE}")


def areas_of(ex: _Matchable, areas: dict[str, AvoidArea] | None = None) -> tuple[str, ...]:
    """Keys of the areas an exercise loads (in the areas' order)."""
    areas = load_areas() if areas is None else areas
    return tuple(k for k, a in areas.items() if a.rule_for(ex) is not None)
