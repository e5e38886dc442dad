"""What ``stridelab plan`` reads: the findings of one or more results folders.

A results folder holds ``findings.json`` (written by ``stridelab assess``, read by
:func:`stridelab.assess.model.read_findings_document`).
A folder with only ``summary.json`` is assessed on the fly when the assessment stage is
installed. Findings from several folders (e.g. a side and a rear video) are merged: for the same
finding key and side, the more severe one is kept.
"""

from __future__ import annotations

from pathlib import Path

from stridelab.assess.model import SEVERITIES, Finding, read_findings_document
from stridelab.errors import InputFileError


def _assess(folder: Path) -> list[Finding]:
    try:
        from stridelab.assess.engine import assess_summary
        from stridelab.assess.sources import read_summary
    except ImportError:
        raise InputFileError(folder, "no findings.json: run `stridelab assess "
                             f"{folder}` first") from None
    return assess_summary(read_summary(folder / "summary.json"))


def read_results(path: str | Path) -> tuple[list[Finding], str]:
    """Findings of one results folder (or one findings file), and how they were obtained.

    Returns
    -------
    findings, origin
        ``origin`` names the file read, or says the summary was assessed on the fly.
    """
    path = Path(path)
    if path.is_file():
        return read_findings_document(path)[0], str(path)
    if not path.is_dir():
        raise InputFileError(path, "no such results folder")
    if (path / "findings.json").is_file():
        return read_findings_document(path / "findings.json")[0], str(path / "findings.json")
    if (path / "summary.json").is_file():
        return _assess(path), f"{path / 'summary.json'} (assessed now)"
    raise InputFileError(path, "neither findings.json nor summary.json here: run `stridelab "
                         "analyze RECORDING --out FOLDER` and `stridelab assess FOLDER` first")


def merge_findings(groups: list[list[Finding]]) -> list[Finding]:
    """Merge findings of several folders; per (key, side) the most severe, then most confident."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    best: dict[tuple[str, str | None], Finding] = {}
    for findings in groups:
        for f in findings:
            k = (f.key, f.side)
            old = best.get(k)
            if old is None or (rank[f.severity], f.confidence) > (rank[old.severity],
                                                                  old.confidence):
                best[k] = f
    return list(best.values())
