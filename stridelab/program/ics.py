"""iCalendar export of a program's sessions (RFC 5545, through the ``icalendar`` package).

One ``VEVENT`` per planned session at the program's start time (floating local time, so the
session stays at 18:00 wherever the calendar is opened), with the estimated duration and the
exercises, doses and rest in the description.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from icalendar import Calendar, Event

from stridelab import __version__
from stridelab.program.model import Program, Session


def _description(session: Session, week_deload: bool) -> str:
    lines = []
    if week_deload:
        lines.append("Deload week (expert opinion): lighter on purpose.")
    for block in session.blocks:
        lines.append(f"{block.name.upper()}")
        for it in block.items:
            effort = f", RPE {it.rpe:g}" if it.rpe is not None else ""
            lines.append(f"- {it.name}: {it.dose}{effort}, rest {it.rest_s} s")
    lines.append("Made with stridelab: general guidance, not a diagnosis or a treatment.")
    return "\n".join(lines)


def program_calendar(program: Program) -> Calendar:
    """The program as an :class:`icalendar.Calendar` (one event per session)."""
    cal = Calendar()
    cal.add("prodid", f"-//stridelab {__version__}//strength and balance program//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "stridelab strength & balance")
    stamp = (datetime.fromisoformat(program.created) if program.created
             else datetime.now(timezone.utc))
    uid_seed = hashlib.sha256(f"{program.created}{program.config}".encode()).hexdigest()[:16]
    for week in program.weeks:
        for s in week.sessions:
            hour, minute = (int(x) for x in s.time.split(":"))
            start = datetime.combine(date.fromisoformat(s.date), datetime.min.time()).replace(
                hour=hour, minute=minute)
            ev = Event()
            ev.add("uid", f"{uid_seed}-w{s.week}-{s.label}@stridelab")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", start)
            ev.add("duration", timedelta(minutes=s.duration_min))
            deload = " (deload)" if week.deload else ""
            ev.add("summary", f"Strength & balance {s.label}, week {s.week}{deload}")
            ev.add("description", _description(s, week.deload))
            ev.add("categories", ["stridelab", "strength", "balance"])
            cal.add_component(ev)
    return cal


def write_ics(program: Program, path: str | Path) -> Path:
    """Write the program's sessions to an ``.ics`` file; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(program_calendar(program).to_ical())
    return path
