"""The clip's frames kept at the annotated video's size while the pose model reads them.

Drawing the annotated video used to decode the clip a second time: for a phone's 1080p clip
that is about half of the video's cost (decoding ~5 ms a frame, scaling ~2 ms; drawing and
encoding ~6 ms). The pose processes already decode every frame, so each also scales it and
writes it, as 4:2:0 planes, to a file; the video is then drawn from that file, in runs cut
anywhere (no key frame to decode from).

The file is written and read with ``pwrite``/``pread``: it lives in the page cache, not in
any process's memory. It is used only while it stays under :data:`MAX_BYTES` (about 23 s of
60 fps video at 960 x 540) and the disk has room; otherwise the video decodes the clip again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

MAX_BYTES = 1 << 30
"""Largest frame cache (1 GiB); longer clips are decoded a second time instead."""


class FrameCache:
    """Frames of one clip at one size, by index, in a file.

    Parameters
    ----------
    path
        The cache file (created by :meth:`allocate`, removed by :meth:`remove`).
    size
        ``(width, height)`` of the frames, as displayed (even numbers).
    max_bytes
        Largest file :meth:`allocate` accepts.

    Attributes
    ----------
    pts
        Presentation timestamps of the frames, in order (set by :meth:`allocate`).
    complete
        Whether every frame was written (set by whoever wrote them).
    """

    def __init__(self, path: str | Path, size: tuple[int, int], max_bytes: int = MAX_BYTES):
        self.path = Path(path)
        self.size = (int(size[0]), int(size[1]))
        self.max_bytes = int(max_bytes)
        self.pts = np.zeros(0, np.int64)
        self.complete = False

    @property
    def frame_bytes(self) -> int:
        """Bytes per frame: a full-size luma plane and two quarter-size chroma planes."""
        w, h = self.size
        return w * h * 3 // 2

    def allocate(self, pts: np.ndarray) -> bool:
        """Make room for frames with these timestamps.

        Returns ``False`` when they do not fit the limit or the disk (the caller then goes
        without).
        """
        need = self.frame_bytes * len(pts)
        if need == 0 or need > self.max_bytes:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if shutil.disk_usage(self.path.parent).free < 2 * need:
                return False
            with open(self.path, "wb") as f:
                f.truncate(need)
        except OSError:
            return False
        self.pts = np.asarray(pts, dtype=np.int64)
        return True

    def index_of(self, pts: int) -> int | None:
        """Index of the frame with timestamp ``pts`` (``None``: not a frame of the cache)."""
        i = int(np.searchsorted(self.pts, pts))
        return i if i < len(self.pts) and self.pts[i] == pts else None

    def write(self, pts: int, planes: np.ndarray) -> int | None:
        """Store one frame's 4:2:0 planes ``(h * 3/2, w)``; returns its index.

        ``None`` when it is not a frame of the cache or cannot be written (a full disk costs
        only the cache).
        """
        i = self.index_of(pts)
        w, h = self.size
        if i is None or planes.shape != (h * 3 // 2, w):
            return None
        try:
            fd = os.open(self.path, os.O_WRONLY)
            try:
                data = np.ascontiguousarray(planes, dtype=np.uint8)
                if os.pwrite(fd, memoryview(data).cast("B"), i * self.frame_bytes) != data.nbytes:
                    return None
            finally:
                os.close(fd)
        except OSError:
            return None
        return i

    def read(self, index: int) -> np.ndarray:
        """The 4:2:0 planes ``(h * 3/2, w)`` of frame ``index``."""
        w, h = self.size
        fd = os.open(self.path, os.O_RDONLY)
        try:
            data = os.pread(fd, self.frame_bytes, index * self.frame_bytes)
        finally:
            os.close(fd)
        if len(data) != self.frame_bytes:
            raise OSError(f"{self.path}: frame {index} is missing from the frame cache")
        return np.frombuffer(data, dtype=np.uint8).reshape(h * 3 // 2, w)

    def remove(self) -> None:
        """Delete the file."""
        self.path.unlink(missing_ok=True)
        self.complete = False
