"""Video files: what the container says (size, frame rate, capture rate) and a frame stream.

Decoding uses PyAV (FFmpeg). Frames are streamed through a small bounded queue filled by a
background thread, so decoding overlaps pose inference and memory stays flat whatever the
clip's length: at most ``prefetch`` frames are held at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stridelab.errors import InputFileError

CAPTURE_RATE_TAGS = (
    "com.android.capture.fps",
    "com.apple.quicktime.capture.fps",
    "capture_fps",
)
"""Container tags in which phones record the real capture rate of slow-motion clips."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip.

    Attributes
    ----------
    path
        The file.
    width, height
        Displayed size in pixels (after the rotation the container asks for).
    playback_fps
        Frame rate the file plays at.
    capture_fps
        Real capture rate when the container records it (slow motion), else ``None``.
    n_frames
        Number of frames (estimated from duration when the container does not say).
    duration_s
        Playback duration in seconds.
    codec
        Codec name.
    rotation
        Rotation in degrees the player applies (0, 90, 180, 270).
    """

    path: Path
    width: int
    height: int
    playback_fps: float
    capture_fps: float | None
    n_frames: int
    duration_s: float
    codec: str
    rotation: int = 0


def _open(path: Path):
    import av

    if not path.exists():
        raise InputFileError(path, "does not exist")
    if path.is_dir():
        raise InputFileError(path, "is a folder, not a video file")
    try:
        container = av.open(str(path))
    except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"is not a readable video ({exc.__class__.__name__})") from exc
    if not container.streams.video:
        container.close()
        raise InputFileError(path, "has no video stream")
    return container


def _capture_rate(*tag_dicts: dict) -> float | None:
    for tags in tag_dicts:
        for key, value in tags.items():
            if key.lower() in CAPTURE_RATE_TAGS:
                try:
                    rate = float(value)
                except ValueError:
                    continue
                if rate > 0:
                    return rate
    return None


def probe_video(path: str | Path) -> VideoInfo:
    """Read a clip's size, frame rates and length without decoding it.

    Raises
    ------
    InputFileError
        When the file is missing, not a video, or its codec cannot be decoded.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if ctx is None or ctx.name is None:
            raise InputFileError(path, "uses a video codec this FFmpeg build cannot decode")
        rate = stream.average_rate or stream.base_rate or stream.guessed_rate
        if not rate:
            raise InputFileError(path, "does not state a frame rate")
        fps = float(rate)
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration
            else (container.duration or 0) / 1e6
        )
        n_frames = int(stream.frames) if stream.frames else int(round(duration * fps))
        rotation = _rotation(stream)
        width, height = ctx.width, ctx.height
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(
            path=path,
            width=int(width),
            height=int(height),
            playback_fps=fps,
            capture_fps=_capture_rate(dict(container.metadata), dict(stream.metadata)),
            n_frames=n_frames,
            duration_s=duration,
            codec=ctx.name,
            rotation=rotation,
        )
    finally:
        container.close()


def _rotation(stream) -> int:
    """Display rotation from the stream's side data or its legacy ``rotate`` tag."""
    tag = stream.metadata.get("rotate")
    if tag is not None:
        try:
            return int(float(tag)) % 360
        except ValueError:
            return 0
    return 0


def _rotate(img: np.ndarray, degrees: int) -> np.ndarray:
    # the player turns the picture clockwise by ``degrees``
    k = {0: 0, 90: -1, 180: 2, 270: 1}.get(degrees % 360, 0)
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


def iter_frames(path: str | Path, prefetch: int = 8) -> Iterator[np.ndarray]:
    """Yield the clip's frames as RGB ``(height, width, 3)`` uint8 arrays, in order.

    A background thread decodes up to ``prefetch`` frames ahead (FFmpeg releases the GIL), so
    decoding runs while the caller processes the previous frame.

    Raises
    ------
    InputFileError
        When the stream cannot be decoded (corrupt data, unsupported codec).
    """
    import av

    path = Path(path)
    info = probe_video(path)
    frames: queue.Queue = queue.Queue(maxsize=prefetch)
    done = object()
    stop = threading.Event()

    def decode() -> None:
        container = _open(path)
        try:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                img = _rotate(frame.to_ndarray(format="rgb24"), info.rotation)
                while not stop.is_set():
                    try:
                        frames.put(img, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            frames.put(done)
        except (av.error.FFmpegError, ValueError) as exc:
            frames.put(InputFileError(path, f"cannot be decoded ({exc.__class__.__name__})"))
        finally:
            container.close()

    worker = threading.Thread(target=decode, name="stridelab-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = frames.get()
            if item is done:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)
