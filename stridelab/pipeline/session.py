"""A session of several clips of one run: :func:`analyze_session`.

>>> import stridelab
>>> session = stridelab.analyze(["left.mp4", "right.mp4", "rear.mp4"], out="session/")
... # doctest: +SKIP
>>> session.summary.session["sources"]["contact_time_ms"]   # {"L": "left.mp4", "R": ...}

Each clip is analysed on its own (its files in ``<out>/clips/<name>/``: strides, summary,
angles, annotated video); the session's summary takes each leg from the clip where it was near
the camera and the rear-view measures from the rear clip
(:func:`stridelab.summary.session.session_summary`); the findings, the program and the report
(``<out>/report.html``) come from that summary, and the report names the clip behind each
number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from stridelab.pipeline.result import AnalysisResult

CLIPS_FOLDER = "clips"


@dataclass
class SessionResult(AnalysisResult):
    """The results of a session (:func:`analyze_session`), with each clip's own result.

    An :class:`AnalysisResult` of the session's summary, plus:

    Attributes
    ----------
    clips
        Each clip's :class:`AnalysisResult`, by the clip's name.
    strides
        The stances the session's timing comes from (each leg from its clip), with a ``clip``
        column.
    recording
        The first clip's recording (as given).
    """

    clips: dict[str, AnalysisResult] = field(default_factory=dict)


def _clip_folder(out: str | Path | None, name: str) -> Path | None:
    return None if out is None else Path(out) / CLIPS_FOLDER / Path(name).stem


def _session_strides(session_clips) -> pd.DataFrame:
    """The stances behind the session's timing, each with the clip it came from."""
    from stridelab.summary.session import TIMING_GROUP, clip_roles, leg_sources

    timing = leg_sources(clip_roles(session_clips))[TIMING_GROUP]
    parts = [clip.strides[clip.strides.side == leg].assign(clip=clip.name)
             for leg, clip in timing.items()]
    return pd.concat(parts, ignore_index=True).sort_values(["clip", "ic_s"],
                                                           ignore_index=True)


def analyze_session(sources: Sequence[Any], out: str | Path | None = None,
                    **options: Any) -> SessionResult:
    """Analyse several clips of one run (left side, right side, behind) as one session.

    Parameters
    ----------
    sources
        Two or three clips: videos, OpenPose folders, keypoint ``.trc`` files or
        :class:`~stridelab.pose.keypoints.Keypoints`, each filmed from one of the runner's
        sides or from behind (one clip per view).
    out
        Folder for the session's files (``summary.json``, ``strides.csv``, ``findings.json``,
        ``program.json``, ``report.html``) and each clip's (``clips/<name>/``); ``None``:
        nothing is written.
    **options
        As for :func:`stridelab.analyze` (the same for every clip).

    Returns
    -------
    SessionResult
        The merged ``summary`` (its ``session`` block names the clip behind each value),
        ``findings``, ``program`` and each clip's result in ``clips``.

    Raises
    ------
    stridelab.errors.StridelabError
        A clip that cannot be analysed (its message names it), two clips of one view, fewer
        than two clips.
    """
    from stridelab.pipeline.pipeline import pipeline_for
    from stridelab.summary.session import SessionClip, SessionError, clip_name, session_summary

    if len(sources) < 2:
        raise SessionError("a session needs at least two clips (left side, right side, behind)")
    taken: set[str] = set()
    results: dict[str, AnalysisResult] = {}
    for source in sources:
        name = clip_name(source, taken)
        clip_options = {**options, "report": False}
        results[name] = pipeline_for(source, **clip_options).run(
            source, _clip_folder(out, name)).result_
    session_clips = [SessionClip(name, r.summary, r.strides, r.measures)
                     for name, r in results.items()]
    summary = session_summary(session_clips)
    first = next(iter(results.values()))
    result = SessionResult(strides=_session_strides(session_clips), summary=summary,
                           contacts=pd.concat([r.contacts.assign(clip=n)
                                               for n, r in results.items()],
                                              ignore_index=True),
                           recording=first.recording, clips=results)
    pipeline_for(sources[0], **options).assess(result)
    if out is not None:
        from stridelab.io.results import remove_stale

        result.save(out, report=options.get("report", True))
        result.removed = remove_stale(out, result.files.values())
    return result
