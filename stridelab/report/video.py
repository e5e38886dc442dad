"""The annotated video: skeleton, each foot's current phase, and the events marked.

The frames come from the pose stage's :class:`~stridelab.report.frame_cache.FrameCache` when
it holds them all (already scaled), else the clip is decoded again (streamed, never all held).
They are scaled so the long side is at most ``max_side``, drawn on as 4:2:0 planes
(:mod:`stridelab.report.planar`, OpenCV shipped with MediaPipe) and encoded as H.264 through
PyAV. With a :class:`~stridelab.parallel.WorkerPool`, each worker draws and encodes one run
of frames to a segment of its own; the segments (each opening on a key frame, same encoder
settings) are then joined packet by packet, without encoding again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stridelab.parallel import ProgressCallback, WorkerPool, in_worker, report_progress
from stridelab.pose.estimate import plan_chunks
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.video import index_frames, iter_frames_between
from stridelab.report.frame_cache import FrameCache
from stridelab.report.planar import PlanarCanvas, outlined_text

if TYPE_CHECKING:  # the workers that draw the frames do not import pandas
    import pandas as pd

BONES = [("L_shoulder", "R_shoulder"), ("L_hip", "R_hip")] + [
    (f"{s}_{a}", f"{s}_{b}") for s in "LR" for a, b in (
        ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("ankle", "heel"),
        ("heel", "toe"), ("ankle", "toe"), ("shoulder", "elbow"), ("elbow", "wrist"))
]  # fmt: skip
COLOURS = {"L": (60, 120, 255), "R": (255, 70, 60), None: (240, 240, 240)}  # RGB
EVENT_MARK_S = 0.15
"""How long an event stays marked after it happens."""

ENCODER_OPTIONS = {"crf": "23", "preset": "ultrafast", "x264-params": "cabac=1:deblock=1"}
"""x264's fastest preset with its two cheapest savings turned back on: on the shared clip at
540 x 960, 0.74 s to encode (superfast: 1.23 s), 2.2 MB (1.5 MB) and a PSNR of 43.5 dB (42.0)."""

SKIP_COST = 0.4
"""Decoding a frame before a run's start, as a share of drawing and encoding one (~4 of
~10 ms): where the runs are cut (see :func:`stridelab.pose.estimate.plan_chunks`)."""


def phase_at(strides: pd.DataFrame, side: str, t: float) -> str:
    """Name of the phase the ``side`` foot is in at time ``t`` (``""`` when unknown)."""
    from stridelab.gait.phases import PHASES

    rows = strides[(strides.side == side) & (strides.ic_s <= t) & (strides.next_ic_s > t)]
    if rows.empty:
        return ""
    row = rows.iloc[-1]
    current = ""
    for phase in PHASES:
        start = row.get(f"{phase}_start_s", np.nan)
        if np.isfinite(start) and start <= t:
            current = phase
    return current.replace("_", " ")


@dataclass(frozen=True)
class Overlay:
    """Everything drawn on a run of frames, computed once (small: sent to the workers).

    Attributes
    ----------
    xy
        Keypoints of these frames in output pixels, ``(n, k, 2)``.
    names
        Keypoint names.
    first_index
        Index of the first of these frames in the clip.
    fps
        Capture rate (times shown are capture time).
    phases
        ``(n, 2)`` phase names of the left and right foot.
    events
        ``(t_s, side, "IC"|"TO")`` of every event.
    """

    xy: np.ndarray
    names: tuple[str, ...]
    first_index: int
    fps: float
    phases: np.ndarray
    events: tuple[tuple[float, str, str], ...]


def _side(name: str) -> str | None:
    return name[0] if name[:2] in ("L_", "R_") else None


def _draw(canvas: PlanarCanvas, overlay: Overlay, i: int) -> None:
    """Draw frame ``i`` of the run (``overlay.first_index + i`` of the clip) in place."""
    oh = canvas.height
    idx = {n: j for j, n in enumerate(overlay.names)}
    pts = overlay.xy[i]
    t = (overlay.first_index + i) / overlay.fps
    fs = max(0.5, oh / 900)
    for a, b in BONES:
        pa, pb = pts[idx[a]], pts[idx[b]]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            colour = COLOURS[_side(a) if _side(a) == _side(b) else None]
            canvas.line((int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), colour, 3)
    for n, p in zip(overlay.names, pts, strict=True):
        if np.isfinite(p).all():
            canvas.circle((int(p[0]), int(p[1])), 4, COLOURS[_side(n)], -1)
    for k, s in enumerate("LR"):
        text = f"{'left' if s == 'L' else 'right'}: {overlay.phases[i, k]}"
        canvas.paste(outlined_text(text, COLOURS[s], fs), (10, int(30 * fs) * (k + 1)))
    for te, s, kind in overlay.events:
        if 0 <= t - te < EVENT_MARK_S:
            foot = pts[idx[f"{s}_heel" if kind == "IC" else f"{s}_toe"]]
            if np.isfinite(foot).all():
                canvas.circle((int(foot[0]), int(foot[1])), int(18 * fs), COLOURS[s], 3)
                canvas.text(kind, (int(foot[0]) + 12, int(foot[1]) - 12), fs, COLOURS[s], 2)
    canvas.text(f"{t:5.2f} s", (10, oh - 15), fs, (255, 255, 255), 2)


def output_size(width: int, height: int, max_side: int = 960) -> tuple[int, int]:
    """``(width, height)`` of the annotated video.

    The clip's, scaled down so the long side is at most ``max_side``, rounded to even numbers
    (4:2:0 video).
    """
    scale = min(1.0, max_side / max(width, height))
    return int(round(width * scale / 2)) * 2, int(round(height * scale / 2)) * 2


def _cached_frames(cache: FrameCache, first: int, count: int):
    for i in range(first, first + count):
        yield i, cache.read(i).copy()  # read-only bytes: drawn on, so copied


def _render_run(src: Path, overlay: Overlay, first_pts: int | None, stop_pts: int | None,
                size: tuple[int, int], rate: int, out_path: Path,
                cache: FrameCache | None = None, slot: int = 0) -> int:
    """Draw and encode one run of frames to ``out_path``; returns the frames written.

    The frames are read from ``cache`` when given, else decoded from ``src``.
    """
    import av
    import cv2

    single = in_worker()
    if single:
        cv2.setNumThreads(1)
    container = av.open(str(out_path), mode="w")
    stream = container.add_stream("libx264", rate=rate)
    stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
    stream.options = dict(ENCODER_OPTIONS, **({"threads": "1"} if single else {}))
    n = 0
    try:
        if cache is not None:
            frames = _cached_frames(cache, overlay.first_index, len(overlay.xy))
        else:
            frames = iter_frames_between(src, first_pts=first_pts, stop_pts=stop_pts,
                                         prefetch=3, decoder_threads=1 if single else 0,
                                         size=size, planar=True)
        for _, yuv in frames:
            if n >= len(overlay.xy):
                break
            _draw(PlanarCanvas(yuv), overlay, n)
            for packet in stream.encode(av.VideoFrame.from_ndarray(yuv, format="yuv420p")):
                container.mux(packet)
            n += 1
            report_progress(slot, n)
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()
    return n


def join_segments(parts: list[Path], out_path: Path) -> Path:
    """Join H.264 segments made with the same settings into one MP4, without re-encoding."""
    import av

    out = av.open(str(out_path), mode="w")
    try:
        ostream = None
        offset = 0
        for part in parts:
            with av.open(str(part)) as inp:
                istream = inp.streams.video[0]
                if ostream is None:
                    ostream = out.add_stream_from_template(istream)
                end = offset
                for packet in inp.demux(istream):
                    if packet.dts is None:
                        continue  # the demuxer's empty flush packet
                    packet.pts += offset
                    packet.dts += offset
                    end = max(end, packet.pts + (packet.duration or 0))
                    packet.stream = ostream
                    out.mux(packet)
                offset = end
    finally:
        out.close()
    return out_path


def phase_labels(strides: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    """:func:`phase_at` for many times at once: ``(len(times), 2)`` names, left then right."""
    import pandas as pd

    from stridelab.gait.phases import PHASES

    labels = np.full((len(times), 2), "", dtype=object)
    names = np.array([p.replace("_", " ") for p in PHASES] + [""], dtype=object)
    for k, side in enumerate("LR"):
        rows = strides[strides.side == side].sort_values("ic_s")
        if rows.empty:
            continue
        ic = rows.ic_s.to_numpy(float)
        row = np.searchsorted(ic, times, side="right") - 1  # last stride begun by t
        inside = (row >= 0) & (times < rows.next_ic_s.to_numpy(float)[np.clip(row, 0, None)])
        starts = np.column_stack([rows.get(f"{p}_start_s", pd.Series(np.nan, rows.index))
                                  .to_numpy(float) for p in PHASES])[np.clip(row, 0, None)]
        begun = np.where(np.isfinite(starts), starts <= times[:, None], False)
        # the last phase begun by t (phases are in order); none begun -> ""
        last = np.where(begun.any(axis=1), len(PHASES) - 1 - np.argmax(begun[:, ::-1], axis=1),
                        len(PHASES))
        labels[:, k] = np.where(inside, names[last], "")
    return labels


class PendingVideo:
    """An annotated video being drawn by the workers; :meth:`finish` waits and joins it."""

    def __init__(self, batch, segments: list[Path], tmp: Path, out_path: Path) -> None:
        self._batch = batch
        self._segments = segments
        self._tmp = tmp
        self._out_path = out_path

    def finish(self) -> Path:
        """Wait for the segments and write the video; returns its path."""
        import shutil

        try:
            self._batch.results()
            if len(self._segments) == 1:
                self._segments[0].replace(self._out_path)
            else:
                join_segments(self._segments, self._out_path)
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)
        return self._out_path


def start_annotated_video(src: Path, kp: Keypoints, strides: pd.DataFrame,
                          contacts: pd.DataFrame, out_path: Path, max_side: int = 960,
                          progress: ProgressCallback | None = None,
                          pool: WorkerPool | None = None,
                          frame_cache: FrameCache | None = None) -> PendingVideo:
    """Start drawing the analysis over the clip; :meth:`PendingVideo.finish` writes the MP4.

    With a pool, each worker draws one run of frames while this process goes on (e.g. with
    the report); without, the whole video is drawn before this returns.

    Parameters
    ----------
    src
        The original clip.
    kp
        Cleaned keypoints (pixel coordinates of the original frames).
    strides, contacts
        Gait-engine tables (times in seconds of capture time).
    out_path
        Where the ``.mp4`` goes.
    max_side
        Longest side of the output in pixels.
    progress
        Callback ``(done, total)``.
    pool
        Worker processes, one run of frames each (``None``: all here).
    frame_cache
        The clip's frames kept by the pose stage; used when it holds every frame at this
        video's size (:func:`output_size`), else the clip is decoded again.
    """
    w, h = kp.size
    size = output_size(w, h, max_side)
    events = tuple([(float(r.ic_s), r.side, "IC") for r in contacts.itertuples()]
                   + [(float(r.to_s), r.side, "TO") for r in contacts.itertuples()])
    phases = phase_labels(strides, np.arange(kp.n_frames) / kp.fps)
    xy = kp.xy * np.array([size[0] / w, size[1] / h])
    index = index_frames(src)
    pts = index.pts[: kp.n_frames]
    count = pool.workers if pool else 1
    cache = frame_cache if (frame_cache is not None and frame_cache.complete
                            and frame_cache.size == size
                            and np.array_equal(frame_cache.pts[: len(pts)], pts)) else None
    if cache is not None:  # no decoding: equal runs, cut anywhere
        runs = plan_chunks(pts, None, count=count, warmup=0)
    else:  # one run per worker, whatever it costs in unused decoding: the workers are there
        runs = plan_chunks(pts, index.keyframe_pts, count=count, warmup=0,
                           skip_cost=SKIP_COST, max_waste=1.0)
    out_path = Path(out_path)
    tmp = Path(tempfile.mkdtemp(dir=out_path.parent, prefix=".segments-"))
    tasks = []
    for k, run in enumerate(runs):
        a = int(np.searchsorted(pts, run.first_pts)) if run.first_pts is not None else 0
        b = int(np.searchsorted(pts, run.stop_pts)) if run.stop_pts is not None else len(pts)
        overlay = Overlay(xy=xy[a:b], names=tuple(kp.names), first_index=a, fps=kp.fps,
                          phases=phases[a:b], events=events)
        tasks.append((src, overlay, run.first_pts, run.stop_pts, size, int(round(kp.fps)),
                      tmp / f"part{k:02d}.mp4", cache))
    try:
        batch = (pool or WorkerPool(1)).submit(_render_run, tasks, kp.n_frames, progress)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PendingVideo(batch, [t[6] for t in tasks], tmp, out_path)


def write_annotated_video(src: Path, kp: Keypoints, strides: pd.DataFrame,
                          contacts: pd.DataFrame, out_path: Path, max_side: int = 960,
                          progress: ProgressCallback | None = None,
                          pool: WorkerPool | None = None,
                          frame_cache: FrameCache | None = None) -> Path:
    """Draw the analysis over the clip and write it as an MP4.

    Parameters are those of :func:`start_annotated_video`.
    """
    return start_annotated_video(src, kp, strides, contacts, out_path, max_side, progress,
                                 pool, frame_cache).finish()
