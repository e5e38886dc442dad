"""The public analysis API: :func:`analyze`, :class:`Pipeline` and its presets.

>>> import stridelab
>>> result = stridelab.analyze("run.c3d")           # doctest: +SKIP
>>> result.strides, result.summary.to_dict(), result.findings
>>> result.save("results/")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from stridelab.io.recording import Recording
from stridelab.pipeline.pipeline import PRESETS, Pipeline, RecordingReader, is_pose_input
from stridelab.pipeline.result import AnalysisResult

__all__ = ["PRESETS", "AnalysisResult", "Pipeline", "RecordingReader", "analyze",
           "pipeline_for"]


def pipeline_for(source: str | Path | Recording, *, view: str | None = None,
                 height_m: float = 1.75, capture_fps: float | None = None,
                 model: str = "full", events: Any = "auto", markerset: str | None = None,
                 vertical: str | None = None, forward: str | None = None,
                 workers: int | None = None, video: bool = True, report: bool = True,
                 progress: Callable[[str, int, int | None], None] | None = None,
                 **steps: Any) -> Pipeline:
    """The pipeline :func:`analyze` runs on ``source``, from the command line's options.

    A video, an OpenPose folder or a keypoint ``.trc`` (or a Recording of keypoints) gets
    the pose and keypoint-event steps; anything else the motion-capture steps. ``steps``
    replace any step with a tuned instance (see :class:`Pipeline`); ``events`` is either
    the command line's choice (``"auto"``, ``"forceplate"``, ``"kinematic"``) or a detector.
    """
    from stridelab.gait.auto import AutoEventDetection
    from stridelab.pose.keypoints import Keypoints

    if isinstance(source, Keypoints):
        pose_input, preset = True, "keypoints"
    elif isinstance(source, Recording):
        pose_input = False
        preset = "keypoints" if source.markerset.name == "keypoints" else "mocap"
    else:
        pose_input = is_pose_input(Path(source))
        preset = "keypoints" if pose_input else "mocap"
    chosen: dict[str, Any] = {}
    if pose_input:
        from stridelab.pose.pipeline import PoseEstimation

        chosen["pose"] = PoseEstimation(height_m=height_m, view=view, capture_fps=capture_fps,
                                        model=model)
    if preset == "mocap":
        chosen["reader"] = RecordingReader(markerset, vertical, forward)
    if not isinstance(events, str):  # a detector instance
        chosen["events"] = events
    elif preset == "mocap":
        chosen["events"] = AutoEventDetection(events)
    if not report:
        chosen["assessment"] = False
    return Pipeline.from_preset(preset, annotated_video=video, workers=workers,
                                progress=progress, **{**chosen, **steps})


def analyze(source: str | Path | Recording, out: str | Path | None = None,
            **options: Any) -> AnalysisResult:
    """Analyse a recording, a clip or keypoints: strides, phases, summary, findings.

    Parameters
    ----------
    source
        A motion-capture file (``.c3d``, ``.trc``), a video (``.mp4``, ``.mov`` ...), an
        OpenPose JSON folder, a Sports2D ``.trc``, or a
        :class:`~stridelab.io.recording.Recording` (e.g. from
        :meth:`Recording.from_dataframe`).
    out
        Folder to write the result files into as they are ready (as ``stridelab analyze``
        does, annotated video included); ``None``: nothing is written.
    **options
        The command line's options: ``view``, ``height_m``, ``capture_fps``, ``model``,
        ``events``, ``markerset``, ``vertical``, ``forward``, ``workers``, ``video``,
        ``report``, ``progress``; and any pipeline step (``events=``, ``kinematics=``, ...)
        as a tuned instance.

    Returns
    -------
    AnalysisResult
        ``strides`` (DataFrame), ``summary`` (typed; ``to_dict()`` is ``summary.json``),
        ``findings``, and ``save(folder)``.

    Raises
    ------
    stridelab.errors.InputFileError
        For input that cannot be analysed, in one line naming the file.
    """
    return pipeline_for(source, **options).run(source, out).result_
