"""The program as a self-contained HTML fragment for the report (no scripts, styles or assets).

Semantic markup only (sections, tables, lists, ``details``), class names prefixed ``sl-``; the
report page supplies the styling. Every text is escaped. The report puts the fragment inside
its own ``<section>`` with an ``<h2>``, so headings here start at ``<h3>``. Every exercise shows
its id (``<code class="sl-id">``), the one ``stridelab strength log --exercise`` takes.
"""

from __future__ import annotations

from datetime import date
from html import escape

from stridelab.assess.model import TARGETS
from stridelab.program.model import GENERAL, Item, Program, Session, Week


def _e(x) -> str:
    return escape(str(x), quote=True)


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%a %d %b %Y")


def _meta(p: Program) -> str:
    c = p.config
    equipment = c["equipment"] if isinstance(c["equipment"], str) else ", ".join(c["equipment"])
    parts = [f"{c['weeks']} weeks", f"{c['season']}-season",
             f"{c['sessions_per_week']} session(s) a week", f"equipment: {equipment}",
             f"experience: {c['experience']}", f"from {_day(c['start'])}"]
    if c.get("avoid"):
        parts.append(f"avoiding: {', '.join(c['avoid'])}")
    if c.get("deload"):
        parts.append("deload weeks on (expert opinion)")
    who = f"<b>{_e(c['name'])}</b>: " if c.get("name") else ""
    return f'<p class="sl-program-meta">{who}{_e(" · ".join(parts))}</p>'


def _findings(p: Program) -> str:
    if not p.findings:
        return ('<p class="sl-note">No finding asked for specific work: this is the general '
                "runner program (glutes, quadriceps, hamstrings, calves, core, arms and "
                "trunk).</p>")
    names = {it.exercise_id: it.name for s in p.sessions for it in s.items}
    rows = []
    for f in p.findings:
        answered = ", ".join(names.get(i, i) for i in f["answered_by"]
                             if not i.startswith("wu_")) or "not answered under these constraints"
        targets = ", ".join(TARGETS.get(t, t) for t in f["targets"])
        side = f" ({f['side']})" if f.get("side") else ""
        rows.append(
            f'<li class="sl-program-finding"><b>{_e(f["title"])}{_e(side)}</b> '
            f'<span class="sl-badge sl-{_e(f["severity"])}">{_e(f["severity"])}</span> '
            f'<span class="sl-muted">trains {_e(targets)}</span>: {_e(answered)}</li>')
    return (f'<section class="sl-program-findings"><h3>What the program answers</h3>'
            f'<ul>{"".join(rows)}</ul></section>')


def _rules(p: Program) -> str:
    rows = "".join(
        f"<tr><td>{_e(r['rule'])}</td><td>{_e(format(r['value'], 'g'))} {_e(r['unit'])}</td>"
        f'<td>{_e(r["source"])}</td><td><span class="sl-badge sl-grade">{_e(r["evidence"])}'
        "</span></td></tr>" for r in p.rules)
    return ('<details class="sl-program-rules"><summary>Rules and their evidence</summary>'
            '<div class="sl-table-wrap"><table><thead><tr><th>rule</th><th>value</th>'
            f"<th>source</th><th>evidence</th></tr></thead><tbody>{rows}</tbody></table></div>"
            "</details>")


def _answers(it: Item, titles: dict[str, str]) -> str:
    if it.category == "warm-up":
        return '<span class="sl-muted">warm-up</span>'
    if it.answers == [GENERAL]:
        return '<span class="sl-muted">general</span>'
    return _e("; ".join(titles.get(a, a) for a in it.answers))


def _session(s: Session, titles: dict[str, str]) -> str:
    body = []
    for block in s.blocks:
        body.append(f'<tr class="sl-group sl-block"><th colspan="5">{_e(block.name)}</th></tr>')
        for it in block.items:
            cues = "".join(f"<li>{_e(c)}</li>" for c in it.cues)
            body.append(
                f'<tr class="sl-item sl-{_e(it.category)}"><td><b>{_e(it.name)}</b> '
                f'<code class="sl-id">{_e(it.exercise_id)}</code>'
                f'<ul class="sl-cues">{cues}</ul></td><td>{_e(it.dose)}</td>'
                f"<td>{_e(it.load)}</td><td>{it.rest_s} s</td>"
                f"<td>{_answers(it, titles)}</td></tr>")
    return (f'<article class="sl-session"><h4>Session {_e(s.label)} · {_e(_day(s.date))} · '
            f"about {s.duration_min} min</h4>"
            '<div class="sl-table-wrap"><table class="sl-session-table"><thead><tr>'
            "<th>exercise</th><th>dose</th><th>effort and load</th><th>rest</th>"
            f'<th>answers</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>'
            "</article>")


def week_changes(prev: Week | None, week: Week) -> str:
    """What changes in `week` compared with `prev`, in words (exercise steps, deload, reps)."""
    if prev is None:
        return "start: learn the movements, loads you can lift with reps in reserve"
    notes = []
    if week.deload:
        notes.append("deload: about half the sets, easier effort (expert opinion)")
    for a, b in zip(prev.sessions, week.sessions, strict=False):
        before = {it.slot: it for it in a.items}
        for it in b.items:
            old = before.get(it.slot)
            if old is None and not it.slot.startswith("warm-up"):
                notes.append(f"{b.label}: starts {it.name}")
            elif old is not None and old.exercise_id != it.exercise_id:
                notes.append(f"{b.label}: {old.name} → {it.name}")
    reps_prev = {it.exercise_id: it.reps for s in prev.sessions for it in s.items
                 if it.rpe is not None}
    if prev.deload and not week.deload:
        notes.append("back to full volume")
    elif sum(it.sets for s in week.sessions for it in s.items) > sum(
            it.sets for s in prev.sessions for it in s.items) and not week.deload:
        notes.append("more sets")
    if any(reps_prev.get(it.exercise_id, it.reps) != it.reps and not week.deload
           for s in week.sessions for it in s.items if it.rpe is not None):
        notes.append("new rep targets (heavier loads)")
    return "; ".join(dict.fromkeys(notes)) or "same exercises: progress the load (ACSM 2009)"


LOG_HINT = ('<p class="sl-note sl-program-log">Each exercise shows its id, e.g. '
            '<code class="sl-id">str_goblet_squat</code>: log a set list with '
            "<code>stridelab strength log --program program.json -e ID --sets N --reps "
            "10,10 [--load KG]</code>; the next prescription follows the dose rule written "
            "beside the exercise.</p>")
"""How to log: the ids shown here are what ``stridelab strength log`` takes."""


def program_html(program: Program | dict) -> str:
    """The program as an HTML fragment (``<div class="sl-program">``).

    Parameters
    ----------
    program
        A :class:`~stridelab.program.model.Program` or its :meth:`~Program.to_dict` form.
    """
    p = Program.from_dict(program) if isinstance(program, dict) else program
    titles = {f["key"]: f["title"] for f in p.findings}
    overview = []
    prev = None
    for w in p.weeks:
        dates = ", ".join(_day(s.date) for s in w.sessions)
        overview.append(f"<tr><td>{w.number}</td><td>{_e(w.phase)}"
                        f'{" (deload)" if w.deload else ""}</td><td>{_e(dates)}</td>'
                        f"<td>{_e(week_changes(prev, w))}</td></tr>")
        prev = w
    weeks = []
    for w in p.weeks:
        sessions = "".join(_session(s, titles) for s in w.sessions)
        opened = " open" if w.number == 1 else ""
        label = f"Week {w.number} · {w.phase}{' · deload' if w.deload else ''}"
        weeks.append(f'<details class="sl-week" id="sl-week-{w.number}"{opened}>'
                     f"<summary>{_e(label)}</summary>{sessions}</details>")
    notes = "".join(f"<li>{_e(n)}</li>" for n in p.notes)
    return ('<div class="sl-program">' + _meta(p) + _findings(p) + LOG_HINT
            + '<section class="sl-program-weeks"><h3>Week by week</h3>'
            '<div class="sl-table-wrap"><table class="sl-program-overview"><thead><tr>'
            "<th>week</th><th>phase</th><th>sessions</th><th>what changes</th></tr></thead>"
            f'<tbody>{"".join(overview)}</tbody></table></div>{"".join(weeks)}</section>'
            + _rules(p) + (f'<ul class="sl-note sl-program-notes">{notes}</ul>' if notes else "")
            + "</div>")
