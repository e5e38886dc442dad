"""Watch and app activity files (FIT, GPX, TCX) read into :class:`Activity` objects."""

from __future__ import annotations

from stridelab.errors import InputFileError
from stridelab.io.activity.archive import SourceFile, iter_sources
from stridelab.io.activity.model import CHANNELS, RUNNING_DYNAMICS, Activity

__all__ = [
    "CHANNELS",
    "RUNNING_DYNAMICS",
    "Activity",
    "SourceFile",
    "iter_sources",
    "read_activity",
    "read_path",
]


def read_activity(data: bytes, source: str, fmt: str) -> Activity:
    """Decode one activity file's bytes.

    Parameters
    ----------
    data
        The file's content (already decompressed).
    source
        Name used in messages.
    fmt
        ``"fit"``, ``"gpx"`` or ``"tcx"``.

    Raises
    ------
    InputFileError
        When the file cannot be used; the message says why.
    """
    if not data:
        raise InputFileError(source, "empty file (0 bytes)")
    if fmt == "fit":
        from stridelab.io.activity.fit import read_fit

        return read_fit(data, source)
    if fmt == "gpx":
        from stridelab.io.activity.gpx import read_gpx

        return read_gpx(data, source)
    if fmt == "tcx":
        from stridelab.io.activity.tcx import read_tcx

        return read_tcx(data, source)
    raise InputFileError(source, "unknown file type: expected .fit, .gpx or .tcx")


def read_path(path) -> Activity:
    """Read a single activity file from disk (``.fit``, ``.gpx``, ``.tcx``, or ``.gz``).

    Parameters
    ----------
    path
        File path.
    """
    sources = list(iter_sources([path]))
    source = sources[0]
    if source.error:
        raise InputFileError(source.name, source.error)
    return read_activity(source.read(), source.name, source.fmt)
