"""Variants of a real clip, as other phones and other people would film it.

A clip that works is turned into ones that should work as well: smaller frames, mirrored (the
runner going the other way), slow motion of unknown capture rate (each frame repeated, played
at the clip's rate), fewer frames per second, cropped, tilted, darker. The pose stage should
find the runner in about as many frames of each as a bare pose-model loop does, and slow
motion should be named as such, not refused for want of a person
(``benchmarks/validate_clip_variants.py``, ``tests/video/test_clip_variants.py``).

Frames are streamed (decoded, changed and encoded one at a time), so a long clip at 1080p
never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ClipVariant:
    """How a variant differs from its source clip.

    Attributes
    ----------
    name
        Short name (a file name stem).
    long_side
        Scale so the longer side has this many pixels (``None``: the source's size).
    mirror
        Flip left and right (the runner goes the other way).
    slow
        Repeat every frame this many times, played at the source's rate: slow motion whose
        capture rate the container does not give.
    fps
        Keep every n-th frame so the rate comes closest to this (``None``: every frame).
    crop
        ``(left, top, right, bottom)`` as shares of the frame (``None``: the whole frame).
    rotate_deg
        Turn the picture this many degrees counter-clockwise (a camera not held level;
        quarter turns give a clip stored on its side without a rotation tag).
    gain
        Brightness factor (below 1: a darker room).
    """

    name: str
    long_side: int | None = None
    mirror: bool = False
    slow: int = 1
    fps: float | None = None
    crop: tuple[float, float, float, float] | None = None
    rotate_deg: float = 0.0
    gain: float = 1.0


VARIANTS: dict[str, ClipVariant] = {v.name: v for v in (
    ClipVariant("original"),
    ClipVariant("small_480", long_side=480),
    ClipVariant("small_360", long_side=360),
    ClipVariant("mirror", long_side=640, mirror=True),
    ClipVariant("fps_30", long_side=640, fps=30),
    ClipVariant("slow_4x", long_side=480, fps=30, slow=4),
    ClipVariant("slow_8x", long_side=480, fps=30, slow=8),
    ClipVariant("crop", long_side=640, crop=(0.1, 0.05, 0.95, 0.8)),
    ClipVariant("tilt_5", long_side=640, rotate_deg=5.0),
    ClipVariant("rotated_90", long_side=640, rotate_deg=90.0),
    ClipVariant("dark", long_side=640, gain=0.35),
)}
"""The named variants a benchmark runs (``original`` is the source, re-encoded)."""


def _even(n: float) -> int:
    return max(2, int(round(n / 2.0)) * 2)


def transform_frame(img: np.ndarray, variant: ClipVariant) -> np.ndarray:
    """One RGB frame ``(h, w, 3)`` changed as ``variant`` says (all but the timing).

    The result has even sides (4:2:0 video needs them).
    """
    import cv2

    out = img
    if variant.crop is not None:
        h, w = out.shape[:2]
        left, top, right, bottom = variant.crop
        out = out[int(top * h):int(bottom * h), int(left * w):int(right * w)]
    if variant.mirror:
        out = out[:, ::-1]
    quarter = variant.rotate_deg / 90.0
    if variant.rotate_deg and quarter == int(quarter):
        out = np.rot90(out, int(quarter) % 4)
    elif variant.rotate_deg:
        h, w = out.shape[:2]
        turn = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), variant.rotate_deg, 1.0)
        out = cv2.warpAffine(np.ascontiguousarray(out), turn, (w, h),
                             flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    h, w = out.shape[:2]
    scale = 1.0 if variant.long_side is None else variant.long_side / max(h, w)
    size = (_even(w * scale), _even(h * scale))
    if size != (w, h):
        out = cv2.resize(np.ascontiguousarray(out), size,
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    if variant.gain != 1.0:
        out = np.clip(out.astype(np.float32) * variant.gain, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(out)


def _source_frames(path: Path, start_s: float, duration_s: float | None
                   ) -> Iterator[np.ndarray]:
    """RGB frames of ``path`` from ``start_s`` for ``duration_s`` (upright, as displayed)."""
    from stridelab.pose.video import iter_frames_between, probe_video

    fps = probe_video(path).playback_fps
    first, count = int(round(start_s * fps)), None
    if duration_s is not None:
        count = int(round(duration_s * fps))
    for k, (_, rgb) in enumerate(iter_frames_between(path, prefetch=4)):
        if k < first:
            continue
        if count is not None and k >= first + count:
            break
        yield rgb


def write_variant(source: str | Path, dest: str | Path, variant: ClipVariant | str,
                  start_s: float = 0.0, duration_s: float | None = None) -> Path:
    """Write ``variant`` of the clip ``source`` to ``dest`` (H.264 MP4).

    Parameters
    ----------
    source
        The clip.
    dest
        The variant's file.
    variant
        A :class:`ClipVariant` or the name of one in :data:`VARIANTS`.
    start_s, duration_s
        The part of the source to use, in its own seconds (``None``: to its end).

    Returns
    -------
    pathlib.Path
        ``dest``.
    """
    import av

    from stridelab.pose.video import probe_video

    source, dest = Path(source), Path(dest)
    variant = VARIANTS[variant] if isinstance(variant, str) else variant
    src_fps = probe_video(source).playback_fps
    step = 1 if variant.fps is None else max(1, int(round(src_fps / variant.fps)))
    out_fps = src_fps / step
    rate = round(out_fps * 1000)
    with av.open(str(dest), mode="w") as container:
        stream = None
        for k, rgb in enumerate(_source_frames(source, start_s, duration_s)):
            if k % step:
                continue
            img = transform_frame(rgb, variant)
            if stream is None:
                from fractions import Fraction

                stream = container.add_stream("libx264", rate=Fraction(rate, 1000))
                stream.height, stream.width = img.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": "20", "preset": "veryfast"}
            for _ in range(variant.slow):  # a new frame each time: the encoder stamps it
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    return dest


def variant_named(name: str, **changes) -> ClipVariant:
    """The variant ``name`` of :data:`VARIANTS` with some of its fields changed."""
    return replace(VARIANTS[name], **changes)
