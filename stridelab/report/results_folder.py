"""Read a results folder (``summary.json``, ``strides.csv`` and the optional files) for a report.

The report reads only what earlier stages wrote (``docs/summary-schema.md``): ``summary.json``
is required, and ``strides.csv`` too unless the summary comes from a watch file (``stridelab
runs summary``: averages per run, no per-stride events); ``angles.csv``, ``findings.json``
(read by :func:`stridelab.assess.model.read_findings_document`) and ``program.json`` are used
when present.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stridelab.assess.model import Finding, read_findings_document
from stridelab.errors import InputFileError, StridelabError

STRIDELESS_KINDS = ("watch",)
"""Summary kinds written without ``strides.csv``: the report leaves out the stride sections."""


def has_strides(summary: dict) -> bool:
    """Whether a results folder of this ``summary.json`` holds a ``strides.csv``."""
    return str(summary.get("kind") or "").lower() not in STRIDELESS_KINDS


@dataclass
class ReportInputs:
    """Everything a report shows, read from one results folder."""

    summary: dict
    strides: pd.DataFrame | None
    angles: pd.DataFrame | None = None
    findings: list[Finding] | None = None
    program_html: str | None = None
    findings_notes: dict | None = None


def _read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputFileError(path, f"cannot be read as CSV ({exc})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {', '.join(missing)}")
    return frame


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(path, f"cannot be read as JSON ({exc})") from None


def render_program(path: str | Path) -> str | None:
    """HTML fragment for ``program.json``, or ``None`` when the program stage is not installed.

    The program stage's ``stridelab.program.render.program_html`` renders it; it receives a
    ``stridelab.program.model.Program`` (``Program.from_dict`` of the file).
    """
    path = Path(path)
    try:
        from stridelab.program.model import Program
        from stridelab.program.render import program_html
    except ImportError:
        return None
    doc = _read_json(path)
    try:
        program = Program.from_dict(doc)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InputFileError(path, f"not a stridelab program ({exc})") from None
    return program_html(program)


def load_results(results_dir: str | Path) -> ReportInputs:
    """Read a results folder written by ``stridelab analyze`` or ``stridelab runs summary``.

    A watch file's summary (``"kind": "watch"``) has no ``strides.csv``: its inputs carry
    ``strides=None``.

    Raises
    ------
    StridelabError
        When the folder or its required files are missing or unreadable.
    """
    folder = Path(results_dir)
    if not folder.is_dir():
        raise StridelabError(f"{folder}: no such results folder (run `stridelab analyze` first)")
    summary = _read_summary(folder / "summary.json")
    strides_path = folder / "strides.csv"
    strides = None
    if has_strides(summary):
        if not strides_path.is_file():
            raise InputFileError(strides_path, "missing: this folder was not written by "
                                 "`stridelab analyze`")
        strides = _read_csv(strides_path, ("side", "ic_s"))
    angles_path = folder / "angles.csv"
    angles = (_read_csv(angles_path, ("time_s",)) if strides is not None
              and angles_path.is_file() else None)
    findings_path = folder / "findings.json"
    findings, notes = (read_findings_document(findings_path) if findings_path.is_file()
                       else (None, None))
    program_path = folder / "program.json"
    program = render_program(program_path) if program_path.is_file() else None
    return ReportInputs(summary, strides, angles, findings, program, notes)


def _read_summary(path: Path) -> dict:
    """``summary.json`` of a results folder, checked to be a stridelab summary."""
    if not path.is_file():
        raise InputFileError(path, "missing: this folder was not written by `stridelab "
                             "analyze` (or `stridelab runs summary` for a watch file)")
    summary = _read_json(path)
    if not isinstance(summary, dict) or not isinstance(summary.get("metrics"), dict):
        raise InputFileError(path, "not a stridelab summary (no \"metrics\")")
    return summary
