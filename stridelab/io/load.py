"""Open any supported recording by its file extension."""

from __future__ import annotations

from pathlib import Path

from stridelab.errors import InputFileError
from stridelab.io.clusters import clean_clusters
from stridelab.io.markerset import MarkerSet
from stridelab.io.recording import Recording

MOTION_SUFFIXES = {".c3d": "C3D motion capture", ".trc": "OpenSim/Pose2Sim marker file"}


def read_recording(path: str | Path, markerset: MarkerSet | None = None) -> Recording:
    """Read a marker recording (``.c3d`` or ``.trc``) into a :class:`Recording` (lab axes).

    Marker clusters are checked against their rigid shape and their neighbouring segments,
    and repaired, on the way (:func:`stridelab.io.clusters.clean_clusters`); the repairs are
    listed in the recording's warnings.

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

        return clean_clusters(read_c3d(path, markerset))
    if suffix == ".trc":
        from stridelab.io.trc import read_trc

        return clean_clusters(read_trc(path, markerset))
    known = ", ".join(f"{s} ({d})" for s, d in MOTION_SUFFIXES.items())
    raise InputFileError(path, f"unsupported file type {suffix or '(none)'}; supported: {known}")
