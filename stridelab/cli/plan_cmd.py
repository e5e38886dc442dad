"""``stridelab plan``: a strength & balance program from the findings of results folders."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stridelab.assess.model import TARGETS
from stridelab.cli import options as opt
from stridelab.program.config import read_questionnaire
from stridelab.program.findings_files import merge_findings, read_results
from stridelab.program.generator import ProgramGenerator
from stridelab.program.model import GENERAL, Item, Program, Session
from stridelab.program.render import week_changes

SEVERITY_STYLE = {"concern": "bold red", "watch": "yellow", "ok": "green"}


def plan(
    results: Annotated[list[Path], typer.Argument(
        metavar=opt.many(opt.RESULTS),
        help="Results folders (with findings.json, or summary.json to assess now) or "
        "findings.json files.")],
    weeks: Annotated[int | None, typer.Option(
        "--weeks", min=1, max=52, metavar=opt.N,
        help="Program length in weeks (default 8).")] = None,
    season: Annotated[str | None, typer.Option(
        "--season", metavar=opt.choice("off", "in"),
        help="off: 2 sessions a week; in: 1 a week (maintenance).")] = None,
    equipment: Annotated[str | None, typer.Option(
        "--equipment", metavar=opt.comma("ITEM"),
        help="home, gym, or a list: dumbbell,band,box ...")] = None,
    experience: Annotated[str | None, typer.Option(
        "--experience", metavar="LEVEL",
        help="novice, intermediate or advanced (strength training).")] = None,
    avoid: Annotated[str | None, typer.Option(
        "--avoid", metavar=opt.comma("AREA"),
        help="Areas to spare: knee,achilles,ankle,hip,lower_back,shoulder.")] = None,
    questionnaire: Annotated[Path | None, typer.Option(
        "--questionnaire", metavar=opt.FILE,
        help="TOML with the same settings (the options here win).")] = None,
    start: Annotated[datetime | None, typer.Option(
        "--start", formats=["%Y-%m-%d"], metavar=opt.DATE,
        help="First session (default: next Monday).")] = None,
    deload: Annotated[bool | None, typer.Option(
        "--deload/--no-deload", help="Every 4th week lighter (expert opinion; default on).",
    )] = None,
    days: Annotated[str | None, typer.Option(
        "--days", metavar=opt.comma("DAY"),
        help="Weekdays of the sessions, e.g. tue,fri.")] = None,
    time: Annotated[str | None, typer.Option(
        "--time", metavar=opt.TIME,
        help="Session start time for the calendar, HH:MM (default 18:00).")] = None,
    single_leg_stance_s: Annotated[float | None, typer.Option(
        "--single-leg-stance-s", min=0, max=600, metavar="SECONDS",
        help="Single-leg stance self-test: barefoot, hands on hips, eyes open, best of 3 "
        "tries on the weaker leg, up to 30 s. The balance block starts from it (default: "
        "single-leg stance on firm ground).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar=opt.FOLDER,
        help="Folder for program.json (default: the first results folder).")] = None,
    ics: Annotated[bool, typer.Option(
        "--ics", help="Also write program.ics (iCalendar) with the planned sessions.")] = False,
) -> None:
    """Make a strength & balance program for the findings (SAID), with progressions.

    Two sessions a week off-season, one in-season; warm-up, balance (one step at a time),
    plyometrics where appropriate and mainly compound strength work; ACSM 2009 overload.
    """
    settings = read_questionnaire(questionnaire) if questionnaire else {}
    given = {"weeks": weeks, "season": season, "equipment": equipment,
             "experience": experience, "avoid": avoid, "deload": deload, "days": days,
             "time": time, "start": start.date() if start else None,
             "single_leg_stance_s": single_leg_stance_s}
    settings.update({k: v for k, v in given.items() if v is not None})
    groups, origins = [], []
    for path in results:
        found, origin = read_results(path)
        groups.append(found)
        origins.append(origin)
    findings = merge_findings(groups)
    program = ProgramGenerator(**settings).generate(findings).program_
    folder = out or (results[0] if results[0].is_dir() else results[0].parent)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "program.json"
    target.write_text(json.dumps(program.to_dict(), indent=2) + "\n", encoding="utf-8")
    console = Console()
    print_program(console, program, origins, target)
    console.print(f"wrote {target}")
    if ics:
        from stridelab.program.ics import write_ics

        console.print(f"wrote {write_ics(program, folder / 'program.ics')} "
                      f"({len(program.sessions)} sessions)")


def _answers(it: Item, titles: dict[str, str]) -> str:
    if it.category == "warm-up":
        return "warm-up"
    if it.answers == [GENERAL]:
        return "general"
    return "; ".join(titles.get(a, a) for a in it.answers)


def _session_table(s: Session, titles: dict[str, str]) -> Table:
    """One session, block by block.

    Every exercise shows its id (what ``strength log`` takes) under its name, and its dose
    with the effort and the rest between sets.
    """
    table = Table(title=f"Week {s.week}, session {s.label}: {date.fromisoformat(s.date):%a %d %b}"
                  f" {s.time}, about {s.duration_min} min", title_justify="left")
    for column in ("exercise", "dose", "answers"):
        table.add_column(column, overflow="fold")
    for block in s.blocks:
        table.add_row(f"[bold]{escape(block.name)}[/]", "", "")
        for i, it in enumerate(block.items):
            extra = ", ".join(([f"RPE {it.rpe:g}"] if it.rpe is not None else [])
                              + ([f"rest {it.rest_s} s"] if it.rest_s else []))
            table.add_row(f"{escape(it.name)}\n[dim]{escape(it.exercise_id)}[/]",
                          f"{it.dose}\n[dim]{extra}[/]" if extra else it.dose,
                          escape(_answers(it, titles)), end_section=i == len(block.items) - 1)
    return table


def print_program(console: Console, program: Program, origins: list[str],
                  path: Path | None = None) -> None:
    """Print a program summary: settings, findings answered, week 1, the weeks, notes.

    Every exercise shows its id (what ``stridelab strength log`` takes); ``path`` is the
    written ``program.json``, named in the logging hint.
    """
    c = program.config
    equipment = c["equipment"] if isinstance(c["equipment"], str) else ",".join(c["equipment"])
    console.rule(f"Strength & balance program: {c['weeks']} weeks, {c['season']}-season, "
                 f"{c['sessions_per_week']}/week, {equipment}, {c['experience']}"
                 + (f", avoiding {','.join(c['avoid'])}" if c["avoid"] else ""))
    console.print("[dim]findings from " + escape("; ".join(origins)) + "[/]")
    titles = {f["key"]: f["title"] for f in program.findings}
    if program.findings:
        names = {it.exercise_id: it.name for s in program.sessions for it in s.items}
        table = Table(title="Findings the program answers (SAID)", title_justify="left")
        for column in ("finding", "severity", "trains", "answered by"):
            table.add_column(column, overflow="fold")
        for f in program.findings:
            by = [names[i] for i in f["answered_by"] if not i.startswith("wu_")]
            table.add_row(f["title"] + (f" ({f['side']})" if f.get("side") else ""),
                          f"[{SEVERITY_STYLE.get(f['severity'], '')}]{f['severity']}[/]",
                          ", ".join(TARGETS.get(t, t) for t in f["targets"]),
                          ", ".join(by[:5]) + (f" +{len(by) - 5} more" if len(by) > 5 else "")
                          or "[red]none under these constraints[/]")
        console.print(table)
    else:
        console.print("No finding asks for specific work: general runner program.")
    for s in program.weeks[0].sessions:
        console.print(_session_table(s, titles))
    overview = Table(title="Week by week", title_justify="left")
    for column in ("week", "phase", "dates", "what changes"):
        overview.add_column(column, overflow="fold")
    prev = None
    for w in program.weeks:
        overview.add_row(str(w.number), w.phase + (" [yellow](deload)[/]" if w.deload else ""),
                         ", ".join(f"{date.fromisoformat(s.date):%d %b}" for s in w.sessions),
                         week_changes(prev, w))
        prev = w
    console.print(overview)
    where = escape(str(path)) if path is not None else "program.json"
    console.print("Each exercise's dose says when it progresses. Log it by its id (the grey "
                  f"line under its name): `stridelab strength log --program {where} -e ID "
                  "--sets N --reps 10,10 [--load KG]`; the next prescription follows the same "
                  f"rule: `stridelab strength next --program {where}`.")
    for note in program.notes:
        console.print(f"[dim]- {escape(note)}[/]")
