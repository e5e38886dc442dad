"""What one analysis gives: :class:`AnalysisResult`, and how it is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from stridelab.io.recording import Recording
from stridelab.summary import Summary

DEFAULT_PROGRAM_NOTE = (
    "<p class='sl-note'>A default program (8 weeks, off-season, home equipment, novice level): "
    "tailor it with <code>stridelab plan RESULTS --season ... --equipment ... --experience "
    "...</code>, then <code>stridelab report RESULTS</code>.</p>")


@dataclass
class AnalysisResult:
    """The results of :func:`stridelab.analyze` (or :meth:`Pipeline.run`).

    Attributes
    ----------
    strides
        One row per stance: the columns of ``strides.csv``.
    summary
        The typed summary; ``summary.to_dict()`` is what ``summary.json`` holds.
    findings
        Evidence-graded :class:`~stridelab.assess.model.Finding` objects (empty when the
        assessment was not run).
    contacts
        The contact events (``side``, ``ic_s``, ``to_s``).
    angles
        Angle time series (``angles.csv``), or ``None``.
    measures
        Per-stance form measures (same index as ``strides``).
    recording
        The recording the gait engine read (engine frame).
    program
        The default strength & balance :class:`~stridelab.program.model.Program`, or
        ``None``.
    assessment
        The :class:`~stridelab.assess.engine.Assessment` run (what it left out), or ``None``.
    imu
        Wearable-sensor inputs: the :class:`~stridelab.io.imu.ImuRecording` (body frame).
    keypoints
        Video and keypoint inputs: the cleaned keypoints.
    pose
        Video and keypoint inputs: the :class:`~stridelab.pose.pipeline.PoseEstimation` run.
    files
        Paths written by :meth:`save` (or by the run, when it was given ``out``), by name.
    removed
        An earlier run's stridelab outputs in ``out`` that this run did not write, removed
        (:func:`stridelab.io.results.remove_stale`).
    """

    strides: pd.DataFrame
    summary: Summary
    contacts: pd.DataFrame
    recording: Recording
    angles: pd.DataFrame | None = None
    measures: pd.DataFrame | None = None
    findings: list = field(default_factory=list)
    assessment: Any = None
    program: Any = None
    imu: Any = None
    keypoints: Any = None
    pose: Any = None
    files: dict[str, Path] = field(default_factory=dict)
    removed: list[Path] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Doubtful data noticed on the way (the summary's ``warnings``)."""
        return self.summary.warnings

    def findings_document(self, summary_path: str | None = None) -> dict[str, Any] | None:
        """The ``findings.json`` document, or ``None`` when the assessment was not run.

        Parameters
        ----------
        summary_path
            The ``summary.json`` the findings are named after (default: the input file).
        """
        if self.assessment is None:
            return None
        from stridelab.assess import findings_document

        a = self.assessment
        return findings_document(self.findings, summary_path or self.summary.file,
                                 a.not_measurable_, a.not_assessed_, a.notes_)

    def save(self, out: str | Path, report: bool = True) -> dict[str, Path]:
        """Write the files ``stridelab analyze`` writes into the folder ``out``.

        ``strides.csv``, ``summary.json``, ``angles.csv`` and, when the assessment ran,
        ``findings.json``, ``program.json`` and (``report=True``) ``report.html``. The
        annotated video is drawn only by a run given ``out`` (it needs the clip's frames).

        Returns
        -------
        dict
            Paths written, by name (also kept in :attr:`files`).
        """
        self.files.update(self.save_data(out))
        self.files.update(self.save_findings(out, report))
        return dict(self.files)

    def save_data(self, out: str | Path) -> dict[str, Path]:
        """Write ``strides.csv``, ``summary.json`` and ``angles.csv``."""
        from stridelab.io.results import write_results

        paths = write_results(out, self.strides, self.summary.to_dict(), self.angles)
        self.files.update(paths)
        return paths

    def save_findings(self, out: str | Path, report: bool = True) -> dict[str, Path]:
        """Write ``findings.json``, ``program.json`` and ``report.html`` (when assessed)."""
        if self.assessment is None:
            return {}
        from stridelab.io.results import write_json

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        doc = self.findings_document(str(out / "summary.json"))
        paths = {"findings": write_json(out / "findings.json", doc)}
        if self.program is not None:
            paths["program"] = write_json(out / "program.json", self.program.to_dict())
        if report:
            from stridelab.program.render import program_html
            from stridelab.report import write_report

            fragment = (DEFAULT_PROGRAM_NOTE + program_html(self.program)
                        if self.program is not None else None)
            paths["report"] = write_report(out, self.summary.to_dict(), self.strides,
                                           self.angles, doc, fragment)
        self.files.update(paths)
        return paths
