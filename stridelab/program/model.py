"""What the program generator produces: :class:`Program` (written as ``program.json``).

A program is weeks of sessions; a session is blocks (warm-up, balance, plyometrics,
strength) of :class:`Item` s. Every item names the findings it answers (``answers``: finding
keys, or ``["general"]`` for the general runner program) so the runner and the clinician can
see why it is there (SAID principle).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SCHEMA = "stridelab.program/1"
GENERAL = "general"
"""The ``answers`` entry of an exercise that no finding asked for (general runner program)."""


@dataclass
class Item:
    """One prescribed exercise in a session.

    Attributes
    ----------
    exercise_id, name, category
        From the library.
    sets, reps, unit
        Dose: ``reps`` is repetitions, seconds, metres or foot contacts per set (``unit``).
    per_side
        The dose is per leg / per side.
    rest_s
        Rest between sets.
    rir, rpe
        Effort: reps in reserve and the matching RPE (10 - RIR); ``None`` for holds and drills.
    load
        Load guidance in words (how heavy, and when to add load).
    cues
        Coaching cues.
    answers
        Keys of the findings this exercise answers, or ``["general"]``.
    why
        One line: what it trains and for which finding.
    difficulty, equipment
        From the library.
    slot
        Stable name of the place in the session (e.g. ``"balance-static"``, ``"lower-2"``), so
        one slot can be followed across weeks.
    """

    exercise_id: str
    name: str
    category: str
    sets: int
    reps: int
    unit: str
    per_side: bool
    rest_s: int
    rir: int | None
    rpe: float | None
    load: str
    cues: list[str]
    answers: list[str]
    why: str
    difficulty: int
    equipment: list[str]
    slot: str

    @property
    def dose(self) -> str:
        """E.g. ``"3 x 10 reps per side"``."""
        unit = {"reps": "", "s": " s", "m": " m", "contacts": " contacts"}[self.unit]
        side = " per side" if self.per_side else ""
        return f"{self.sets} x {self.reps}{unit}{side}"


@dataclass
class Block:
    """Part of a session: ``warm-up``, ``balance``, ``plyometrics`` or ``strength``."""

    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Session:
    """One planned session: week, letter (A/B), date, start time, estimated length, blocks."""

    week: int
    label: str
    date: str
    time: str
    duration_min: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        """All items in order."""
        return [item for block in self.blocks for item in block.items]


@dataclass
class Week:
    """One week: its number, phase, whether it is a deload week, and its sessions."""

    number: int
    phase: str
    deload: bool
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Program:
    """A whole program.

    Attributes
    ----------
    config
        The settings it was made with (weeks, season, equipment, experience, avoid, ...).
    findings
        The findings it answers: key, title, severity, targets, side, source, evidence and
        ``answered_by`` (exercise ids).
    rules
        The rules applied, each with its source and evidence grade.
    weeks
        The weeks.
    notes
        Anything the runner should know (e.g. a finding no exercise could answer under the
        constraints, or plyometrics left out because of ``--avoid``).
    """

    config: dict
    findings: list[dict]
    rules: list[dict]
    weeks: list[Week]
    notes: list[str] = field(default_factory=list)
    created: str = ""
    schema: str = SCHEMA

    @property
    def sessions(self) -> list[Session]:
        """All sessions in date order."""
        return [s for w in self.weeks for s in w.sessions]

    def to_dict(self) -> dict:
        """Plain JSON-ready dictionary."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Program:
        """Inverse of :meth:`to_dict` (e.g. for ``program.json`` read back)."""
        weeks = []
        for w in d["weeks"]:
            sessions = []
            for s in w["sessions"]:
                blocks = [Block(b["name"], [Item(**i) for i in b["items"]]) for b in s["blocks"]]
                sessions.append(Session(**{**s, "blocks": blocks}))
            weeks.append(Week(**{**w, "sessions": sessions}))
        return cls(config=d["config"], findings=d["findings"], rules=d["rules"], weeks=weeks,
                   notes=d.get("notes", []), created=d.get("created", ""),
                   schema=d.get("schema", SCHEMA))
