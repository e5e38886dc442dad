"""``stridelab runs``: runs from watch files (the training log) and the training-load guards.

``stridelab load`` is the earlier name, kept as a hidden alias.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stridelab.cli import options as opt
from stridelab.errors import InputFileError, StridelabError
from stridelab.load import metrics
from stridelab.load.log import IMPORTED, PRESENT, REJECTED, ImportOutcome, import_paths
from stridelab.store.db import ActivityStore, StoredActivity
from stridelab.thresholds import threshold

app = typer.Typer(
    short_help="Runs from watch files: import, list, and the training-load guards.",
    help="Runs from watch files (FIT, GPX, TCX, Garmin/Strava export zips) and the "
    "training-load guards: weekly 10 % rule, single-run spike (Frandsen 2025), ACWR "
    "(contested), monotony and strain. Walks, rides ... are listed but left out of the load.",
    no_args_is_help=True,
    cls=opt.Group,
)

DbOption = opt.db_option()


def _hms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _pace(s_per_km: float | None) -> str:
    if not s_per_km:
        return "-"
    s = int(round(s_per_km))
    return f"{s // 60}:{s % 60:02d}/km"


def _km(metres: float | None) -> str:
    return "-" if metres is None else f"{metres / 1000:.2f}"


DAY = "%Y-%m-%d"
"""The one date format of these commands (ISO 8601): the year is always there."""


def _day(day: date | datetime) -> str:
    """A day as ``YYYY-MM-DD``."""
    return f"{day:{DAY}}"


def _table(title: str, columns: Sequence[tuple[str, str]], wrap: Sequence[str] = (),
           narrow: bool = False) -> Table:
    """A table whose cells never wrap, except in the columns named in ``wrap``.

    ``columns`` are ``(name, justify)`` pairs. On a narrow terminal (``narrow``: under 110
    columns) the table drops its rules and keeps one space between columns, so that the
    short cells (dates, numbers, sport) stay whole and only the long ones fold.
    """
    compact = {"box": None, "padding": (0, 1), "collapse_padding": True, "pad_edge": False}
    table = Table(title=title, **(compact if narrow else {}))
    for name, justify in columns:
        folds = name in wrap
        table.add_column(name, justify=justify, no_wrap=not folds,
                         overflow="fold" if folds else "ellipsis")
    return table


def _narrow(console: Console) -> bool:
    """Whether the terminal is narrower than the tables' comfortable width (110 columns)."""
    return console.width < 110


@app.command("import", cls=opt.Command)
def import_command(
    paths: Annotated[list[Path], typer.Argument(
        metavar=opt.many(opt.PATH),
        help="Activity files (.fit, .gpx, .tcx), folders or export zips.")],
    db: DbOption = None,
) -> None:
    """Import activity files; files already in the log are skipped, bad files are named.

    A single file that cannot be used is an error (exit code 2); in a multi-file import the
    bad files are listed with their reasons and the rest are imported.
    """
    console = Console()
    with ActivityStore(db) as store, Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=False,
    ) as progress:
        task = progress.add_task("finding files", total=None)

        def on_start(n: int) -> None:
            progress.update(task, total=n, description="importing")

        def on_file(outcome: ImportOutcome) -> None:
            progress.update(task, advance=1, description=f"importing {Path(outcome.name).name}")

        outcomes = import_paths(store, paths, on_start, on_file)
        progress.update(task, description="imported")
        db_path = store.path
    if not outcomes:
        raise StridelabError("no activity files (.fit, .gpx, .tcx, .zip) found in "
                             + ", ".join(str(p) for p in paths))
    if len(outcomes) == 1 and outcomes[0].status == REJECTED:
        raise InputFileError(outcomes[0].name, outcomes[0].reason or "rejected")
    counts = {s: sum(o.status == s for o in outcomes) for s in (IMPORTED, PRESENT, REJECTED)}
    console.print(f"Training log: {db_path}", soft_wrap=True, highlight=False)
    table = _table("Import", [("result", "left"), ("files", "right")])
    for status, n in counts.items():
        table.add_row(status, str(n))
    console.print(table)
    rejected = [o for o in outcomes if o.status == REJECTED]
    if rejected:
        bad = Table(title="Rejected files (the others were imported)")
        bad.add_column("file", overflow="fold")
        bad.add_column("reason", overflow="fold")
        for o in rejected:
            bad.add_row(o.name, o.reason or "")
        console.print(bad)
    noted = [o for o in outcomes if o.status == IMPORTED and (
        o.warnings or o.sport != "running")]
    if noted:
        console.print(_notes_table(noted))
    if counts[REJECTED] == len(outcomes):
        raise StridelabError(f"none of the {len(outcomes)} files could be imported")


def _notes(outcome: ImportOutcome) -> list[str]:
    extra = [] if outcome.sport == "running" else [
        f"sport '{outcome.sport}': listed, left out of running load"]
    return extra + outcome.warnings


def _notes_table(noted: list[ImportOutcome], per_file_max: int = 20) -> Table:
    """Per file for a few files; for a bulk import, each note once with its file count."""
    table = Table(title="Imported with notes")
    if len(noted) <= per_file_max:
        table.add_column("id", justify="right")
        table.add_column("file", overflow="fold")
        table.add_column("note", overflow="fold")
        for o in noted:
            table.add_row(str(o.activity_id), o.name, "; ".join(_notes(o)))
        return table
    counts: dict[str, int] = {}
    for o in noted:
        for note in _notes(o):
            counts[note] = counts.get(note, 0) + 1
    table.add_column("note", overflow="fold")
    table.add_column("files", justify="right")
    for note, n in sorted(counts.items(), key=lambda item: -item[1]):
        table.add_row(note, str(n))
    table.caption = "`stridelab runs list` shows which activities"
    return table


@app.command("list", cls=opt.Command)
def list_command(
    db: DbOption = None,
    running_only: Annotated[bool, typer.Option("--running-only", help="Only runs.")] = False,
    last: Annotated[int, typer.Option("--last", metavar=opt.N,
                                      help="Show only the latest N (0: all).")] = 0,
) -> None:
    """List the activities in the training log, oldest first."""
    with ActivityStore(db) as store:
        rows = store.activities(include_non_running=not running_only, include_duplicates=True)
    if last > 0:
        rows = rows[-last:]
    console = Console()
    console.print(_activities_table(rows, narrow=console.width < 140))


def _activities_table(rows: list[StoredActivity], narrow: bool = False) -> Table:
    """The training log, one activity a row; ``narrow`` packs it tighter (one space apart).

    Dates, numbers and sports never wrap; the file name (and the notes) fold. Narrow: the
    start without its UTC offset, the pace in min/km without "/km", and the notes under the
    file name in one column.
    """
    names = ("id", "start (local)", "sport", "km", "moving", "min/km" if narrow else "pace",
             "HR", "spm", *(("file, notes",) if narrow else ("file", "notes")))
    table = _table(f"Training log ({len(rows)} activities)",
                   [(n, "right" if n in ("id", "km", "HR", "spm") else "left") for n in names],
                   wrap=("file", "notes", "file, notes"), narrow=narrow)
    for a in rows:
        notes = "; ".join(([f"duplicate of {a.duplicate_of}"] if a.duplicate_of else [])
                          + ([] if a.is_running else ["not in running load"]))
        file = Path(a.source.split("!")[-1]).name
        pace = _pace(a.pace_s_per_km)
        cells = [str(a.id), f"{a.local_start:{DAY} %H:%M}", a.sport, _km(a.distance_m),
                 _hms(a.moving_s), pace.removesuffix("/km") if narrow else pace,
                 f"{a.avg_hr_bpm:.0f}" if a.avg_hr_bpm else "-",
                 f"{a.avg_cadence_spm:.0f}" if a.avg_cadence_spm else "-"]
        if narrow:
            cells.append(escape(file) + (f"\n[dim]{escape(notes)}[/]" if notes else ""))
        else:
            cells[1] += f" {a.local_start:%z}"
            cells += [escape(file), escape(notes)]
        table.add_row(*cells)
    return table


@app.command("summary", cls=opt.Command)
def summary_command(
    activity_id: Annotated[int, typer.Argument(
        metavar=opt.ID, help="Activity id (see `stridelab runs list`).")],
    out: Annotated[Path, typer.Option("--out", metavar=opt.FOLDER,
                                      help="Folder to write summary.json into.")],
    db: DbOption = None,
) -> None:
    """Write one activity's summary.json (the shape the assessment reads)."""
    with ActivityStore(db) as store:
        summary = store.summary(activity_id)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "summary.json"
    target.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    console = Console(highlight=False)
    console.print(f"wrote {target}")
    folder = escape(str(out))
    console.print(f"[dim]next: `stridelab assess {folder}`, `stridelab plan {folder}`, "
                  f"`stridelab report {folder}`[/]", soft_wrap=True)  # commands stay whole


@app.command("sport", cls=opt.Command)
def sport_command(
    activity_id: Annotated[int, typer.Argument(metavar=opt.ID, help="Activity id.")],
    sport: Annotated[str, typer.Argument(
        metavar="SPORT", help="The sport: running, walking, cycling, paddling ...")],
    db: DbOption = None,
) -> None:
    """Correct an activity's sport (e.g. a GPX file that names none)."""
    with ActivityStore(db) as store:
        store.set_sport(activity_id, sport.strip().lower())
    Console().print(f"activity {activity_id}: sport set to {sport}")


@app.command("rpe", cls=opt.Command)
def rpe_command(
    activity_id: Annotated[int, typer.Argument(metavar=opt.ID, help="Activity id.")],
    rpe: Annotated[float, typer.Argument(metavar=opt.RPE, help="Session RPE, CR-10 scale (0-10).")],
    db: DbOption = None,
) -> None:
    """Record a session RPE, used for Foster's session load (RPE x minutes)."""
    with ActivityStore(db) as store:
        store.set_rpe(activity_id, rpe)
    Console().print(f"activity {activity_id}: RPE {rpe:g}")


def _pct(value: float) -> str:
    return "-" if value != value else f"{value:+.0f} %"  # NaN check


@app.command("status", cls=opt.Command)
def status_command(
    db: DbOption = None,
    week_of: Annotated[datetime | None, typer.Option(
        "--week-of", formats=["%Y-%m-%d"], metavar=opt.DATE,
        help="A day of the week to show (default: today).",
    )] = None,
    include_non_running: Annotated[bool, typer.Option(
        "--include-non-running", help="Count walks, rides, paddling ... as load too.",
    )] = False,
    plot: Annotated[Path, typer.Option("--plot", metavar=opt.FILE,
                                       help="Plot file to write.")] = Path(
        "load_status.png"),
    weeks: Annotated[int, typer.Option(
        "--weeks", min=2, metavar=opt.N, help="Weeks in the trend table and plot.")] = 8,
) -> None:
    """Show this week's load, the guards and the trend; write a plot."""
    console = Console()
    with ActivityStore(db) as store:
        activities = store.activities(include_non_running=include_non_running)
    if not activities:
        console.print("The training log has no runs yet: import files with "
                      "`stridelab runs import PATH...`.")
        return
    today = date.today()
    chosen = week_of.date() if week_of else today
    monday = metrics.week_start(chosen)
    ref_day = min(today, monday + timedelta(days=6)) if chosen <= today else chosen
    runs = metrics.runs_frame(activities)
    runs = runs[runs["day"] <= ref_day]
    weekly = metrics.weekly_totals(runs, chosen, weeks)
    _print_week(console, weekly, monday, ref_day, include_non_running)
    all_spikes = metrics.spikes(runs)
    _print_spikes(console, all_spikes, activities, monday, ref_day)
    _print_acwr_foster(console, runs, ref_day)
    _print_trend(console, weekly, all_spikes)
    from stridelab.load.plot import plot_status

    first = weekly.index[0]
    shown = [s for s in all_spikes if first <= s.start_utc.date() <= ref_day]
    written = plot_status(weekly, shown, runs, plot, ref_day)
    console.print(f"plot written to {written}")


def _print_week(console: Console, weekly, monday: date, ref_day: date, everything: bool) -> None:
    this = weekly.loc[monday]
    what = "activities" if everything else "runs"
    console.rule(f"Week of {_day(monday)} (Monday) to {_day(ref_day)}")
    console.print(f"{int(this['runs'])} {what}: {this['distance_km']:.1f} km, "
                  f"{_hms(this['time_h'] * 3600)} moving; longest {this['longest_km']:.1f} km")
    limit = threshold("load.weekly.ten_percent_rule")
    nielsen = threshold("load.weekly.nielsen_progression")
    for label, key in (("distance", "distance_change_pct"), ("time", "time_change_pct")):
        change = this[key]
        if change != change:
            console.print(f"  {label}: no {what} the week before, no comparison")
            continue
        verdict = (f"[red]above the article's {limit:g} % rule[/]" if change > limit
                   else f"within the article's {limit:g} % rule")
        console.print(f"  {label} vs the week before: {change:+.0f} %: {verdict}")
        if key == "distance_change_pct" and change > nielsen:
            console.print(f"    > {nielsen:g} %: Nielsen 2014 (JOSPT 44:739) saw HR 1.59 for "
                          "distance-related injuries with such progression over 2 weeks "
                          "(P = 0.07, not significant)")
    console.print("  [dim]Note: the 10 % rule is the article's advice; the one trial of it "
                  "(Buist 2008, AJSM 36:33) found 20.8 % vs 20.3 % injured, no difference. "
                  "The single-run spike below is the better-supported guard.[/]")


def _print_spikes(console: Console, spikes, activities: list[StoredActivity], monday: date,
                  ref_day: date) -> None:
    by_id = {a.id: a for a in activities}
    week = [s for s in spikes if monday <= by_id[s.activity_id].local_start.date() <= ref_day]
    latest = week or spikes[-3:]
    title = "Runs this week" if week else "Latest runs (none this week)"
    table = _table(f"{title}: distance vs the longest run in the previous 30 days "
                   "(Frandsen 2025, BJSM 59:1203)",
                   [(c, "left" if c in ("band", "date") else "right")
                    for c in ("id", "date", "km", "longest 30 d", "spike", "band", "HR")],
                   wrap=("band",), narrow=_narrow(console))
    for s in latest:
        a = by_id[s.activity_id]
        flagged = s.hazard_ratio is not None and s.hazard_ratio > 1.0
        table.add_row(
            str(s.activity_id), _day(a.local_start), f"{s.distance_km:.1f}",
            "-" if s.longest_previous_km is None else f"{s.longest_previous_km:.1f}",
            "-" if s.spike_pct is None else f"{s.spike_pct:+.0f} %",
            f"[red]{s.band}[/]" if flagged else s.band,
            "-" if s.hazard_ratio is None else (
                f"{s.hazard_ratio:g}" if flagged else "1 (ref.)"))
    console.print(table)
    console.print("  [dim]HR: hazard ratio vs runs <= 10 % over the longest recent run: spikes "
                  "are associated with more running-related injuries (5,205 runners); "
                  "science.md §6 rule 4 flags any run > 10 % longer.[/]")


def _print_acwr_foster(console: Console, runs, ref_day: date) -> None:
    value = metrics.acwr(runs, ref_day)
    if value is None:
        console.print("ACWR [yellow](contested)[/]: needs 4 weeks of history")
    elif value.ratio is None:
        console.print("ACWR [yellow](contested)[/]: no load in the last 4 weeks")
    else:
        console.print(
            f"ACWR [yellow](contested)[/]: {value.ratio:.2f} (7 days {value.acute:.1f} km / "
            f"4-week mean {value.chronic:.1f} km): {value.zone}. [dim]Gabbett 2016; "
            "criticised for mathematical coupling (Lolli 2019) and random chronic loads "
            "predicting as well (Impellizzeri 2021); no useful dose-response in runners "
            "(Frandsen 2025).[/]")
    f = metrics.foster(runs, ref_day)
    if f.monotony is None:
        console.print(f"Foster, 7 days to {_day(ref_day)}: load {f.weekly_load:.0f} {f.unit}; "
                      "monotony undefined (daily loads do not vary)")
    else:
        console.print(f"Foster, 7 days to {_day(ref_day)}: load {f.weekly_load:.0f} {f.unit}, "
                      f"monotony {f.monotony:.2f}, strain {f.strain:.0f} "
                      "[dim](Foster 1998; load = minutes unless every session has an RPE)[/]")


def _print_trend(console: Console, weekly, spikes) -> None:
    table = _table("Trend", [(c, "left" if c in ("week of", "10 % rule", "top spike")
                                else "right")
                               for c in ("week of", "runs", "km", "time", "km +/-", "time +/-",
                                         "10 % rule", "longest", "top spike")],
                   wrap=("top spike",), narrow=_narrow(console))
    for monday, row in weekly.iterrows():
        in_week = [s for s in spikes if s.spike_pct is not None
                   and monday <= s.start_utc.date() < monday + timedelta(days=7)]
        top = max(in_week, key=lambda s: s.spike_pct, default=None)
        table.add_row(
            _day(monday), str(int(row["runs"])), f"{row['distance_km']:.1f}",
            _hms(row["time_h"] * 3600), _pct(row["distance_change_pct"]),
            _pct(row["time_change_pct"]), "[red]broken[/]" if row["ten_pct_broken"] else "ok",
            f"{row['longest_km']:.1f}", top.band if top else "-")
    console.print(table)
