"""What ezc3d reads from a C3D file, as plain arrays, and the frame count its header announces.

:func:`decode` runs in a decoder child process (:mod:`stridelab.io.isolate`): ezc3d is C++
and a damaged file can crash it. It imports nothing heavier than NumPy and ezc3d, so the
child starts quickly.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InputFileError

_BYTE_ORDER = {84: "<", 85: "<", 86: ">"}
"""C3D processor type (first parameter block, byte 4) -> byte order: Intel, DEC, MIPS."""


def announced_frames(head: bytes) -> int | None:
    """The number of frames a C3D header announces (``last - first + 1``).

    Parameters
    ----------
    head
        The file's first bytes: the 512-byte header and the parameter section's first block.

    Returns
    -------
    int or None
        ``None`` when the header is too damaged to tell, or saturated (65535: the real count
        then lives in the parameters).
    """
    if len(head) < 512 or head[0] < 2:
        return None
    processor = (head[0] - 1) * 512 + 3
    order = _BYTE_ORDER.get(head[processor]) if processor < len(head) else None
    if order is None:
        return None
    first, last = struct.unpack_from(f"{order}HH", head, 6)
    if last == 0xFFFF or last < first:
        return None
    return last - first + 1


def decode(path: str) -> dict[str, Any]:
    """Read a C3D file with ezc3d into plain arrays (in the decoder child).

    Parameters
    ----------
    path
        The ``.c3d`` file.

    Returns
    -------
    dict
        ``labels`` (marker names), ``points`` (``(3, n_markers, n_frames)``), ``rate`` (Hz),
        ``units`` (``POINT:UNITS``), ``analog_rate`` (Hz) and ``platforms`` (each a dict with
        ``force``, ``cop`` as ezc3d gives them and ``unit_position``).

    Raises
    ------
    InputFileError
        When ezc3d rejects the file.
    """
    import ezc3d

    try:
        c3d = ezc3d.c3d(path, extract_forceplat_data=True)
    except (OSError, RuntimeError, ValueError) as exc:
        if "bad_alloc" in str(exc):
            raise MemoryError(str(exc)) from exc
        raise InputFileError(Path(path), f"cannot be read as C3D ({_reason(exc)})") from exc
    params = c3d["parameters"]
    return {
        "labels": [str(lbl).strip() for lbl in _values(params, "POINT", "LABELS")],
        "points": np.asarray(c3d["data"]["points"][:3], dtype=float),
        "rate": _number(params, "POINT", "RATE"),
        "units": "".join(str(u) for u in _values(params, "POINT", "UNITS")),
        "analog_rate": _number(params, "ANALOG", "RATE") or 0.0,
        "platforms": [
            {"force": np.asarray(p["force"], dtype=float),
             "cop": np.asarray(p["center_of_pressure"], dtype=float),
             "unit_position": str(p.get("unit_position", "mm"))}
            for p in c3d["data"].get("platform", [])
        ],
    }


def _reason(exc: Exception) -> str:
    """ezc3d's message on one line, without its advice to set an option we do not offer."""
    text = " ".join(str(exc).split())
    return text.replace(" If you want to ignore this error, set ignoreBadFormatting to true", "")


def _values(params: dict, group: str, name: str) -> list:
    """A parameter's values as a flat list; empty when the parameter is missing."""
    value = params.get(group, {}).get(name, {}).get("value", [])
    return list(np.ravel(np.asarray(value, dtype=object)))


def _number(params: dict, group: str, name: str) -> float | None:
    """A parameter's first value as a number, or ``None``."""
    values = _values(params, group, name)
    try:
        return float(values[0])
    except (IndexError, TypeError, ValueError):
        return None
