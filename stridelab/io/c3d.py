"""Read C3D motion capture (markers and force platforms) through ezc3d.

Force platforms are read through their C3D parameters (type, calibration matrix, channels,
origin, corners) by ezc3d's ``extract_forceplat_data``, so raw analog values become newtons.
Markers stored as exact zeros (the C3D convention for a missing sample) become NaN.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError
from stridelab.io.markerset import MarkerSet, guess_markerset
from stridelab.io.recording import UNIT_TO_M, ForcePlate, Recording


def _check_header(path: Path) -> None:
    if not path.exists():
        raise InputFileError(path, "no such file")
    if not path.is_file():
        raise InputFileError(path, "is not a file")
    with path.open("rb") as fh:
        head = fh.read(2)
    # C3D header: byte 1 is the key 0x50 (C3D.org, "The C3D File Format User Guide", ch. 3).
    if len(head) < 2 or head[1] != 0x50:
        raise InputFileError(path, "not a C3D file (header key 0x50 missing)")


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
        Missing file, not a C3D file, no markers, or a marker set that does not match.
    """
    import ezc3d

    path = Path(path)
    _check_header(path)
    try:
        c3d = ezc3d.c3d(str(path), extract_forceplat_data=True)
    except Exception as exc:  # ezc3d raises OSError/RuntimeError for corrupt files
        raise InputFileError(path, f"cannot be read as C3D ({exc})") from exc
    params = c3d["parameters"]
    labels = [str(lbl).strip() for lbl in params["POINT"]["LABELS"]["value"]]
    data = np.asarray(c3d["data"]["points"][:3], dtype=float)  # (3, n_markers, n_frames)
    if not labels or data.shape[2] < 2:
        raise InputFileError(path, "contains no marker trajectories")
    fs = float(np.ravel(params["POINT"]["RATE"]["value"])[0])
    if not fs > 0:
        raise InputFileError(path, f"invalid point rate {fs} Hz")

    warnings: list[str] = []
    missing = np.all(data == 0.0, axis=0)  # exact zeros code a missing sample
    data[:, missing] = np.nan
    units = "".join(np.ravel(params["POINT"].get("UNITS", {}).get("value", [])).astype(str))
    scale = _point_scale(units, data, path, warnings)
    points = {lbl: data[:, i, :].T * scale for i, lbl in enumerate(labels)}

    if markerset is None:
        markerset = guess_markerset(labels, path)
    analog_rate = float(np.ravel(params.get("ANALOG", {}).get("RATE", {}).get("value", [0]))[0])
    plates = [_plate(p, analog_rate) for p in c3d["data"].get("platform", [])]
    if any(len(p.force) < 2 for p in plates):
        warnings.append(f"{path.name}: a force platform without samples was ignored")
        plates = [p for p in plates if len(p.force) >= 2]
    return Recording(points, fs, path, markerset, plates=plates, warnings=warnings)


def _plate(platform: dict, fs: float) -> ForcePlate:
    """One platform as ezc3d computed it (newtons, at the analog rate ``fs``)."""
    force = np.asarray(platform["force"], dtype=float).T
    unit = str(platform.get("unit_position", "mm")).lower()
    cop = np.asarray(platform["center_of_pressure"], dtype=float).T * UNIT_TO_M.get(unit, 1e-3)
    return ForcePlate(force=force, fs=fs, cop=cop)
