"""Find activity files in paths: single files, folders, zip archives and gzip members.

Garmin Connect bulk exports are zips holding further zips of ``.fit`` files; Strava bulk
exports are zips whose ``activities/`` folder holds ``.fit.gz``, ``.gpx.gz`` and ``.tcx.gz``
files. Both are walked recursively. Files are read lazily, one at a time
(the archive stays open while its members are read).
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stridelab.errors import InputFileError

FORMATS = ("fit", "gpx", "tcx")


@dataclass
class SourceFile:
    """One activity file to import.

    Attributes
    ----------
    name
        Display name: a path, or ``archive.zip!inner/path`` inside an archive.
    fmt
        ``"fit"``, ``"gpx"``, ``"tcx"``, or ``""`` when the name says nothing.
    read
        Returns the (decompressed) bytes; raises :class:`InputFileError` when unreadable.
    error
        Set instead of ``read`` for a path that cannot be used at all.
    """

    name: str
    fmt: str
    read: Callable[[], bytes]
    error: str | None = None


def format_of(name: str) -> tuple[str, bool]:
    """Return ``(format, gzipped)`` from a file name like ``run.fit`` or ``123.gpx.gz``."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    suffix = lower.rsplit(".", 1)[-1] if "." in lower else ""
    return (suffix if suffix in FORMATS else ""), gz


def _gunzip(name: str, raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise InputFileError(name, f"damaged gzip file: {exc}") from exc


def _file_reader(path: Path, gz: bool) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from exc
        return _gunzip(str(path), raw) if gz else raw

    return read


def _zip_sources(name: str, opener: Callable[[], bytes | Path]) -> Iterator[SourceFile]:
    try:
        target = opener()
        archive = zipfile.ZipFile(io.BytesIO(target) if isinstance(target, bytes) else target)
    except (zipfile.BadZipFile, OSError, InputFileError) as exc:
        yield SourceFile(name, "", _never, error=f"not a readable zip archive: {exc}")
        return
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.is_dir() or info.filename.startswith("__MACOSX/") or _hidden(info.filename):
            continue
        member = f"{name}!{info.filename}"
        if info.filename.lower().endswith(".zip"):
            yield from _zip_sources(member, lambda a=archive, i=info: a.read(i))
            continue
        fmt, gz = format_of(info.filename)
        if fmt:  # exports hold media, csv and json next to the activities: skipped
            yield SourceFile(member, fmt, _member_reader(archive, info, member, gz))


def _member_reader(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, gz: bool
) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            raw = archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise InputFileError(member, f"damaged archive member: {exc}") from exc
        return _gunzip(member, raw) if gz else raw

    return read


def _hidden(name: str) -> bool:
    """MacOS resource forks (``._run.fit``) and other dot files are not activities."""
    return name.rsplit("/", 1)[-1].startswith(".")


def _never() -> bytes:
    raise AssertionError("SourceFile with an error has nothing to read")


def iter_sources(paths: Iterable[str | Path]) -> Iterator[SourceFile]:
    """Yield every activity file under the given paths.

    Parameters
    ----------
    paths
        Files (``.fit``, ``.gpx``, ``.tcx``, optionally ``.gz``), folders (searched
        recursively, other files ignored) and ``.zip`` archives (nested zips included).
        A path given explicitly with an unknown extension is reported, not skipped.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() == ".zip":
                    yield from _zip_sources(str(child), lambda c=child: c)
                    continue
                fmt, gz = format_of(child.name)
                if fmt and not _hidden(child.name):
                    yield SourceFile(str(child), fmt, _file_reader(child, gz))
        elif not path.exists():
            yield SourceFile(str(path), "", _never, error="no such file or folder")
        elif path.suffix.lower() == ".zip":
            yield from _zip_sources(str(path), lambda p=path: p)
        else:
            fmt, gz = format_of(path.name)
            if not fmt:
                yield SourceFile(str(path), "", _never, error=(
                    "unknown file type: expected .fit, .gpx, .tcx (optionally .gz) or .zip"))
            else:
                yield SourceFile(str(path), fmt, _file_reader(path, gz))
