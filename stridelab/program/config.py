"""Program settings: the same names on the command line, in a questionnaire TOML and in Python.

A questionnaire gives only what differs from the defaults, e.g.::

    experience = "intermediate"
    equipment = "home"            # or a list: ["dumbbell", "band", "box"]
    season = "off"
    avoid = ["knee"]
    weeks = 10
    start = 2026-12-01            # a TOML date or "2026-12-01"
    days = ["tue", "fri"]         # weekdays of the sessions (default: from the start day)
    time = "07:00"
    deload = false
    name = "Alex"
    single_leg_stance_s = 30      # the single-leg stance self-test, seconds (see below)

Options given on the command line override the questionnaire.

The single-leg stance self-test (``[balance_test]`` of ``exercises.toml``): barefoot on a firm
floor, hands on hips, eyes open, stand on one leg and time it up to 30 s; best of 3 tries, the
weaker leg. The balance block starts from that answer where no balance test was recorded
(the findings of ``stridelab balance`` win: :mod:`stridelab.program.balance_start`); without
either, at single-leg stance on firm ground.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path

import tomllib

from stridelab.errors import InputFileError, StridelabError
from stridelab.program.library import AVOID, EQUIPMENT, ExerciseLibrary, load_library
from stridelab.thresholds import threshold

SEASONS = ("off", "in")
EXPERIENCE = ("novice", "intermediate", "advanced")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def next_monday(today: date | None = None) -> date:
    """The Monday after ``today`` (today itself when it is a Monday)."""
    today = today or date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7)


@dataclass(frozen=True)
class ProgramConfig:
    """Validated program settings.

    Attributes
    ----------
    weeks
        Program length (default ``program.weeks.default``: 8, Balsalobre-Fernandez 2016).
    season
        ``"off"`` (two sessions a week) or ``"in"`` (one, Ronnestad 2010).
    equipment
        A profile of the library (``"home"``, ``"gym"``) or the items available.
    experience
        ``"novice"``, ``"intermediate"`` or ``"advanced"`` (strength-training experience).
    avoid
        Areas to spare (:data:`stridelab.program.library.AVOID`).
    start
        Date of the first session (default: next Monday).
    deload
        Every ``program.deload.every_weeks``-th week lighter (expert opinion).
    days
        Weekdays of the sessions (``"mon"`` ...); default: the start day, then every
        ``7 / sessions`` days.
    time
        Start time of the sessions in the calendar (``"HH:MM"``).
    name
        Whose program (optional, shown in the output).
    single_leg_stance_s
        The single-leg stance self-test, seconds (``None``: not done); the balance ladders
        start from it.
    """

    weeks: int = 0
    season: str = "off"
    equipment: str | tuple[str, ...] = "home"
    experience: str = "novice"
    avoid: tuple[str, ...] = ()
    start: date | None = None
    deload: bool = True
    days: tuple[str, ...] = ()
    time: str = "18:00"
    name: str | None = None
    single_leg_stance_s: float | None = None

    @property
    def sessions_per_week(self) -> int:
        """Two off-season, one in-season (thresholds ``program.sessions_per_week.*``)."""
        return int(threshold(f"program.sessions_per_week.{self.season}_season"))

    def equipment_items(self, library: ExerciseLibrary | None = None) -> frozenset[str]:
        """Equipment available (profile resolved through the library)."""
        if isinstance(self.equipment, str):
            lib = library or load_library()
            return frozenset(lib.profiles[self.equipment])
        return frozenset(self.equipment) | {"none"}

    def weekday_offsets(self) -> list[int]:
        """Day offsets of the sessions within a week, counted from the start date."""
        start = self.start or next_monday()
        n = self.sessions_per_week
        if not self.days:
            return [round(i * 7 / n) for i in range(n)]
        return sorted((WEEKDAYS.index(d) - start.weekday()) % 7 for d in self.days)

    def to_dict(self) -> dict:
        """JSON-ready dictionary."""
        d = asdict(self)
        d["start"] = (self.start or next_monday()).isoformat()
        for k in ("avoid", "days"):
            d[k] = list(d[k])
        if not isinstance(self.equipment, str):
            d["equipment"] = list(self.equipment)
        d["sessions_per_week"] = self.sessions_per_week
        return d


def _as_list(value, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = [v.strip().lower() for v in value.split(",")]
    elif isinstance(value, list | tuple):
        items = [str(v).strip().lower() for v in value]
    else:
        raise StridelabError(f"{name} must be a list or a comma-separated string")
    return tuple(i for i in items if i)


def make_config(library: ExerciseLibrary | None = None, **values) -> ProgramConfig:
    """Build and check a :class:`ProgramConfig` from plain values (CLI, TOML or dict).

    ``None`` values take the default. Raises :class:`StridelabError` with a one-line message
    for anything out of range.
    """
    lib = library or load_library()
    known = {f.name for f in fields(ProgramConfig)}
    unknown = set(values) - known
    if unknown:
        raise StridelabError(f"unknown program setting(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(known))}")
    v = {k: x for k, x in values.items() if x is not None}
    weeks = int(v.get("weeks", threshold("program.weeks.default")))
    if not 1 <= weeks <= 52:
        raise StridelabError(f"weeks must be 1-52, got {weeks}")
    season = str(v.get("season", "off")).lower()
    if season not in SEASONS:
        raise StridelabError(f"season must be one of {', '.join(SEASONS)}, got {season!r}")
    experience = str(v.get("experience", "novice")).lower()
    if experience not in EXPERIENCE:
        raise StridelabError(
            f"experience must be one of {', '.join(EXPERIENCE)}, got {experience!r}")
    equipment = v.get("equipment", "home")
    if isinstance(equipment, str) and equipment.strip().lower() in lib.profiles:
        equipment = equipment.strip().lower()
    else:
        equipment = _as_list(equipment, "equipment")
        bad = set(equipment) - set(EQUIPMENT)
        if bad or not equipment:
            raise StridelabError(
                f"equipment must be one of {', '.join(lib.profiles)} or a list of items "
                f"({', '.join(EQUIPMENT)}); unknown: {', '.join(sorted(bad)) or 'empty'}")
    avoid = _as_list(v.get("avoid"), "avoid")
    bad = set(avoid) - set(AVOID)
    if bad:
        raise StridelabError(f"cannot avoid {', '.join(sorted(bad))}; "
                             f"known areas: {', '.join(AVOID)}")
    start = v.get("start")
    if isinstance(start, datetime):
        start = start.date()
    elif isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError as exc:
            raise StridelabError(f"start must be a date YYYY-MM-DD, got {start!r}") from exc
    time = str(v.get("time", "18:00"))
    try:
        datetime.strptime(time, "%H:%M")
    except ValueError as exc:
        raise StridelabError(f"time must be HH:MM, got {time!r}") from exc
    cfg = ProgramConfig(
        weeks=weeks, season=season, equipment=equipment, experience=experience,
        avoid=tuple(sorted(set(avoid))), start=start, deload=bool(v.get("deload", True)),
        days=_as_list(v.get("days"), "days"), time=time, name=v.get("name"),
        single_leg_stance_s=_stance_seconds(v.get("single_leg_stance_s")))
    _check_days(cfg)
    return cfg


def _stance_seconds(value) -> float | None:
    """The self-test answer in seconds, checked (0-600; the test itself stops at 30)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise StridelabError(f"single_leg_stance_s must be seconds, got {value!r}") from None
    if not 0 <= seconds <= 600:
        raise StridelabError(f"single_leg_stance_s must be 0-600 s, got {seconds:g}")
    return seconds


def _check_days(cfg: ProgramConfig) -> None:
    bad = set(cfg.days) - set(WEEKDAYS)
    if bad:
        raise StridelabError(f"days must be weekday names ({', '.join(WEEKDAYS)}), "
                             f"got {', '.join(sorted(bad))}")
    n = cfg.sessions_per_week
    if cfg.days and len(set(cfg.days)) != n:
        raise StridelabError(f"{cfg.season}-season programs have {n} session(s) a week: "
                             f"give {n} day(s), got {', '.join(cfg.days)}")
    offsets = cfg.weekday_offsets()
    gap = int(threshold("program.schedule.min_days_between"))
    gaps = [b - a for a, b in zip(offsets, offsets[1:] + [offsets[0] + 7], strict=True)]
    if n > 1 and min(gaps) < gap:
        raise StridelabError(f"sessions need at least {gap} days between them (48 h, "
                             f"ACSM 2009): {', '.join(cfg.days)} are too close")


def read_questionnaire(path: str | Path) -> dict:
    """Read a questionnaire TOML into plain values for :func:`make_config`.

    Raises
    ------
    InputFileError
        When the file cannot be read, is not TOML, or has keys :class:`ProgramConfig` does not
        know.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"not a valid TOML questionnaire: {exc}") from exc
    known = {f.name for f in fields(ProgramConfig)}
    unknown = set(data) - known
    if unknown:
        raise InputFileError(path, f"unknown setting(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(known))}")
    return data
