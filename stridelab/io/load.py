"""Open any supported recording by its file extension."""

from __future__ import annotations

from pathlib import Path

from stridelab.errors import InputFileError
from stridelab.io.markerset import MarkerSet
from stridelab.io.recording import Recording

MOTION_SUFFIXES = {".c3d": "C3D motion capture", ".trc": "OpenSim/Pose2Sim marker file"}


def read_recording(path: str | Path, markerset: MarkerSet | None = None) -> Recording:
    """Read a marker recording (``.c3d`` or ``.trc``) into a :class:`Recording` (lab axes).

    Raises
    ------
    InputFileError
        Missing file or unsupported format, with the reason.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix == ".c3d":
        from stridelab.io.c3d import read_c3d

        return read_c3d(path, markerset)
    if suffix == ".trc":
        from stridelab.io.trc import read_trc

        return read_trc(path, markerset)
    known = ", ".join(f"{s} ({d})" for s, d in MOTION_SUFFIXES.items())
    raise InputFileError(path, f"unsupported file type {suffix or '(none)'}; supported: {known}")
