"""The annotated video of a clip, drawn by the pose processes while the report is written.

The pose processes keep each frame at the video's size in a frame cache (a per-frame
callback of the pose stage, :class:`~stridelab.report.frame_cache.FrameCache`), so the video
is drawn without decoding the clip again; the cache is removed at the end, whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any


class AnnotatedVideo:
    """Context manager: the frame cache during the pose, then ``annotated.mp4``.

    Parameters
    ----------
    path
        The clip.
    out
        The results folder.
    info
        The clip's :class:`~stridelab.pose.video.VideoInfo`.
    pool
        The worker processes that drew the pose and will draw the video.
    progress
        Progress callback ``(stage, done, total)``.
    enabled
        ``False``: no cache, no video (every method does nothing).
    """

    STAGE = "annotated video"

    def __init__(self, path: Path, out: str | Path | None, info: Any, pool: Any,
                 progress, enabled: bool = True) -> None:
        self.path, self.out, self.info, self.pool = path, out, info, pool
        self.progress = progress
        self.enabled = enabled
        self.cache = None
        self._pending = None

    def __enter__(self) -> AnnotatedVideo:
        """Open the frame cache in a temporary folder inside the results folder."""
        if self.enabled:
            from stridelab.report.frame_cache import FrameCache
            from stridelab.report.video import output_size

            Path(self.out).mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(dir=self.out, prefix=".frames-"))
            self.cache = FrameCache(folder / "frames.yuv",
                                    output_size(self.info.width, self.info.height))
        return self

    def start(self, keypoints: Any, result: Any) -> None:
        """Start drawing the analysis over the clip in the worker processes."""
        if not self.enabled:
            return
        from stridelab.report.video import start_annotated_video

        self.progress(self.STAGE, 0, None)
        self._pending = start_annotated_video(
            self.path, keypoints, result.strides, result.contacts,
            Path(self.out) / "annotated.mp4",
            progress=lambda d, t: self.progress(self.STAGE, d, t), pool=self.pool,
            frame_cache=self.cache)

    def finish(self) -> dict[str, Path]:
        """Wait for the video and join its runs; the paths written, by name."""
        if self._pending is None:
            return {}
        pending, self._pending = self._pending, None
        return {"video": pending.finish()}

    def __exit__(self, exc_type, *exc: object) -> None:
        """Finish a video still being drawn (not after an error), then remove the cache."""
        try:
            if self._pending is not None and exc_type is None:
                self._pending.finish()
        finally:
            if self.cache is not None:
                shutil.rmtree(self.cache.path.parent, ignore_errors=True)
