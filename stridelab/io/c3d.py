"""Read C3D motion capture (markers and force platforms) through ezc3d.

Force platforms are read through their C3D parameters (type, calibration matrix, channels,
origin, corners) by ezc3d's ``extract_forceplat_data``, so raw analog values become newtons.
Markers stored as exact zeros (the C3D convention for a missing sample) become NaN.

ezc3d is C++: a damaged file can crash it, so it runs in a child process
(:mod:`stridelab.io.isolate`) and a crash becomes a one-line error naming the file. A file
shorter than its header says is read with a warning; a one-frame (static) trial is refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.io.c3d_native import announced_frames
from stridelab.io.isolate import decode_isolated
from stridelab.io.markerset import MarkerSet, guess_markerset
from stridelab.io.recording import UNIT_TO_M, ForcePlate, Recording


def _check_header(path: Path) -> bytes:
    """The file's first 1024 bytes (header and first parameter block), once checked."""
    if not path.exists():
        raise InputFileError(path, "no such file")
    if not path.is_file():
        raise InputFileError(path, "is not a file")
    with path.open("rb") as fh:
        head = fh.read(1024)
    # C3D header: byte 1 is the key 0x50 (C3D.org, "The C3D File Format User Guide", ch. 3).
    if len(head) < 2 or head[1] != 0x50:
        raise InputFileError(path, "not a C3D file (header key 0x50 missing)")
    return head


def _point_scale(units: str, points: np.ndarray, path: Path, warnings: list[str]) -> float:
    units = units.strip().lower()
    if units in UNIT_TO_M:
        return UNIT_TO_M[units]
    # No unit recorded: a standing human spans ~1 m vertically; decide by magnitude.
    span = np.nanpercentile(np.abs(points), 99) if np.isfinite(points).any() else 0.0
    scale = 1e-3 if span > 20 else 1.0
    warnings.append(
        f"{path.name}: POINT:UNITS is {units or 'empty'}; assumed {'mm' if scale < 1 else 'm'} "
        "from the coordinate magnitudes"
    )
    return scale


def read_c3d(path: str | Path, markerset: MarkerSet | None = None) -> Recording:
    """Read markers and force platforms from a C3D file.

    Parameters
    ----------
    path
        The ``.c3d`` file.
    markerset
        Mapping of marker names to landmarks; guessed from the labels when ``None``.

    Returns
    -------
    Recording
        Markers in metres (lab axes), force plates in newtons.

    Raises
    ------
    InputFileError
        Missing file, not a C3D file, no markers, a single frame (a static trial), a file
        truncated to fewer than two frames, or a marker set that does not match.
    stridelab.errors.DecoderError
        When ezc3d crashed, hung or ran out of memory on the file.

    Notes
    -----
    A file holding fewer frames than its header announces is read with a warning.
    """
    path = Path(path)
    head = _check_header(path)
    raw = decode_isolated("stridelab.io.c3d_native:decode", (str(path),), path,
                          path.stat().st_size)
    warnings: list[str] = []
    labels, data = _markers(raw, path, warnings)
    fs = raw["rate"]
    if fs is None or not np.isfinite(fs) or not fs > 0:
        raise InputFileError(path, f"invalid point rate {fs} Hz")
    _check_frames(data.shape[2], announced_frames(head), fs, path, warnings)

    missing = np.all(data == 0.0, axis=0)  # exact zeros code a missing sample
    data[:, missing] = np.nan
    scale = _point_scale(raw["units"], data, path, warnings)
    points = {lbl: data[:, i, :].T * scale for i, lbl in enumerate(labels)}

    if markerset is None:
        markerset = guess_markerset(labels, path)
    plates = [_plate(p, raw["analog_rate"]) for p in raw["platforms"]]
    if any(len(p.force) < 2 for p in plates):
        warnings.append(f"{path.name}: a force platform without samples was ignored")
        plates = [p for p in plates if len(p.force) >= 2]
    return Recording(points, fs, path, markerset, plates=plates, warnings=warnings)


def _markers(raw: dict, path: Path, warnings: list[str]) -> tuple[list[str], np.ndarray]:
    """Marker labels and ``(3, n_markers, n_frames)`` positions, as many of each."""
    labels, data = raw["labels"], raw["points"]
    if not labels or data.shape[1] == 0:
        raise InputFileError(path, "contains no marker trajectories")
    n = min(len(labels), data.shape[1])
    if n < max(len(labels), data.shape[1]):
        warnings.append(f"{path.name}: {len(labels)} marker labels for {data.shape[1]} "
                        f"trajectories; only the first {n} were read")
    return labels[:n], data[:, :n, :]


def _check_frames(n: int, announced: int | None, fs: float, path: Path,
                  warnings: list[str]) -> None:
    """Refuse a static or empty trial; warn about (or refuse) a truncated file."""
    if announced is not None and n < announced:
        if n < 2:
            raise InputFileError(path, f"truncated: the header announces {announced} frames, "
                                       f"the file holds {n}")
        warnings.append(f"{path.name}: truncated: the header announces {announced} frames "
                        f"({announced / fs:.1f} s), the file holds {n} ({n / fs:.1f} s); "
                        "only these were read")
    elif n == 1:
        raise InputFileError(path, "holds one frame: a static trial, not a movement (give a "
                                   "recording of the runner running)")
    elif n == 0:
        raise InputFileError(path, "contains no frames")


def _plate(platform: dict, fs: float) -> ForcePlate:
    """One platform as ezc3d computed it (newtons, at the analog rate ``fs``)."""
    force = platform["force"].T
    unit = platform["unit_position"].lower()
    cop = platform["cop"].T * UNIT_TO_M.get(unit, 1e-3)
    return ForcePlate(force=force, fs=fs, cop=cop)
