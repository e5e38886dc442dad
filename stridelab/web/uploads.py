"""Uploaded files: their type told from their content, stored under random names.

The name a browser sends is only shown, never used as a path: the file is written under a
random name in the data folder, with the suffix of the type its first bytes show. Types are
recognised by their signatures: ISO base media (``ftyp``, MP4/MOV), Matroska/WebM (EBML),
AVI (RIFF), C3D (header byte 0x50 and the parameter section's processor type, Motion Lab
Systems' C3D manual), FIT (``.FIT`` in the header, Garmin FIT protocol), GPX and TCX (their
XML root), TRC (``PathFileType``).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from stridelab.errors import StridelabError

#: Kind -> (suffix the stored file gets, what the analysis is).
KINDS = {"video": (".mp4", "video"), "mov": (".mov", "video"), "webm": (".webm", "video"),
         "avi": (".avi", "video"), "c3d": (".c3d", "mocap"), "trc": (".trc", "mocap"),
         "fit": (".fit", "watch"), "gpx": (".gpx", "watch"), "tcx": (".tcx", "watch"),
         "imu": (".csv", "sensors")}
ACCEPTED = ("videos (MP4, MOV, WebM, AVI), motion capture (C3D, TRC), watch files (FIT, GPX, "
            "TCX), wearable-sensor CSV files (accelerometer and gyroscope)")
CHUNK = 1 << 20


class UploadError(StridelabError):
    """An upload refused: ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 415) -> None:
        super().__init__(message)
        self.status = status


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes (at least 64), or ``None``."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mov" if head[8:10] == b"qt" else "video"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT":
        return "fit"
    if len(head) >= 2 and head[1] == 0x50 and 2 <= head[0] <= 127 and _c3d_processor(head):
        return "c3d"
    text = head[:2048].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    if text.startswith("PathFileType"):
        return "trc"
    if text.startswith("<"):
        if re.search(r"<gpx[\s>]", text):
            return "gpx"
        if "<TrainingCenterDatabase" in text:
            return "tcx"
    from stridelab.io.imu_csv import imu_layout_of

    if "\n" in text and imu_layout_of(text) is not None:
        return "imu"
    return None


def _c3d_processor(head: bytes) -> bool:
    """Whether the C3D parameter section names a processor (84 Intel, 85 DEC, 86 MIPS).

    Its fourth byte does, in the block the header's first byte points to (C3D manual,
    "The parameter section"); where that block lies past ``head``, the header alone decides.
    """
    at = (head[0] - 1) * 512 + 3
    return at >= len(head) or head[at] in (84, 85, 86)


def display_name(name: str | None) -> str:
    """A file name fit to show: its last part, printable, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    return base[:120] or "upload"


@dataclass
class StoredUpload:
    """An upload written to the data folder."""

    original_name: str
    stored_name: str
    kind: str
    size_bytes: int
    sha256: str

    @property
    def analysis_kind(self) -> str:
        """``video``, ``mocap`` or ``watch``."""
        return KINDS[self.kind][1]

    def row(self) -> dict:
        """The fields of its database row."""
        return {"original_name": self.original_name, "stored_name": self.stored_name,
                "kind": self.kind, "size_bytes": self.size_bytes, "sha256": self.sha256}


class UploadWriter:
    """Receive one file in chunks into ``partial_dir``, then move it into ``uploads_dir``.

    Parameters
    ----------
    name
        The name the browser sent (only shown).
    partial_dir, uploads_dir
        Folders of the data folder (:class:`~stridelab.web.settings.Settings`).
    budget
        Bytes this file may still take (the request's limit minus earlier files).
    """

    def __init__(self, name: str | None, partial_dir: Path, uploads_dir: Path,
                 budget: int) -> None:
        self.name = display_name(name)
        self.token = secrets.token_hex(16)
        self.partial = partial_dir / self.token
        self.uploads_dir = uploads_dir
        self.budget = budget
        self.size = 0
        self.head = b""
        self.hash = hashlib.sha256()
        self.handle = open(self.partial, "wb")  # noqa: SIM115 - closed in finish/abort

    def write(self, chunk: bytes) -> None:
        """Append a chunk; refuse at once past the size limit."""
        self.size += len(chunk)
        if self.size > self.budget:
            self.abort()
            raise UploadError(f"{self.name}: larger than the upload limit "
                              f"({self.budget / 1e6:.0f} MB left of it)", status=413)
        if len(self.head) < 2048:
            self.head += chunk[:2048 - len(self.head)]
        self.hash.update(chunk)
        self.handle.write(chunk)

    def finish(self) -> StoredUpload:
        """Check the content and keep the file under its random name."""
        self.handle.close()
        kind = sniff(self.head)
        if self.size == 0:
            self.abort()
            raise UploadError(f"{self.name}: the file is empty", status=400)
        if kind is None:
            self.abort()
            raise UploadError(f"{self.name}: not a file stridelab reads (by its content); "
                              f"it reads {ACCEPTED}")
        stored = self.token + KINDS[kind][0]
        os.replace(self.partial, self.uploads_dir / stored)
        return StoredUpload(self.name, stored, kind, self.size, self.hash.hexdigest())

    def abort(self) -> None:
        """Drop what was received."""
        if not self.handle.closed:
            self.handle.close()
        self.partial.unlink(missing_ok=True)
