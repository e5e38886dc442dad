"""Write an analysis's result files: ``strides.csv``, ``summary.json``, ``angles.csv``, JSON.

The files are serialisations of the results (:class:`stridelab.summary.Summary.to_dict` for
``summary.json``); their definitions live with the results, not here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd


def write_json(path: str | Path, doc: Any) -> Path:
    """Write ``doc`` as indented UTF-8 JSON (with a final newline); return the path."""
    path = Path(path)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_results(out_dir: str | Path, strides: pd.DataFrame, summary: dict[str, Any],
                  angles: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write ``strides.csv``, ``summary.json`` and ``angles.csv`` into ``out_dir``.

    The folder is created if needed; ``angles.csv`` only when angle time series are given.
    ``strides.csv`` holds times in s, durations in ms and phases in % of stride.

    Parameters
    ----------
    out_dir
        The results folder.
    strides
        The per-stance table.
    summary
        The ``summary.json`` document (``Summary.to_dict()``).
    angles
        Angle time series (``time_s`` and one column per angle), or ``None``.

    Returns
    -------
    dict
        Paths written, by name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"strides": out / "strides.csv", "summary": out / "summary.json"}
    strides.to_csv(paths["strides"], index=False, float_format="%.6g")
    paths["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
    if angles is not None and len(angles.columns) > 1:
        paths["angles"] = out / "angles.csv"
        angles.to_csv(paths["angles"], index=False, float_format="%.5g")
    return paths


OUTPUT_NAMES = ("strides.csv", "summary.json", "angles.csv", "findings.json", "program.json",
                "program.ics", "report.html", "report.pdf", "annotated.mp4")
"""The files stridelab writes into a results folder (``analyze``, ``plan``, ``report``)."""


def remove_stale(out_dir: str | Path, written: Iterable[str | Path]) -> list[Path]:
    """Remove the stridelab outputs in ``out_dir`` that this run did not write.

    A results folder used again keeps no file of an earlier run beside the new ones (an
    ``annotated.mp4`` of another clip, a report of other numbers). Only the names in
    :data:`OUTPUT_NAMES`, only in ``out_dir`` itself: nothing else is touched.

    Parameters
    ----------
    out_dir
        The results folder.
    written
        The files this run wrote.

    Returns
    -------
    list of Path
        The files removed.
    """
    out = Path(out_dir)
    kept = {Path(p).resolve() for p in written}
    removed = []
    for name in OUTPUT_NAMES:
        path = out / name
        if path.is_file() and not path.is_symlink() and path.resolve() not in kept:
            path.unlink()
            removed.append(path)
    return removed
