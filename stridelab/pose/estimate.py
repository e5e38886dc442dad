"""Run a pose backend over a video, streaming: frames in, :class:`Keypoints` out.

The clip is cut into contiguous chunks of about :data:`CHUNK_FRAMES` frames, shared out among
worker processes (:class:`stridelab.parallel.WorkerPool`): MediaPipe's inference keeps about
one core busy, so one process per core is what fills a machine. Each chunk starts the model
afresh (its tracking restarts), a few frames early so that it is tracking, not detecting, at
the chunk's first frame. The cut depends on the clip alone, never on the machine, so a clip
gives the same keypoints on 2 cores or 16, and with ``--workers 1``. Each process decodes only
its chunk (from the key frame before it); only keypoints travel back (17 points x 3 numbers per
frame), and frames are dropped as soon as they are processed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from stridelab.errors import InputFileError
from stridelab.parallel import (
    MAX_SLOTS,
    ProgressCallback,
    WorkerPool,
    available_cores,
    in_worker,
    report_progress,
)
from stridelab.pose.backends import PoseBackend, make_backend
from stridelab.pose.keypoints import KEYPOINT_NAMES, Keypoints
from stridelab.pose.video import (
    FrameIndex,
    VideoInfo,
    index_frames,
    iter_frames_between,
    probe_video,
)

CHUNK_FRAMES = 200
"""Frames per chunk (about 4 s of inference on one core; a worker takes ~0.8 s to start)."""

MAX_WORKERS = 3
"""Upper bound on pose processes: each holds about 300 MB (MediaPipe, frames in flight), and a
60 s 1080p clip must stay under 1.5 GB in all."""

PREFETCH_FRAMES = 3
"""Frames a pose process decodes ahead of the model."""

SKIP_COST = 0.15
"""Time to decode a frame that is not used, as a share of a processed frame's (~27 ms). Frames
no other refers to are dropped unseen (see :func:`stridelab.pose.video.iter_frames_between`):
on H.264 with B-frames, as x264 writes, ~2 ms a frame (0.08); without B-frames, as many
phones write, ~5 ms (0.2)."""

MAX_WASTE = 0.2
"""Most extra work (unused decoding, as a share of the clip) that cutting may add."""

WARMUP_FRAMES = 15
"""Frames processed before a chunk's first frame, so tracking has settled when it starts (with
5, the shared treadmill clip lost two contacts after the cut; with 15 or 30 it gave all 16, and
errors against the eye labels as without a cut)."""


@dataclass(frozen=True)
class Chunk:
    """A run of frames for one process, as presentation timestamps (stream units).

    ``warm_pts <= first_pts``: frames from ``warm_pts`` are processed, those from ``first_pts``
    up to (not including) ``stop_pts`` are kept. ``stop_pts`` ``None``: to the end.
    """

    warm_pts: int | None
    first_pts: int | None
    stop_pts: int | None


def n_chunks(n_frames: int) -> int:
    """Chunks for a clip of ``n_frames``: about :data:`CHUNK_FRAMES` frames each."""
    return int(max(1, min(MAX_SLOTS, round(n_frames / CHUNK_FRAMES))))


def default_workers(n_frames: int) -> int:
    """Pose processes for a clip of ``n_frames``: one per core, none idle for want of chunks."""
    return max(1, min(available_cores(), MAX_WORKERS, n_chunks(n_frames)))


def plan_chunks(pts: np.ndarray, keyframe_pts: np.ndarray | None = None,
                count: int | None = None, warmup: int = WARMUP_FRAMES,
                skip_cost: float = SKIP_COST, max_waste: float = MAX_WASTE) -> list[Chunk]:
    """Cut the frames into at most ``count`` runs that take about the same time.

    A run that does not open on a key frame must first decode, without converting or running
    the model, the frames from the key frame before it (:data:`SKIP_COST` of a full frame
    each), so runs are cut where the slowest one is fastest, not at equal frame counts.
    Fewer runs are made when cutting would add more than ``max_waste`` to the work.

    Parameters
    ----------
    pts
        Sorted presentation timestamps of every frame.
    keyframe_pts
        Timestamps of the key frames (default: every frame is one).
    count
        Most runs; default :func:`n_chunks`. The cut depends on the clip alone.
    warmup
        Frames each run after the first processes before its own.
    skip_cost
        Cost of decoding an unused frame, as a share of a used one's.
    max_waste
        Most unused decoding, as a share of the clip's frames, that cutting may add.
    """
    n = len(pts)
    count = max(1, min(n_chunks(n) if count is None else count, n))
    if keyframe_pts is None or len(keyframe_pts) == 0:
        key_before = np.arange(n)
    else:  # index of the last key frame at or before each frame
        keys = np.searchsorted(pts, np.asarray(keyframe_pts))
        key_before = np.maximum.accumulate(np.where(np.isin(np.arange(n), keys),
                                                    np.arange(n), 0))

    def cost(a: int, b: int) -> float:
        start = max(0, a - warmup) if a else 0
        return (b - start) + skip_cost * (start - key_before[start])

    def cut(limit: float) -> list[int]:
        bounds = [0]
        while bounds[-1] < n:
            a = bounds[-1]
            lo, hi = a + 1, n  # largest b with cost(a, b) <= limit (at least one frame)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if cost(a, mid) <= limit else (lo, mid - 1)
            bounds.append(lo)
        return bounds

    def best_cut(runs: int) -> list[int]:
        lo_c, hi_c = n / runs, float(n) * (1 + skip_cost) + warmup
        for _ in range(40):  # bisection on the slowest run's cost
            mid = 0.5 * (lo_c + hi_c)
            lo_c, hi_c = (lo_c, mid) if len(cut(mid)) - 1 <= runs else (mid, hi_c)
        return cut(hi_c)

    # fewer runs when decoding unused frames would add more than max_waste in all
    for runs in range(count, 0, -1):
        bounds = best_cut(runs)
        total = sum(cost(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True))
        if total <= n * (1 + max_waste) + warmup * runs:
            break
    chunks = []
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        chunks.append(Chunk(
            warm_pts=int(pts[max(0, a - warmup)]) if k else None,
            first_pts=int(pts[a]) if k else None,
            stop_pts=int(pts[b]) if b < n else None,
        ))
    return chunks


@runtime_checkable
class FrameSink(Protocol):
    """Where the pose processes hand every decoded frame on, as 4:2:0 planes at ``size``.

    A per-frame callback object: the pose stage calls :meth:`allocate` once with the clip's
    timestamps, then :meth:`write` for each frame it decodes (in the worker processes, so
    the object must pickle), and sets :attr:`complete` when every frame was written. The
    annotated video's :class:`~stridelab.report.frame_cache.FrameCache` is one.

    Attributes
    ----------
    size
        ``(width, height)`` the frames are wanted at (even numbers).
    complete
        Whether every frame handed on was written.
    """

    size: tuple[int, int]
    complete: bool

    def allocate(self, pts: np.ndarray) -> bool:
        """Prepare for frames with these timestamps; ``False``: go without."""

    def write(self, pts: int, planes: np.ndarray) -> int | None:
        """Keep one frame's planes ``(h * 3/2, w)``; its index, or ``None`` if not kept."""


@dataclass
class ChunkResult:
    """Keypoints of one chunk.

    Timestamps, points, confidences, frame size, backend name, and the timestamps of the
    frames the frame sink kept.
    """

    pts: np.ndarray
    xy: np.ndarray
    conf: np.ndarray
    size: tuple[int, int] | None
    source: str
    cached: np.ndarray


_backends: dict[tuple[str, str], PoseBackend] = {}
"""Backends kept by a process from chunk to chunk (reset in between)."""


def _estimate_chunk(path: Path, backend_name: str, model: str, chunk: Chunk,
                    cache: FrameSink | None = None, slot: int = 0) -> ChunkResult:
    """Keypoints of one chunk, tracking from scratch (a worker task).

    Its frames go to ``cache`` too when one is given.
    """
    key = (backend_name, model)
    backend = _backends.get(key)
    if backend is None:
        backend = _backends[key] = make_backend(backend_name, model)
    else:
        backend.reset()
    return _run_backend(path, backend, chunk, cache, slot)


def _close_backends() -> None:
    while _backends:
        _backends.popitem()[1].close()


def _run_backend(path: Path, backend: PoseBackend, chunk: Chunk,
                 cache: FrameSink | None = None, slot: int = 0) -> ChunkResult:
    n_points = len(KEYPOINT_NAMES)
    missing_xy = np.full((n_points, 2), np.nan)
    missing_conf = np.zeros(n_points)
    pts_rows: list[int] = []
    xy_rows: list[np.ndarray] = []
    conf_rows: list[np.ndarray] = []
    size = None
    first = chunk.first_pts
    cached: list[int] = []

    def keep(pts: int, planes: np.ndarray) -> None:  # in the decoding thread
        if first is None or pts >= first:
            if cache.write(pts, planes) is not None:
                cached.append(pts)

    frames = iter_frames_between(path, first_pts=chunk.warm_pts, stop_pts=chunk.stop_pts,
                                 prefetch=PREFETCH_FRAMES,
                                 decoder_threads=1 if in_worker() else 0,
                                 tap=keep if cache is not None else None,
                                 tap_size=cache.size if cache is not None else None)
    for pts, rgb in frames:
        size = (rgb.shape[1], rgb.shape[0])
        found = backend.process(rgb)
        if first is not None and pts < first:
            continue  # warm-up frame: tracking only
        pts_rows.append(pts)
        xy_rows.append(missing_xy if found is None else found[0])
        conf_rows.append(missing_conf if found is None else found[1])
        report_progress(slot, len(pts_rows))
    if not pts_rows:
        return ChunkResult(np.zeros(0, np.int64), np.zeros((0, n_points, 2)),
                           np.zeros((0, n_points)), size, backend.name,
                           np.asarray(cached, np.int64))
    return ChunkResult(np.asarray(pts_rows), np.stack(xy_rows), np.stack(conf_rows), size,
                       backend.name, np.asarray(cached, np.int64))


def estimate_keypoints(
    path: str | Path,
    backend: PoseBackend | str = "mediapipe",
    capture_fps: float | None = None,
    progress: ProgressCallback | None = None,
    info: VideoInfo | None = None,
    model: str = "full",
    pool: WorkerPool | None = None,
    frame_sink: FrameSink | None = None,
) -> Keypoints:
    """Keypoints of the runner in every frame of a clip.

    Parameters
    ----------
    path
        Video file.
    backend
        A backend's name (``"mediapipe"``: BlazePose), built in each worker, or a
        :class:`PoseBackend` instance, which runs here over the whole clip.
    capture_fps
        Real capture rate (slow motion); default: the container's capture-rate tag, else its
        playback rate.
    progress
        Optional callback ``(done, total)``.
    info
        The clip's :class:`VideoInfo` when already probed.
    model
        Model variant, for a backend given by name.
    pool
        Worker processes, one chunk each; ``None``: a pool of :func:`default_workers`.
    frame_sink
        A per-frame callback object (:class:`FrameSink`) that receives every frame at its
        ``size`` on the way (e.g. the annotated video's frame cache); its ``complete`` says
        afterwards whether all of them were kept. Left unused when it declines them.

    Raises
    ------
    InputFileError
        When the file is not a decodable video or no frame shows a person.
    """
    path = Path(path)
    info = info or probe_video(path)
    index = index_frames(path)
    cache = frame_sink if frame_sink is not None and frame_sink.allocate(index.pts) else None
    parts = _run_chunks(path, backend, model, pool, index, cache, progress)
    pts, xy, conf = _join_chunks(path, parts)
    if cache is not None:
        cache.complete = _all_cached(parts, pts)
    kp = _to_keypoints(path, info, parts, xy, conf, capture_fps)
    if progress is not None:
        progress(kp.n_frames, kp.n_frames)
    return kp


def _run_chunks(path: Path, backend: PoseBackend | str, model: str, pool: WorkerPool | None,
                index: FrameIndex, cache: FrameSink | None,
                progress: ProgressCallback | None) -> list[ChunkResult]:
    """Run the backend over the clip: chunk by chunk in ``pool``, or whole here.

    Parameters
    ----------
    path
        Video file.
    backend
        A backend's name, built in each worker for its chunks, or a :class:`PoseBackend`
        instance, which runs here over the whole clip.
    model
        Model variant, for a backend given by name.
    pool
        Worker processes; ``None``: a pool of :func:`default_workers`, closed afterwards.
    index
        The clip's frame timestamps (:func:`~stridelab.pose.video.index_frames`).
    cache
        Where the frames go too, or ``None``.
    progress
        Optional callback ``(done, total)``.

    Returns
    -------
    list of ChunkResult
        One per chunk, in the order of the chunks.
    """
    total = max(len(index.pts), 1)
    if not isinstance(backend, str):
        return WorkerPool(1).submit(_run_backend,
                                    [(path, backend, Chunk(None, None, None), cache)],
                                    total, progress).results()
    own_pool = pool is None
    pool = pool or WorkerPool(default_workers(total))
    try:
        chunks = plan_chunks(index.pts, index.keyframe_pts)
        return pool.submit(_estimate_chunk, [(path, backend, model, c, cache) for c in chunks],
                           total, progress).results()
    finally:
        if pool.workers == 1:
            _close_backends()  # they ran here
        if own_pool:
            pool.close()


def _join_chunks(path: Path,
                 parts: list[ChunkResult]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Timestamps, points and confidences of all chunks in time order, each frame once.

    Raises
    ------
    InputFileError
        When no chunk has a frame.
    """
    pts = np.concatenate([p.pts for p in parts])
    if len(pts) == 0:
        raise InputFileError(path, "has no decodable frames")
    xy = np.concatenate([p.xy for p in parts])
    conf = np.concatenate([p.conf for p in parts])
    order = np.argsort(pts, kind="stable")
    keep = order[np.r_[True, np.diff(pts[order]) > 0]]  # in case chunks overlap
    return pts[keep], xy[keep], conf[keep]


def _all_cached(parts: list[ChunkResult], pts: np.ndarray) -> bool:
    """Whether every frame handed on (timestamps ``pts``, increasing) was kept by the sink."""
    written = np.unique(np.concatenate([p.cached for p in parts]))
    return bool(np.array_equal(written, pts))


def _to_keypoints(path: Path, info: VideoInfo, parts: list[ChunkResult], xy: np.ndarray,
                  conf: np.ndarray, capture_fps: float | None) -> Keypoints:
    """The joined chunks as :class:`Keypoints`, at the capture rate.

    Raises
    ------
    InputFileError
        When no frame shows a person.
    """
    size = next((p.size for p in parts if p.size is not None), (info.width, info.height))
    seen = np.isfinite(xy[:, :, 0]).any(axis=1)
    if not seen.any():
        raise InputFileError(path, "shows no person in any frame")
    fps = capture_fps or info.capture_fps or info.playback_fps
    return Keypoints(
        xy=xy,
        conf=conf,
        names=KEYPOINT_NAMES,
        fps=float(fps),
        size=size,
        path=path,
        source=parts[0].source,
        frames_with_person=float(seen.mean()),
    )
