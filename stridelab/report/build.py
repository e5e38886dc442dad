"""Write ``report.html`` (and optionally ``report.pdf``) from results in memory or on disk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from stridelab.assess.model import Finding
from stridelab.report.page import render_html
from stridelab.report.results_folder import load_results

REPORT_NAME = "report.html"


def write_report(out_dir: str | Path, summary: dict, strides: pd.DataFrame | None,
                 angles: pd.DataFrame | None = None,
                 findings: Sequence[Finding | dict] | Mapping | None = None,
                 program_html: str | None = None) -> Path:
    """Write one self-contained ``report.html`` into ``out_dir`` (created if needed).

    Parameters
    ----------
    out_dir
        Folder to write into (usually the results folder itself).
    summary
        The ``summary.json`` document (``docs/summary-schema.md``).
    strides
        The per-stance table (``strides.csv``), or ``None`` for a summary without strides
        (a watch file's): the phases, joint angles and left/right sections are then left out
        and the report says what they need.
    angles
        ``angles.csv`` (``time_s`` and per-side angle columns), or ``None``.
    findings
        :class:`~stridelab.assess.model.Finding` objects or their dicts, or the whole
        ``findings.json`` document (its notes are shown too); ``None`` when the assessment
        has not run.
    program_html
        HTML fragment from ``stridelab.program.render.program_html``, or ``None``.

    Returns
    -------
    Path
        The report written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / REPORT_NAME
    path.write_text(render_html(summary, strides, angles, findings, program_html),
                    encoding="utf-8")
    return path


def report_folder(results_dir: str | Path, out_dir: str | Path | None = None,
                  pdf: bool = False) -> dict[str, Path]:
    """Read a results folder and write its report (and PDF); return the paths by name.

    A ``stridelab balance`` folder (``balance.json``, no ``summary.json``) gets the balance
    report (:mod:`stridelab.report.balance_page`).
    """
    folder = Path(results_dir)
    if (folder / "balance.json").is_file() and not (folder / "summary.json").is_file():
        from stridelab.report.balance_page import write_balance_report

        html_path = write_balance_report(folder)
        paths = {"html": html_path}
        if pdf:
            from stridelab.report.browser import write_pdf

            paths["pdf"] = write_pdf(html_path, html_path.with_suffix(".pdf"))
        return paths
    inputs = load_results(results_dir)
    findings = inputs.findings
    if findings is not None and inputs.findings_notes:
        findings = {"findings": findings, **inputs.findings_notes}
    html_path = write_report(out_dir or results_dir, inputs.summary, inputs.strides,
                             inputs.angles, findings, inputs.program_html)
    paths = {"html": html_path}
    if pdf:
        from stridelab.report.browser import write_pdf

        paths["pdf"] = write_pdf(html_path, html_path.with_suffix(".pdf"))
    return paths
