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

from stridelab.cli.tables import summary_table
from stridelab.errors import InputFileError


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=console, transient=True, disable=quiet)


def analyze(
    path: Path = typer.Argument(..., help="Motion capture (.c3d, .trc), a video clip (.mp4, "
                                ".mov ...), an OpenPose JSON folder or a Sports2D .trc."),
    out: Path = typer.Option(Path("results"), "--out", "-o", help="Folder for the results."),
    events: str = typer.Option(
        "auto", help="Event source: auto (force plate when present), forceplate, kinematic."),
    markerset: str = typer.Option(
        None, help="Marker set: fukuchi, ric_cluster, plugin_gait or a mapping .toml file "
        "(guessed from the marker names by default)."),
    vertical: str = typer.Option(None, help="Lab axis pointing up, e.g. +y (detected by default)."),
    forward: str = typer.Option(
        None, help="Lab axis of the direction of travel, e.g. -z (detected by default)."),
    view: str = typer.Option(None, help="Video: side or rear (detected by default)."),
    height: float = typer.Option(1.75, help="Video: runner's height in metres (sets the scale)."),
    capture_fps: float = typer.Option(
        None, "--capture-fps", help="Video: real capture rate of a slow-motion clip, e.g. 240 "
        "(read from the file when the phone recorded it)."),
    model: str = typer.Option("full", help="Video: MediaPipe model (full works offline)."),
    workers: int = typer.Option(
        0, min=0, help="Video: pose processes (0: one per core; 1: no extra process)."),
    video: bool = typer.Option(True, "--video/--no-video",
                               help="Video: write the annotated clip annotated.mp4."),
    report: bool = typer.Option(True, "--report/--no-report",
                                help="Also write findings.json and report.html."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table, no progress bar."),
) -> None:
    """Split every stride into its phases; cadence, contact, flight, symmetry and form measures."""
    from stridelab.gait import EVENT_SOURCES

    if events not in EVENT_SOURCES:
        raise typer.BadParameter(f"must be one of {', '.join(EVENT_SOURCES)}",
                                 param_hint="--events")
    if not path.exists():
        raise InputFileError(path, "no such file or folder")
    console = Console(quiet=quiet, highlight=False)
    from stridelab.pose.video import is_video

    if is_video(path) or path.is_dir() or _is_keypoint_trc(path):
        result, paths = _analyze_clip(path, out, view, height, capture_fps, model,
                                      workers or None, video, report, console, quiet)
    else:
        result, paths = _analyze_mocap(path, out, events, markerset, vertical, forward,
                                       console, quiet)
        paths.update(_findings_and_report(out, result, report))
    console.print(summary_table(result.summary))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    console.print("wrote " + ", ".join(str(p) for p in paths.values()))


def _findings_and_report(out: Path, result, report: bool) -> dict[str, Path]:
    """Assess the summary (findings.json), draft a default program and write the report.

    The program uses :class:`~stridelab.program.generator.ProgramGenerator`'s defaults; the
    report says how to tailor it with ``stridelab plan``.
    """
    if not report:
        return {}
    import json

    from stridelab.assess import Assessment, findings_document
    from stridelab.program.generator import ProgramGenerator
    from stridelab.program.render import program_html
    from stridelab.report import write_report

    assessment = Assessment().assess(result.summary)
    doc = findings_document(assessment.findings_, str(Path(out) / "summary.json"),
                            assessment.not_measurable_, assessment.not_assessed_,
                            assessment.notes_)
    findings_path = Path(out) / "findings.json"
    findings_path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    program = ProgramGenerator().generate(assessment.findings_).program_
    program_path = Path(out) / "program.json"
    program_path.write_text(json.dumps(program.to_dict(), indent=2) + "\n", encoding="utf-8")
    fragment = ("<p class='sl-note'>A default program (8 weeks, off-season, home equipment, "
                "novice level): tailor it with <code>stridelab plan RESULTS --season ... "
                "--equipment ... --experience ...</code>, then "
                "<code>stridelab report RESULTS</code>.</p>"
                + program_html(program))
    html = write_report(out, result.summary, result.strides, result.angles, doc, fragment)
    return {"findings": findings_path, "program": program_path, "report": html}


def _prepare_report() -> None:
    """Import the report's modules and warm Matplotlib up (~0.8 s on 2 cores).

    A failure here is left for the report itself to meet and explain.
    """
    try:
        import stridelab.assess  # noqa: F401
        import stridelab.program.generator  # noqa: F401
        import stridelab.program.render  # noqa: F401
        import stridelab.report.build  # noqa: F401
        from stridelab.report.plots import warm_up

        warm_up()
    except Exception:  # noqa: BLE001, S110 - the report reports it
        pass


def _is_keypoint_trc(path: Path) -> bool:
    if path.suffix.lower() != ".trc":
        return False
    from stridelab.pose.sports2d import is_keypoint_trc

    return is_keypoint_trc(path)


def _analyze_mocap(path, out, events, markerset, vertical, forward, console, quiet):
    from stridelab.gait.analysis import analyze_recording
    from stridelab.io.frame import to_engine_frame
    from stridelab.io.load import read_recording
    from stridelab.io.markerset import load_markerset
    from stridelab.report.files import write_results

    progress = _progress(console, quiet)
    with progress:
        task = progress.add_task(f"reading {path.name}", total=4, rate="")
        ms = load_markerset(markerset) if markerset else None
        rec = read_recording(path, ms)
        progress.update(task, advance=1, description="finding axes")
        to_engine_frame(rec, vertical=vertical, forward=forward)
        progress.update(task, advance=1, description="detecting events and phases")
        result = analyze_recording(rec, events=events)
        progress.update(task, advance=1, description="writing results")
        paths = write_results(out, result.strides, result.summary, result.angles)
        progress.update(task, advance=1)
    return result, paths


def _analyze_clip(path, out, view, height, capture_fps, model, workers, video, report,
                  console, quiet):
    """Pose, events and measures of a clip.

    The report is written while the annotated video renders in the worker processes.
    """
    from stridelab.parallel import WorkerPool
    from stridelab.pose.video import is_video

    pool_size, info = 1, None
    if is_video(path):
        from stridelab.pose.estimate import default_workers
        from stridelab.pose.video import probe_video

        info = probe_video(path)
        pool_size = workers or default_workers(info.n_frames)
    # the workers start importing MediaPipe now, while this process imports the analysis
    with WorkerPool(pool_size, preload=["stridelab.pose.mediapipe_backend", "mediapipe"]
                    if pool_size > 1 else ()) as pool:
        return _analyze_clip_with(pool, path, out, view, height, capture_fps, model, video,
                                  report, console, quiet, info)


def _analyze_clip_with(pool, path, out, view, height, capture_fps, model, video, report,
                       console, quiet, info):
    """Pose and analysis with the frame cache for the video, removed at the end.

    ``info``: the clip's :class:`~stridelab.pose.video.VideoInfo` (``None``: keypoints, not
    a video).
    """
    import shutil
    import tempfile

    cache = None
    if video and info is not None:  # the pose processes keep the frames the video is drawn on
        from stridelab.pose.frame_cache import FrameCache
        from stridelab.report.video import output_size

        Path(out).mkdir(parents=True, exist_ok=True)
        cache_dir = Path(tempfile.mkdtemp(dir=out, prefix=".frames-"))
        cache = FrameCache(cache_dir / "frames.yuv", output_size(info.width, info.height))
    try:
        return _pose_and_analysis(pool, path, out, view, height, capture_fps, model, video,
                                  report, console, quiet, cache)
    finally:
        if cache is not None:
            shutil.rmtree(cache.path.parent, ignore_errors=True)


def _pose_and_analysis(pool, path, out, view, height, capture_fps, model, video, report,
                       console, quiet, cache):
    import threading

    from stridelab.gait.analysis import analyze_recording
    from stridelab.pose.pipeline import check_timing, pose_recording
    from stridelab.report.files import write_results

    progress = _progress(console, quiet)
    with progress:
        current = {"task": progress.add_task(f"pose {path.name}", total=None, rate="")}

        def frames_done(done: int, total: int) -> None:
            task = current["task"]
            elapsed = progress.tasks[task].elapsed or 0.0
            rate = f"{done / elapsed:.0f} frames/s" if elapsed > 0 else ""
            progress.update(task, completed=done, total=total, rate=rate)

        # the report's imports and Matplotlib's first figure, in a thread while the pose
        # processes run: the main process only waits for them then
        preparing = threading.Thread(target=_prepare_report, daemon=True) if report else None
        if preparing is not None:
            preparing.start()
        pose = pose_recording(path, height_m=height, view=view, capture_fps=capture_fps,
                              model=model, progress=frames_done, pool=pool,
                              frame_cache=cache)
        progress.update(current["task"], description="events, phases and measures", rate="")
        if not (video and pose.video is not None):
            pool.close(wait=False)  # the workers exit while the analysis runs
        result = analyze_recording(pose.recording)
        check_timing(result.summary, pose.keypoints, pose.video)
        result.summary["scene"] = {"view": pose.scene.view, "setting": pose.scene.setting,
                                   "facing": pose.scene.facing,
                                   "px_per_m": round(pose.scene.px_per_m, 2),
                                   "detected": list(pose.scene.detected),
                                   "height_m": height}
        result.summary["pose"] = {"source": pose.keypoints.source,
                                  "frames": pose.keypoints.n_frames,
                                  "fps": pose.keypoints.fps,
                                  "frames_with_person": round(
                                      pose.keypoints.frames_with_person, 3),
                                  "runner": pose.track,
                                  "cleaning": {k: v for k, v in pose.cleaning.items()
                                               if k != "long_gaps"}}
        paths = write_results(out, result.strides, result.summary, result.angles)
        pending = None
        if video and pose.video is not None:
            from stridelab.report.video import start_annotated_video

            progress.update(current["task"], visible=False)
            current["task"] = progress.add_task("annotated video", total=None, rate="")
            pending = start_annotated_video(path, pose.keypoints, result.strides,
                                            result.contacts, Path(out) / "annotated.mp4",
                                            progress=frames_done, pool=pool,
                                            frame_cache=cache)
        try:
            if preparing is not None:
                preparing.join()  # Matplotlib draws one figure at a time
            paths.update(_findings_and_report(out, result, report))
        finally:
            if pending is not None:
                paths["video"] = pending.finish()
    return result, paths
