"""What ``stridelab assess`` reads: a results folder, a ``summary.json`` or a watch file.

Every problem with the input becomes an :class:`~stridelab.errors.InputFileError` naming the
file and saying what is wrong, in one line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stridelab.errors import InputFileError
from stridelab.summary import SCHEMA as SUMMARY_SCHEMA
from stridelab.summary import Summary

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")


@dataclass
class AssessInput:
    """A summary ready to assess, and where its findings go by default.

    Attributes
    ----------
    summary
        The ``stridelab.summary/1`` dict.
    source
        The file it came from (``summary.json`` or the activity file).
    default_out
        ``findings.json`` beside the summary; for an activity file,
        ``<name>.findings.json`` in the current folder.
    """

    summary: dict[str, Any]
    source: Path
    default_out: Path


def check_summary(summary: Any, path: str | Path) -> dict[str, Any]:
    """Check that a decoded JSON document is a summary the assessment can use.

    Parameters
    ----------
    summary
        The decoded document.
    path
        File named in error messages.

    Raises
    ------
    InputFileError
        Not an object, another schema, no ``metrics`` block, or no metrics at all.
    """
    if not isinstance(summary, dict):
        raise InputFileError(path, "not a stridelab summary (expected a JSON object)")
    schema = summary.get("schema")
    if schema is not None and schema != SUMMARY_SCHEMA:
        raise InputFileError(path, f"schema {schema!r} is not {SUMMARY_SCHEMA!r}: "
                             "give the summary.json written by `stridelab analyze`")
    metrics = summary.get("metrics")
    if not isinstance(metrics, dict):
        raise InputFileError(path, "no 'metrics' block: not a stridelab summary "
                             f"({SUMMARY_SCHEMA}, see docs/summary-schema.md)")
    if not metrics:
        raise InputFileError(path, "nothing to assess: the summary has no metrics")
    try:
        Summary.from_dict(summary)
    except (TypeError, ValueError) as exc:
        raise InputFileError(path, f"not a stridelab summary: {exc}") from None
    return summary


def read_summary(path: str | Path) -> dict[str, Any]:
    """Read and check a ``summary.json`` file.

    Parameters
    ----------
    path
        The file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not JSON ({exc.msg} at line {exc.lineno}, column "
                             f"{exc.colno})") from None
    return check_summary(doc, path)


def load_input(path: str | Path) -> AssessInput:
    """Resolve what the user named into a summary to assess.

    Parameters
    ----------
    path
        A results folder holding ``summary.json``, a ``summary.json`` (any name ending in
        ``.json``) or an activity file (``.fit``, ``.gpx``, ``.tcx``, optionally ``.gz``).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file or folder")
    if path.is_dir():
        target = path / "summary.json"
        if not target.is_file():
            raise InputFileError(path, "no summary.json in this folder (write one with "
                                 "`stridelab analyze RECORDING --out FOLDER`)")
        return AssessInput(read_summary(target), target, path / "findings.json")
    name = path.name.lower()
    if name.endswith(".json"):
        return AssessInput(read_summary(path), path, path.with_name("findings.json"))
    if name.endswith(ACTIVITY_SUFFIXES):
        from stridelab.assess.watch import summary_from_file

        summary = summary_from_file(path)
        if not summary.get("metrics"):
            raise InputFileError(path, "nothing to assess: no cadence or running dynamics "
                                 "in this file")
        summary = check_summary(summary, path)
        stem = path.name.split(".")[0]
        return AssessInput(summary, path, Path.cwd() / f"{stem}.findings.json")
    raise InputFileError(path, "expected a results folder, a summary.json or an activity "
                         "file (.fit, .gpx, .tcx)")
