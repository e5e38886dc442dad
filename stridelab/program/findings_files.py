"""What ``stridelab plan`` reads: the findings of one or more results folders.

A results folder holds ``findings.json`` (written by ``stridelab assess``: an object with a
``findings`` list of :meth:`~stridelab.assess.model.Finding.to_dict` items, or a bare list).
A folder with only ``summary.json`` is assessed on the fly when the assessment stage is
installed. Findings from several folders (e.g. a side and a rear video) are merged: for the same
finding key and side, the more severe one is kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from stridelab.assess.model import SEVERITIES, TARGETS, Finding
from stridelab.errors import InputFileError


def parse_findings(doc, path: str | Path) -> list[Finding]:
    """Findings from a decoded ``findings.json`` (object with ``findings``, or a bare list).

    Raises
    ------
    InputFileError
        When the document or one finding is not in the expected shape.
    """
    items = doc.get("findings") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputFileError(path, "not a findings file: expected a list of findings or an "
                             "object with a 'findings' list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputFileError(path, f"finding {i + 1} is not an object")
        try:
            finding = Finding.from_dict(item)
        except TypeError as exc:
            raise InputFileError(path, f"finding {i + 1} ({item.get('key', '?')}): {exc}") from None
        if finding.severity not in SEVERITIES:
            raise InputFileError(path, f"finding {finding.key}: severity {finding.severity!r} "
                                 f"is not one of {', '.join(SEVERITIES)}")
        unknown = set(finding.targets) - set(TARGETS)
        if unknown:
            raise InputFileError(path, f"finding {finding.key}: unknown target(s) "
                                 f"{', '.join(sorted(unknown))}")
        out.append(finding)
    return out


def read_findings_file(path: str | Path) -> list[Finding]:
    """Read one ``findings.json``."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_findings(doc, path)


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
        return read_findings_file(path), str(path)
    if not path.is_dir():
        raise InputFileError(path, "no such results folder")
    if (path / "findings.json").is_file():
        return read_findings_file(path / "findings.json"), str(path / "findings.json")
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
