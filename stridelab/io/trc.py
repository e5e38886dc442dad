"""Read OpenSim / Pose2Sim ``.trc`` marker files.

The TRC format is a tab-separated text table: a header of three lines (file info, the
``DataRate CameraRate NumFrames NumMarkers Units ...`` keys and their values), a row of marker
names (each spanning X, Y, Z columns), a row of ``X1 Y1 Z1 ...`` and then ``Frame# Time``
followed by the coordinates. Missing samples are empty or NaN.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.io.markerset import MarkerSet, guess_markerset
from stridelab.io.recording import UNIT_TO_M, Recording


def read_trc(path: str | Path, markerset: MarkerSet | None = None) -> Recording:
    """Read a ``.trc`` file into a :class:`Recording` (metres, lab axes).

    Parameters
    ----------
    path
        The ``.trc`` file.
    markerset
        Mapping of marker names to landmarks; guessed from the names when ``None``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        lines = path.read_text("utf-8", errors="strict").splitlines()
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "not a text .trc file") from exc
    if len(lines) < 6 or "DataRate" not in lines[1]:
        raise InputFileError(path, "not a .trc file (no DataRate header on line 2)")
    keys = lines[1].split("\t")
    values = lines[2].split("\t")
    header = dict(zip(keys, values, strict=False))
    try:
        fs = float(header["DataRate"])
    except (KeyError, ValueError) as exc:
        raise InputFileError(path, "no valid DataRate in the header") from exc
    if not np.isfinite(fs) or fs <= 0:
        raise InputFileError(path, f"DataRate {fs:g} Hz in the header: not a frame rate")
    units = header.get("Units", "m").strip().lower()
    if units not in UNIT_TO_M:
        raise InputFileError(path, f"unknown units {units!r} (expected mm, cm or m)")
    names = [n.strip() for n in lines[3].split("\t")[2:] if n.strip()]
    coords = _coordinates(path, len(names))
    if coords.shape[1] < 3 * len(names) or len(coords) < 2:
        raise InputFileError(path, "marker columns or frames missing")
    scale = UNIT_TO_M[units]
    points = {n: coords[:, 3 * i : 3 * i + 3] * scale for i, n in enumerate(names)}
    if markerset is None:
        markerset = guess_markerset(names, path)
    return Recording(points, fs, path, markerset)


def _coordinates(path: Path, n_markers: int) -> np.ndarray:
    """The ``(n_frames, 3 * n_markers)`` coordinates; refused where a cell is not a number."""
    try:
        table = pd.read_csv(path, sep="\t", skiprows=5, header=None, engine="c")
        coords = table.iloc[:, 2 : 2 + 3 * n_markers].to_numpy(dtype=float)
    except (ValueError, UnicodeDecodeError) as exc:  # pandas' ParserError is a ValueError
        raise InputFileError(path, _table_problem(path, n_markers, exc)) from exc
    if np.isinf(coords).any():
        raise InputFileError(path, "infinite coordinates")
    return coords


def _table_problem(path: Path, n_markers: int, exc: Exception) -> str:
    """Which cell is not a number (read again as text), or the parser's words."""
    try:
        block = pd.read_csv(path, sep="\t", skiprows=5, header=None, engine="c",
                            dtype=str).iloc[:, 2 : 2 + 3 * n_markers]
    except (ValueError, UnicodeDecodeError):
        return f"unreadable table ({' '.join(str(exc).split())[:200]})"
    bad = (block.apply(lambda col: pd.to_numeric(col, errors="coerce")).isna()
           & block.notna()).to_numpy()
    if not bad.any():
        return f"unreadable table ({' '.join(str(exc).split())[:200]})"
    row, col = np.argwhere(bad)[0]
    return f"data row {row + 1}, column {col + 3}: {block.iat[row, col]!r} is not a number"
