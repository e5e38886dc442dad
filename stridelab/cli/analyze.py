"""``stridelab analyze``: a recording or a clip in, strides.csv and summary.json out."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from stridelab.cli import options as opt
from stridelab.cli.tables import summary_table
from stridelab.errors import InputFileError


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=console, transient=True, disable=quiet)


def analyze(
    paths: list[Path] = typer.Argument(
        ..., metavar="PATH...",
        help="Motion capture (.c3d, .trc), a video clip (.mp4, .mov ...), an OpenPose JSON "
        "folder or a Sports2D .trc. Several clips of one run (the runner's left side, right "
        "side, from behind) make a session: each leg from the clip where it is near the "
        "camera, left/right from the pair, the rear measures from the rear clip."),
    out: Path = typer.Option(Path("results"), "--out", "-o", metavar=opt.FOLDER,
                             help="Folder for the results."),
    events: str = typer.Option(
        "auto", metavar=opt.choice("auto", "forceplate", "kinematic"),
        help="Event source: auto (force plate when present), forceplate, kinematic."),
    markerset: str = typer.Option(
        None, metavar="NAME|FILE",
        help="Marker set: fukuchi, ric_cluster, plugin_gait or a mapping .toml file "
        "(guessed from the marker names by default)."),
    vertical: str = typer.Option(
        None, metavar="AXIS", help="Lab axis pointing up, e.g. +y (detected by default)."),
    forward: str = typer.Option(
        None, metavar="AXIS",
        help="Lab axis of the direction of travel, e.g. -z (detected by default)."),
    view: str = typer.Option(None, metavar=opt.choice("side", "rear"),
                             help="Video: side or rear (detected by default)."),
    height: float = typer.Option(
        1.75, metavar="METRES", help="Video: runner's height in metres (sets the scale)."),
    capture_fps: float = typer.Option(
        None, "--capture-fps", metavar="FPS",
        help="Video: real capture rate of a slow-motion clip, e.g. 240 (read from the file "
        "when the phone recorded it)."),
    model: str = typer.Option(
        "full", metavar=opt.choice("full", "lite", "heavy"),
        help="Video: MediaPipe model (full works offline)."),
    workers: int = typer.Option(
        0, min=0, metavar=opt.N,
        help="Video: pose processes (0: one per core; 1: no extra process)."),
    video: bool = typer.Option(True, "--video/--no-video",
                               help="Video: write the annotated clip annotated.mp4."),
    report: bool = typer.Option(True, "--report/--no-report",
                                help="Also write findings.json and report.html."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table, no progress bar."),
) -> None:
    """Split every stride into its phases; cadence, contact, flight, symmetry and form measures.

    One clip or recording, or a session of several clips of one run
    (``stridelab analyze left.mp4 right.mp4 rear.mp4 --out session/``).
    """
    from stridelab.gait import EVENT_SOURCES
    from stridelab.pipeline import analyze_session, pipeline_for

    if events not in EVENT_SOURCES:
        raise typer.BadParameter(f"must be one of {', '.join(EVENT_SOURCES)}",
                                 param_hint="--events")
    for path in paths:
        if not path.exists():
            raise InputFileError(path, "no such file or folder")
    console = Console(quiet=quiet, highlight=False)
    options = dict(view=view, height_m=height, capture_fps=capture_fps, model=model,
                   events=events, markerset=markerset, vertical=vertical, forward=forward,
                   workers=workers or None, video=video, report=report)
    with _progress(console, quiet) as progress:
        options["progress"] = StageProgress(progress)
        if len(paths) > 1:
            result = analyze_session(paths, out, **options)
        else:
            result = pipeline_for(paths[0], **options).run(paths[0], out).result_
    console.print(summary_table(result.summary.to_dict()))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    console.print("wrote " + ", ".join(str(p) for p in result.files.values()))


class StageProgress:
    """The pipeline's progress ``(stage, done, total)`` as Rich bars: one per stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.stage: str | None = None
        self.task = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        """Show ``done`` of ``total`` for ``stage`` (a new stage replaces the bar)."""
        if stage != self.stage:
            if self.task is not None:
                self.progress.update(self.task, visible=False)
            self.stage = stage
            self.task = self.progress.add_task(stage, total=None, rate="")
        elapsed = self.progress.tasks[self.task].elapsed or 0.0
        rate = f"{done / elapsed:.0f} frames/s" if done and elapsed > 0 else ""
        self.progress.update(self.task, completed=done, total=total, rate=rate)
