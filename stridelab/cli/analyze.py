"""``stridelab analyze``: a recording in, strides.csv and summary.json out."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from stridelab.cli.tables import summary_table


def analyze(
    path: Path = typer.Argument(..., help="Recording: .c3d or .trc motion capture."),
    out: Path = typer.Option(Path("results"), "--out", "-o", help="Folder for the results."),
    events: str = typer.Option(
        "auto", help="Event source: auto (force plate when present), forceplate, kinematic."),
    markerset: str = typer.Option(
        None, help="Marker set: fukuchi, ric_cluster, plugin_gait or a mapping .toml file "
        "(guessed from the marker names by default)."),
    vertical: str = typer.Option(None, help="Lab axis pointing up, e.g. +y (detected by default)."),
    forward: str = typer.Option(
        None, help="Lab axis of the direction of travel, e.g. -z (detected by default)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table, no progress bar."),
) -> None:
    """Split every stride into its phases and summarise cadence, contact, flight and symmetry."""
    from stridelab.gait.analysis import EVENT_SOURCES, analyze_recording
    from stridelab.io.frame import to_engine_frame
    from stridelab.io.load import read_recording
    from stridelab.io.markerset import load_markerset
    from stridelab.report.files import write_results

    if events not in EVENT_SOURCES:
        raise typer.BadParameter(f"must be one of {', '.join(EVENT_SOURCES)}",
                                 param_hint="--events")
    console = Console(quiet=quiet, highlight=False)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                        console=console, transient=True, disable=quiet)
    with progress:
        task = progress.add_task(f"reading {path.name}", total=4)
        ms = load_markerset(markerset) if markerset else None
        rec = read_recording(path, ms)
        progress.update(task, advance=1, description="finding axes")
        to_engine_frame(rec, vertical=vertical, forward=forward)
        progress.update(task, advance=1, description="detecting events and phases")
        result = analyze_recording(rec, events=events)
        progress.update(task, advance=1, description="writing results")
        paths = write_results(out, result.strides, result.summary, result.angles)
        progress.update(task, advance=1)
    console.print(summary_table(result.summary))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    console.print(f"wrote {paths['strides']} and {paths['summary']}")
