"""``stridelab strength``: record strength & balance workouts and get the next prescription.

``stridelab log`` is the earlier name (and ``strength workout`` of ``strength log``), kept as
hidden aliases. With ``--program`` (or ``$STRIDELAB_PROGRAM``) the log applies the plan's own
dose rule: the target the plan gives the exercise that week, and variants that fit the
runner's equipment, areas to spare and experience level.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stridelab.cli import options as opt
from stridelab.errors import StridelabError
from stridelab.program.constraints import Constraints
from stridelab.program.dose import STRONGER_BAND, kind_of
from stridelab.program.library import Exercise, load_library
from stridelab.program.model import Program
from stridelab.program.overload import NextPrescription, OverloadRule, Performance
from stridelab.program.program_file import planned_item, program_limits, read_program
from stridelab.store.workouts import WorkoutEntry, WorkoutLog

app = typer.Typer(
    short_help="Strength & balance workouts: log them, see the next prescription.",
    help="Strength & balance workout log (SQLite, the training-log database) and the next "
    "prescription by the ACSM 2009 overload rule.",
    no_args_is_help=True,
    cls=opt.Group,
)

DbOption = opt.db_option()
ProgramOption = Annotated[Path | None, typer.Option(
    "--program", envvar="STRIDELAB_PROGRAM", metavar=opt.PATH,
    help="program.json written by `stridelab plan` (or its folder): its targets, and "
    "variants within its equipment and areas to avoid.",
)]


def _exercise(exercise_id: str) -> Exercise:
    lib = load_library()
    if exercise_id in lib:
        return lib[exercise_id]
    close = difflib.get_close_matches(exercise_id, list(lib.exercises), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise StridelabError(f"unknown exercise {exercise_id!r}{hint} (ids are in program.json "
                         "and stridelab/data/exercises.toml)")


def _numbers(text: str, what: str, cast):
    try:
        return [cast(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise StridelabError(f"{what} must be numbers separated by commas, got {text!r}") from None


def _per_set(values: list, sets: int, what: str) -> list:
    if len(values) == 1:
        return values * sets
    if len(values) != sets:
        raise StridelabError(f"{sets} sets but {len(values)} {what} values: give one value, or "
                             "one per set")
    return values


def _performance(e: WorkoutEntry) -> Performance:
    return Performance(e.exercise_id, e.reps, e.loads_kg, e.target_reps, e.rpe)


def next_for(entries: list[WorkoutEntry], increment: float | None = None,
             limits: Constraints | None = None) -> NextPrescription:
    """Next prescription from an exercise's entries (oldest first), within the limits."""
    previous = _performance(entries[-2]) if len(entries) > 1 else None
    return OverloadRule(increment, limits=limits).progress(_performance(entries[-1]),
                                                           previous).next_


def default_target(ex: Exercise, day: date, program: Program | None,
                   rx: NextPrescription | None) -> tuple[int, str]:
    """The target a set list aims at when ``--target`` is not given, and where it is from.

    A loaded exercise keeps the plan's rep target of the week (its load progresses); other
    exercises progress their reps, seconds or contacts, so the last prescription wins. Then
    the plan's target, then the library's.
    """
    item = planned_item(program, ex.id, day) if program is not None else None
    same = rx is not None and rx.exercise_id == ex.id
    if item is not None and (ex.external_load or not same):
        return item.reps, f"the plan's target for {day:%d %b}"
    if same:
        return rx.target_reps, "the last prescription"
    why = "no --program" if program is None else "not in the program"
    return ex.reps, f"the library's default, {why}"


def _load(x: float | None) -> str:
    return "bodyweight" if not x else f"{x:g} kg"


def _describe(rx: NextPrescription) -> str:
    unit = "" if rx.unit == "reps" else f" {rx.unit}"
    kind = kind_of(load_library()[rx.exercise_id])
    if kind == "band":
        band = "the next stronger band" if rx.action == STRONGER_BAND else "the same band"
        return f"{rx.name}: {rx.sets} x {rx.target_reps}{unit} with {band}"
    new_loaded = rx.load_kg is None and kind == "loaded"
    load = "a load with 2-3 reps in reserve" if new_loaded else _load(rx.load_kg)
    change = f" ({rx.change_pct:+.1f} %)" if rx.change_pct is not None else ""
    return f"{rx.name}: {rx.sets} x {rx.target_reps}{unit} at {load}{change}"


@app.command("log", cls=opt.Command)
def workout_command(
    exercise: Annotated[str, typer.Option("--exercise", "-e", metavar=opt.ID,
                                          help="Exercise id, e.g. str_goblet_squat (see "
                                          "program.json).")],
    sets: Annotated[int, typer.Option("--sets", min=1, max=20, metavar=opt.N,
                                      help="Sets done.")],
    reps: Annotated[str, typer.Option("--reps", metavar=opt.comma(opt.N),
                                      help="Reps (or seconds, metres, contacts) per set: "
                                      "8,8,10; one value for all sets.")],
    load: Annotated[str | None, typer.Option("--load", metavar=opt.comma(opt.KG),
                                             help="Load in kg: 40, or one per set "
                                             "(40,40,42.5); leave out for bodyweight.")] = None,
    rpe: Annotated[float | None, typer.Option("--rpe", min=0, max=10, metavar=opt.RPE,
                                              help="Effort, CR-10 (e.g. 8).")] = None,
    day: Annotated[datetime | None, typer.Option("--date", formats=["%Y-%m-%d"],
                                                 metavar=opt.DATE,
                                                 help="Day done (default today).")] = None,
    target: Annotated[int | None, typer.Option("--target", min=1, metavar=opt.N,
                                               help="Target reps aimed at (default: the plan's "
                                               "with --program, else the last prescription, "
                                               "else the library's).")] = None,
    note: Annotated[str | None, typer.Option("--note", metavar=opt.TEXT,
                                             help="Free text.")] = None,
    increment: Annotated[float | None, typer.Option("--increment", min=0.1, metavar=opt.KG,
                                                    help="Smallest load step you have, "
                                                    "kg.")] = None,
    db: DbOption = None,
    program_path: ProgramOption = None,
) -> None:
    """Record one exercise of a workout; prints the next session's prescription."""
    ex = _exercise(exercise)
    reps_done = _per_set(_numbers(reps, "--reps", int), sets, "--reps")
    if min(reps_done) < 0:
        raise StridelabError("--reps must not be negative")
    loads: list[float | None] = [None] * sets
    if load is not None:
        values = _per_set(_numbers(load, "--load", float), sets, "--load")
        if min(values) < 0:
            raise StridelabError("--load must not be negative")
        loads = [v or None for v in values]
    console = Console()
    program = read_program(program_path) if program_path else None
    limits = program_limits(program) if program else None
    when = day.date() if day else date.today()
    origin = "given"
    with WorkoutLog(db) as log:
        history = log.entries(ex.id)
        if target is None:
            last = next_for(history, increment, limits) if history else None
            target, origin = default_target(ex, when, program, last)
        entry = log.add(when, ex.id, target, ex.unit, reps_done, loads, rpe, note)
        history.append(entry)
        rx = next_for(history, increment, limits)
        path = log.path
    _warn_limits(console, ex, limits)
    unit = "reps" if ex.unit == "reps" else ex.unit
    loads_text = ", ".join(dict.fromkeys(_load(x) for x in entry.loads_kg))
    if kind_of(ex) == "band" and not any(entry.loads_kg):
        loads_text = "a band"
    console.print(f"logged {entry.day:%Y-%m-%d} {ex.name} ({ex.id}): {sets} sets of "
                  f"{', '.join(map(str, entry.reps))} {unit} at {loads_text}, target "
                  f"{entry.target_reps} ({origin})"
                  + (f", RPE {rpe:g}" if rpe is not None else "") + f" -> {escape(str(path))}")
    console.print(f"next: [bold]{escape(_describe(rx))}[/] ({rx.action})")
    console.print(f"[dim]{escape(rx.reason)}[/]")


app.command("workout", cls=opt.Command, hidden=True)(workout_command)  # the earlier name


def _warn_limits(console: Console, ex: Exercise, limits: Constraints | None) -> None:
    """Say when a logged exercise breaks the program's limits (it is still logged)."""
    broken = limits.why_not(ex) if limits is not None else []
    if broken:
        console.print(f"[yellow]note: {escape(ex.name)} is outside the program's limits "
                      f"({escape('; '.join(broken))})[/]")


@app.command("next", cls=opt.Command)
def next_command(
    exercise: Annotated[str | None, typer.Option("--exercise", "-e", metavar=opt.ID,
                                                 help="Only this exercise.")] = None,
    increment: Annotated[float | None, typer.Option("--increment", min=0.1, metavar=opt.KG,
                                                    help="Smallest load step you have, "
                                                    "kg.")] = None,
    db: DbOption = None,
    program_path: ProgramOption = None,
) -> None:
    """Show the next prescription for every logged exercise (or one)."""
    limits = program_limits(read_program(program_path)) if program_path else None
    if exercise is not None:
        _exercise(exercise)
    with WorkoutLog(db) as log:
        ids = [exercise] if exercise else log.exercises()
        histories = {i: log.entries(i) for i in ids}
    histories = {i: h for i, h in histories.items() if h}
    console = Console()
    if not histories:
        console.print("No workouts logged yet: `stridelab strength log --exercise ID --sets 3 "
                      "--reps 8,8,8 --load 40`.")
        return
    table = Table(title="Next prescription (ACSM 2009: +2-10 % when the target is beaten by "
                  "1-2 reps)")
    for column in ("exercise", "last", "next", "action", "why"):
        table.add_column(column, overflow="fold")
    for i, entries in histories.items():
        last = entries[-1]
        rx = next_for(entries, increment, limits)
        loads = ", ".join(dict.fromkeys(_load(x) for x in last.loads_kg))
        table.add_row(i, f"{last.day:%d %b}: {','.join(map(str, last.reps))} at {loads} "
                      f"(target {last.target_reps})", _describe(rx), rx.action, rx.reason)
    console.print(table)


@app.command("list", cls=opt.Command)
def list_command(
    exercise: Annotated[str | None, typer.Option("--exercise", "-e", metavar=opt.ID,
                                                 help="Only this exercise.")] = None,
    last: Annotated[int, typer.Option("--last", min=0, metavar=opt.N,
                                      help="Only the latest N (0: all).")] = 0,
    db: DbOption = None,
) -> None:
    """List logged workouts, oldest first."""
    with WorkoutLog(db) as log:
        entries = log.entries(exercise)
    if last:
        entries = entries[-last:]
    table = Table(title=f"Workout log ({len(entries)} entries)")
    for column in ("id", "date", "exercise", "sets", "load", "target", "RPE", "note"):
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("id", "target", "RPE") else "left")
    for e in entries:
        table.add_row(str(e.id), f"{e.day:%Y-%m-%d}", e.exercise_id,
                      ", ".join(map(str, e.reps)) + ("" if e.unit == "reps" else f" {e.unit}"),
                      ", ".join(dict.fromkeys(_load(x) for x in e.loads_kg)),
                      str(e.target_reps), "-" if e.rpe is None else f"{e.rpe:g}", e.note or "")
    Console().print(table)
