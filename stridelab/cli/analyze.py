"""``stridelab analyze``: a recording or a clip in, strides.csv and summary.json out."""

from __future__ import annotations

import math
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

MODELS = ("full", "lite", "heavy")
"""MediaPipe's pose models (``--model``)."""
HEIGHT_RANGE_M = (1.0, 2.4)
"""A runner's height in metres that ``--height`` accepts (the pose stage's own range)."""
DEFAULT_HEIGHT_M = 1.75
"""The height assumed when ``--height`` is not given (with a warning)."""


def check_capture_fps(value: float | None) -> float | None:
    """``--capture-fps``: a frame rate above 0 (refused at once otherwise)."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value:g} is not a frame rate: give the clip's real "
                                 "capture rate, above 0 (e.g. 240)")
    return value


def check_model(value: str) -> str:
    """``--model``: one of MediaPipe's pose models (refused at once otherwise)."""
    if value not in MODELS:
        raise typer.BadParameter(f"{value!r} is not a model: use {', '.join(MODELS)}")
    return value


def height_metres(value: float | None) -> tuple[float, str | None]:
    """``--height`` in metres, and a note for the user (or ``None``).

    Parameters
    ----------
    value
        The option as given: metres (1.0-2.4), centimetres (100-240), or ``None``.

    Returns
    -------
    tuple
        The height in metres; a note when it was read as centimetres or assumed.

    Raises
    ------
    typer.BadParameter
        When the value is neither a runner's height in metres nor in centimetres.
    """
    low, high = HEIGHT_RANGE_M
    if value is None:
        return DEFAULT_HEIGHT_M, (
            f"no --height given: {DEFAULT_HEIGHT_M:g} m is assumed, and every distance in "
            "cm (overstride, vertical oscillation, step width) scales with it; give the "
            "runner's height, e.g. --height 1.78")
    if low <= value <= high:
        return value, None
    if 100 * low <= value <= 100 * high:
        return value / 100, f"--height {value:g} read as centimetres: {value / 100:g} m"
    raise typer.BadParameter(
        f"{value:g} is not a runner's height: give metres ({low:.1f}-{high:.1f}, e.g. 1.78) or "
        f"centimetres ({100 * low:g}-{100 * high:g})", param_hint="'--height'")


def check_inputs(paths: list[Path]) -> bool:
    """Refuse, before any work, an input ``analyze`` cannot read; whether any is a clip.

    Each path goes through :func:`stridelab.pipeline.pipeline.check_input` (a watch file is
    pointed to ``stridelab assess`` and the training log; any other unknown file type gets
    the list of what ``analyze`` reads).

    Raises
    ------
    InputFileError
        A missing path, a watch file or a file type ``analyze`` does not read.
    """
    from stridelab.pipeline.pipeline import check_input

    return any([check_input(path) for path in paths])


def sensor_positions(pairs: list[str] | None) -> dict[str, str] | None:
    """``--sensor NAME=POSITION`` options as a mapping (``None`` when none was given)."""
    from stridelab.io.imu import POSITIONS

    if not pairs:
        return None
    out = {}
    for pair in pairs:
        name, _, position = pair.partition("=")
        if not name or position not in POSITIONS:
            raise typer.BadParameter(f"{pair!r}: expected NAME=POSITION with POSITION one of "
                                     f"{', '.join(POSITIONS)}", param_hint="--sensor")
        out[name] = position
    return out


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=console, transient=True, disable=quiet)


def analyze(
    paths: list[Path] = typer.Argument(
        ..., metavar="PATH...",
        help="Motion capture (.c3d, .trc), a video clip (.mp4, .mov ...), an OpenPose JSON "
        "folder, a Sports2D .trc, or wearable-sensor (IMU) .csv files. Several clips of one "
        "run (the runner's left side, right side, from behind) make a session: each leg from "
        "the clip where it is near the camera, left/right from the pair, the rear measures "
        "from the rear clip. Several .csv files (one per sensor) make one recording."),
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
        None, metavar="METRES|CM",
        help="Video: runner's height, in metres (1.78) or centimetres (178). It sets the "
        "scale of every distance (cm); without it 1.75 m is assumed, with a warning."),
    capture_fps: float = typer.Option(
        None, "--capture-fps", metavar="FPS", callback=check_capture_fps,
        help="Video: real capture rate of a slow-motion clip, e.g. 240 (read from the file "
        "when the phone recorded it)."),
    model: str = typer.Option(
        "full", metavar=opt.choice("full", "lite", "heavy"),
        callback=check_model,
        help="Video: MediaPipe model (full works offline; lite and heavy are downloaded at "
        "first use)."),
    workers: int = typer.Option(
        0, min=0, metavar=opt.N,
        help="Video: pose processes (0: one per core; 1: no extra process)."),
    video: bool = typer.Option(True, "--video/--no-video",
                               help="Video: write the annotated clip annotated.mp4."),
    report: bool = typer.Option(True, "--report/--no-report",
                                help="Also write findings.json and report.html."),
    layout: str = typer.Option(
        None, metavar="NAME|FILE",
        help="Sensors: CSV column layout: gaitmap, phyphox, shimmer, generic or a layout "
        ".toml file (detected from the header by default)."),
    sensor: list[str] = typer.Option(
        None, metavar="NAME=POSITION",
        help="Sensors: where a sensor (column prefix or file name) was worn: left_foot, "
        "right_foot, left_shank, right_shank or lower_back; repeat for each "
        "(e.g. --sensor left_sensor=left_foot). Default: the layout's."),
    rate: float = typer.Option(
        None, "--rate", min=1.0, metavar="HZ",
        help="Sensors: sampling rate of files without a time column (e.g. 204.8)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table, no progress bar."),
) -> None:
    """Split every stride into its phases; cadence, contact, flight, symmetry and form measures.

    One clip or recording, or a session of several clips of one run
    (``stridelab analyze left.mp4 right.mp4 rear.mp4 --out session/``).
    """
    from stridelab.gait import EVENT_SOURCES
    from stridelab.pipeline import analyze_session, pipeline_for
    from stridelab.pipeline.imu import is_imu_input

    if events not in EVENT_SOURCES:
        raise typer.BadParameter(f"must be one of {', '.join(EVENT_SOURCES)}",
                                 param_hint="--events")
    pose_input = check_inputs(paths)
    height_m, height_note = height_metres(height)
    console = Console(quiet=quiet, highlight=False)
    if pose_input and height_note:
        console.print(f"[yellow]warning:[/] {height_note}")
    options = dict(view=view, height_m=height_m, capture_fps=capture_fps, model=model,
                   events=events, markerset=markerset, vertical=vertical, forward=forward,
                   workers=workers or None, video=video, report=report)
    sensors = is_imu_input(paths)
    if sensors:
        options.update(layout=layout, sensors=sensor_positions(sensor), rate_hz=rate)
    with _progress(console, quiet) as progress:
        options["progress"] = StageProgress(progress)
        if sensors:
            source = paths if len(paths) > 1 else paths[0]
            result = pipeline_for(source, **options).run(source, out).result_
        elif len(paths) > 1:
            result = analyze_session(paths, out, **options)
        else:
            result = pipeline_for(paths[0], **options).run(paths[0], out).result_
    removed = result.removed
    console.print(summary_table(result.summary.to_dict()))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    console.print("wrote " + ", ".join(str(p) for p in result.files.values()))
    if removed:
        console.print("removed the earlier run's " + ", ".join(p.name for p in removed)
                      + " (not written by this run)")


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
