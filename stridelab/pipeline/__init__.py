"""The public analysis API: :func:`analyze`, :class:`Pipeline` and its presets.

>>> import stridelab
>>> result = stridelab.analyze("run.c3d")           # doctest: +SKIP
>>> result.strides, result.summary.to_dict(), result.findings
>>> result.save("results/")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stridelab.io.recording import Recording
from stridelab.pipeline.pipeline import (
    PRESETS,
    Pipeline,
    RecordingReader,
    pipeline_for,
)
from stridelab.pipeline.result import AnalysisResult
from stridelab.pipeline.session import SessionResult, analyze_session

__all__ = ["PRESETS", "AnalysisResult", "Pipeline", "RecordingReader", "SessionResult",
           "analyze", "analyze_session", "pipeline_for"]


def analyze(source: str | Path | Recording | Sequence[Any], out: str | Path | None = None,
            **options: Any) -> AnalysisResult:
    """Analyse a recording, a clip or keypoints: strides, phases, summary, findings.

    Parameters
    ----------
    source
        A motion-capture file (``.c3d``, ``.trc``), a video (``.mp4``, ``.mov`` ...), an
        OpenPose JSON folder, a Sports2D ``.trc``, or a
        :class:`~stridelab.io.recording.Recording` (e.g. from
        :meth:`Recording.from_dataframe`), wearable-sensor ``.csv`` file(s) (a list of one
        file per sensor is one recording) or an :class:`~stridelab.io.imu.ImuRecording`. A
        list or tuple of clips of one run (the runner's left side, right side, from behind)
        is a session: :func:`~stridelab.pipeline.session.analyze_session`.
    out
        Folder to write the result files into as they are ready (as ``stridelab analyze``
        does, annotated video included); ``None``: nothing is written.
    **options
        The command line's options: ``view``, ``height_m``, ``capture_fps``, ``model``,
        ``events``, ``markerset``, ``vertical``, ``forward``, ``workers``, ``video``,
        ``report``, ``progress``, ``layout``, ``sensors`` and ``rate_hz`` (wearable
        sensors); and any pipeline step (``events=``, ``kinematics=``, ...) as a tuned
        instance.

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
    from stridelab.pipeline.imu import is_imu_input

    if isinstance(source, list | tuple) and not is_imu_input(source):
        return analyze_session(source, out, **options)
    return pipeline_for(source, **options).run(source, out).result_
