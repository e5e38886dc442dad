"""Video files: what the container says (size, frame rate, capture rate) and a frame stream.

Decoding uses PyAV (FFmpeg). Frames are streamed through a small bounded queue filled by a
background thread, so decoding overlaps pose inference and memory stays flat whatever the
clip's length: at most ``prefetch`` frames are held at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
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

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp"}


def is_video(path: Path) -> bool:
    """Whether ``path`` looks like a video file (by its suffix)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


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
        rotation = _rotation(container, stream)
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


def _rotation(container, stream) -> int:
    """Clockwise rotation (0, 90, 180, 270) a player applies to show the clip upright.

    Phones film in the sensor's orientation and record how to turn the picture: older files in
    a ``rotate`` tag (degrees clockwise), newer ones in a display matrix that FFmpeg hands out
    with each frame (degrees counter-clockwise, read from the first frame here).
    """
    tag = stream.metadata.get("rotate")
    if tag is not None:
        try:
            return int(round(float(tag) / 90.0)) * 90 % 360
        except ValueError:
            return 0
    try:
        frame = next(container.decode(stream), None)
    except Exception:  # noqa: BLE001 - undecodable data is reported when decoding for real
        return 0
    if frame is None:
        return 0
    counter_clockwise = float(getattr(frame, "rotation", 0) or 0)
    return int(round(-counter_clockwise / 90.0)) * 90 % 360


def split_i420(planes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y ``(h, w)``, U and V ``(h/2, w/2)`` planes of 4:2:0 planes ``(h * 3/2, w)``.

    The layout OpenCV's ``COLOR_*_I420`` conversions and FFmpeg's ``yuv420p`` share; writing
    to the views writes to ``planes`` (when it is contiguous).
    """
    w, h = planes.shape[1], planes.shape[0] * 2 // 3
    n = w * h
    flat = planes.reshape(-1)
    return (flat[:n].reshape(h, w), flat[n: n + n // 4].reshape(h // 2, w // 2),
            flat[n + n // 4:].reshape(h // 2, w // 2))


def join_i420(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """4:2:0 planes ``(h * 3/2, w)`` from Y ``(h, w)``, U and V ``(h/2, w/2)`` (a copy)."""
    return np.concatenate([y.ravel(), u.ravel(), v.ravel()]).reshape(-1, y.shape[1])


def _plain_420(frame) -> bool:
    """Whether a frame is 8-bit 4:2:0 in video range with even sides (what phones record)."""
    return (frame.format.name == "yuv420p" and frame.width % 2 == 0 and frame.height % 2 == 0
            and getattr(frame, "color_range", 0) != 2)  # 2: full ("JPEG") range


def frame_to_i420(frame, size: tuple[int, int] | None = None) -> np.ndarray:
    """A decoded PyAV frame as 8-bit 4:2:0 planes ``(h * 3/2, w)`` (Y, then U, then V).

    Scaled to ``size`` ``(w, h)`` (even numbers). 8-bit 4:2:0 frames in video range (what
    phones record) are scaled plane by plane with OpenCV, without converting; others go through
    FFmpeg's converter.
    """
    import cv2

    w, h = frame.width, frame.height
    sw, sh = size if size is not None else (w, h)
    if not _plain_420(frame):
        return frame.reformat(width=sw, height=sh, format="yuv420p").to_ndarray()
    # the planes read in place (PyAV's to_ndarray copies them, at ~3 ms for 1080p)
    planes = [_plane(frame, 0, w, h), _plane(frame, 1, w // 2, h // 2),
              _plane(frame, 2, w // 2, h // 2)]
    if (w, h) != (sw, sh):
        planes = [cv2.resize(planes[0], (sw, sh), interpolation=cv2.INTER_AREA)] + [
            cv2.resize(c, (sw // 2, sh // 2), interpolation=cv2.INTER_AREA) for c in planes[1:]]
    return join_i420(*planes)


def _plane(frame, index: int, width: int, height: int) -> np.ndarray:
    """One plane of a decoded frame as a ``(height, width)`` view of its buffer (no copy)."""
    plane = frame.planes[index]
    return np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:height, :width]


def frame_to_rgb(frame, size: tuple[int, int] | None = None) -> np.ndarray:
    """A decoded PyAV frame as an RGB ``(h, w, 3)`` uint8 array, scaled to ``size`` ``(w, h)``.

    When scaling 8-bit 4:2:0 frames in video range (what phones record), the small planes are
    scaled first and converted by OpenCV (:func:`frame_to_i420`): five times faster than
    converting, then scaling. Frames kept at full size go through FFmpeg's converter: OpenCV's
    differs by one or two grey levels, and BlazePose's keypoints move with such differences (on
    the shared treadmill clip enough to change which stretch the left/right swap fix relabels).
    """
    import cv2

    if size is None or not _plain_420(frame):
        img = frame.to_ndarray(format="rgb24")
        if size is not None and (frame.width, frame.height) != tuple(size):
            img = cv2.resize(img, tuple(size), interpolation=cv2.INTER_AREA)
        return img
    return cv2.cvtColor(frame_to_i420(frame, size), cv2.COLOR_YUV2RGB_I420)


def rotate_i420(planes: np.ndarray, degrees: int) -> np.ndarray:
    """Turn 4:2:0 planes ``(h * 3/2, w)`` clockwise by ``degrees`` (as a player shows them)."""
    k = {0: 0, 90: -1, 180: 2, 270: 1}.get(degrees % 360, 0)
    if not k:
        return planes
    return join_i420(*(np.rot90(p, k) for p in split_i420(planes)))


def _rotate(img: np.ndarray, degrees: int) -> np.ndarray:
    # the player turns the picture clockwise by ``degrees``
    k = {0: 0, 90: -1, 180: 2, 270: 1}.get(degrees % 360, 0)
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


@dataclass(frozen=True)
class FrameIndex:
    """Presentation times of a clip's frames, read from its packets without decoding.

    Attributes
    ----------
    pts
        Every frame's presentation timestamp, in stream time-base units, in display order.
    keyframe_pts
        Timestamps of the key frames (where decoding can start after a seek).
    """

    pts: np.ndarray
    keyframe_pts: np.ndarray


def index_frames(path: str | Path) -> FrameIndex:
    """List the clip's frame timestamps from its packets (demuxing only: fast).

    Raises
    ------
    InputFileError
        When the file cannot be opened as a video.
    """
    import av

    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        pts, keys = [], []
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            pts.append(packet.pts)
            if packet.is_keyframe:
                keys.append(packet.pts)
    except av.error.FFmpegError as exc:
        raise InputFileError(path, f"cannot be read ({exc.__class__.__name__})") from exc
    finally:
        container.close()
    return FrameIndex(pts=np.unique(np.asarray(pts, dtype=np.int64)),
                      keyframe_pts=np.unique(np.asarray(keys, dtype=np.int64)))


def _decode_skipping(container, stream, skip_before: int | None):
    """Decode ``stream``; frames before ``skip_before`` that no other frame refers to are dropped.

    Frames shown before ``skip_before`` are not wanted, only those later ones need. On H.264
    with B-frames (x264's default) that is about half the frames a seek makes one decode
    without using, at 40 % less decoding time; clips without B-frames lose nothing.
    """
    ctx = stream.codec_context
    if skip_before is not None:
        ctx.skip_frame = "NONREF"
    for packet in container.demux(stream):
        if skip_before is not None and packet.pts is not None and packet.pts >= skip_before:
            ctx.skip_frame = "DEFAULT"
            skip_before = None
        yield from packet.decode()


_DONE = object()
"""Put in the frame queue after the last frame of the range."""


def _coded_size(shown: tuple[int, int] | None, rotation: int) -> tuple[int, int] | None:
    """A ``(width, height)`` given as displayed, in the stored orientation (``None`` kept).

    Frames are scaled before they are turned upright, so in the stored orientation.

    Parameters
    ----------
    shown
        Size as displayed, or ``None`` (the clip's own).
    rotation
        Rotation in degrees the player applies (:attr:`VideoInfo.rotation`).
    """
    if shown is None:
        return None
    return (shown[1], shown[0]) if rotation in (90, 270) else tuple(shown)


class _RangeDecoder:
    """Decodes a range of frames in a background thread and hands them on through a queue.

    :func:`iter_frames_between` runs :meth:`run` in a thread and reads :meth:`handed_on`;
    setting :attr:`stop` makes the thread give up.

    Parameters
    ----------
    path
        The clip.
    info
        What the container says about it (:func:`probe_video`).
    first_pts, stop_pts, prefetch, decoder_threads, size, tap, tap_size, planar
        As for :func:`iter_frames_between`.
    """

    def __init__(self, path: Path, info: VideoInfo, first_pts: int | None,
                 stop_pts: int | None, prefetch: int, decoder_threads: int,
                 size: tuple[int, int] | None, tap: Callable[[int, np.ndarray], None] | None,
                 tap_size: tuple[int, int] | None, planar: bool) -> None:
        self.path, self.rotation = path, info.rotation
        self.first_pts, self.stop_pts = first_pts, stop_pts
        self.decoder_threads = decoder_threads
        self.coded_size = _coded_size(size, info.rotation)
        self.coded_tap_size = _coded_size(tap_size, info.rotation)
        self.tap, self.planar = tap, planar
        self.frames: queue.Queue = queue.Queue(maxsize=prefetch)
        self.stop = threading.Event()

    def put(self, item) -> bool:
        """Queue ``item``, waiting while the queue is full; ``False`` once :attr:`stop` is set."""
        while not self.stop.is_set():
            try:
                self.frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def handed_on(self) -> Iterator[tuple[int, np.ndarray]]:
        """Yield the queued ``(pts, image)`` items until the end; re-raise a decoding error.

        Raises
        ------
        Exception
            The error the decoding thread met (:class:`InputFileError` for an unreadable
            stream).
        """
        while True:
            item = self.frames.get()
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            yield item

    def run(self) -> None:
        """Decode the range (after a seek when it has a start) and queue it, then the end mark.

        Errors are queued for the reading thread instead of raised.
        """
        import av

        if self.decoder_threads == 1:  # one process per core: OpenCV's converter stays in this one
            import cv2

            cv2.setNumThreads(1)
        seek = self.first_pts is not None
        try:
            for attempt_seek in ((True, False) if seek else (False,)):
                container = _open(self.path)
                try:
                    if self.decode_from(container, attempt_seek):
                        break
                finally:
                    container.close()
            self.put(_DONE)
        except (av.error.FFmpegError, ValueError) as exc:
            self.put(InputFileError(self.path, f"cannot be decoded ({exc.__class__.__name__})"))
        except InputFileError as exc:
            self.put(exc)
        except Exception as exc:  # noqa: BLE001 - re-raised in the reading thread, never lost
            self.put(exc)

    def decode_from(self, container, seek: bool) -> bool:
        """Decode and queue the range; ``False`` when the seek went past ``first_pts``.

        Parameters
        ----------
        container
            The opened clip (PyAV).
        seek
            Seek to the key frame before ``first_pts`` first (else decode from the start).
        """
        stream = self._video_stream(container)
        if seek:
            container.seek(int(self.first_pts), stream=stream, backward=True)
        first = True
        for frame in _decode_skipping(container, stream, self.first_pts):
            pts = frame.pts
            if pts is None:
                continue
            if first and seek and pts > self.first_pts:
                return False
            first = False
            if self.first_pts is not None and pts < self.first_pts:
                continue
            if self.stop_pts is not None and pts >= self.stop_pts:
                break
            if not self.put((int(pts), self.convert(frame, int(pts)))):
                break
        return True

    def _video_stream(self, container):
        """The clip's video stream, with its decoding threads set."""
        stream = container.streams.video[0]
        if self.decoder_threads == 1:
            stream.thread_type = "NONE"
        else:
            stream.thread_type = "AUTO"
            stream.codec_context.thread_count = self.decoder_threads
        return stream

    def convert(self, frame, pts: int) -> np.ndarray:
        """Hand the frame to the tap, then return it upright as RGB or as 4:2:0 planes.

        Parameters
        ----------
        frame
            A decoded PyAV frame of the range.
        pts
            Its presentation timestamp.
        """
        if self.tap is not None:
            self.tap(pts, rotate_i420(frame_to_i420(frame, self.coded_tap_size), self.rotation))
        if self.planar:
            return rotate_i420(frame_to_i420(frame, self.coded_size), self.rotation)
        return _rotate(frame_to_rgb(frame, self.coded_size), self.rotation)


def iter_frames_between(
    path: str | Path,
    first_pts: int | None = None,
    stop_pts: int | None = None,
    prefetch: int = 8,
    decoder_threads: int = 0,
    size: tuple[int, int] | None = None,
    tap: Callable[[int, np.ndarray], None] | None = None,
    tap_size: tuple[int, int] | None = None,
    planar: bool = False,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(pts, rgb)`` for the frames with ``first_pts <= pts < stop_pts``, in order.

    Decoding starts at the key frame before ``first_pts`` (a seek); frames before it are
    decoded but not converted, and those no other frame refers to are not even decoded. When
    the container cannot seek there, the clip is decoded from its start instead. A background
    thread decodes up to ``prefetch`` frames ahead.

    Parameters
    ----------
    path
        The clip.
    first_pts, stop_pts
        Range of presentation timestamps (stream time-base units); ``None``: open-ended.
    prefetch
        Frames decoded ahead at most.
    decoder_threads
        FFmpeg decoding threads; ``0`` lets FFmpeg choose (one per core). Use ``1`` when
        several processes decode at once.
    size
        ``(width, height)`` of the frames handed on (as displayed, even numbers); default:
        the clip's own.
    tap
        Called as ``tap(pts, planes)`` in the decoding thread with each frame of the range as
        4:2:0 planes (:func:`frame_to_i420`, turned upright) of ``tap_size``: a second copy
        at another size without decoding again (the annotated video's frame cache).
    tap_size
        ``(width, height)`` of the tapped frames, as displayed (even numbers).
    planar
        Yield 4:2:0 planes ``(h * 3/2, w)`` (:func:`frame_to_i420`) instead of RGB.

    Raises
    ------
    InputFileError
        When the stream cannot be decoded (corrupt data, unsupported codec).
    """
    path = Path(path)
    decoder = _RangeDecoder(path, probe_video(path), first_pts, stop_pts, prefetch,
                            decoder_threads, size, tap, tap_size, planar)
    worker = threading.Thread(target=decoder.run, name="stridelab-decode", daemon=True)
    worker.start()
    try:
        yield from decoder.handed_on()
    finally:
        decoder.stop.set()
        worker.join(timeout=5)
