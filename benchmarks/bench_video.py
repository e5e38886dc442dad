"""Speed and memory of video analysis (issue 3, part 8).

In one run: (1) a bare MediaPipe loop over the frames of the shared 60 fps clip: PyAV decode,
then the same BlazePose "full" model, nothing else; (2) the whole ``stridelab analyze`` on the
same clip, with and without the annotated video. Reports the ratio bare-loop time / stridelab
time (target >= 1.0: decoding runs in a background thread while the pose model works, so the
analysis costs nothing extra) and the peak memory (max RSS) of ``stridelab analyze`` on a 60 s
1080p clip made by looping the shared clip (target < 1.5 GB: frames are streamed).

Run: ``python benchmarks/bench_video.py`` (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO.parent / "shared" / "data"))
CLIP = SHARED / "video" / "treadmill_side_60fps.mp4"


def bare_loop(clip: Path) -> tuple[float, int]:
    import av
    import mediapipe as mp

    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1,
                                  smooth_landmarks=False, enable_segmentation=False)
    t0 = time.perf_counter()
    n = 0
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            pose.process(frame.to_ndarray(format="rgb24"))
            n += 1
    elapsed = time.perf_counter() - t0
    pose.close()
    return elapsed, n


def run_stridelab(clip: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall-clock seconds and peak RSS (MB) of one ``stridelab analyze`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(clip), "--out",
                          str(out), "--quiet", *extra], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"stridelab failed: {res.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def make_long_clip(src: Path, dst: Path, seconds: float = 60.0) -> None:
    """Loop ``src`` until ``seconds`` long, 1080p H.264 (for the memory check)."""
    import av

    with av.open(str(dst), mode="w") as out:
        stream = None
        written, target = 0, None
        while target is None or written < target:
            with av.open(str(src)) as inp:
                vs = inp.streams.video[0]
                if stream is None:
                    fps = int(round(float(vs.average_rate)))
                    target = int(seconds * fps)
                    stream = out.add_stream("libx264", rate=fps)
                    stream.width, stream.height = vs.codec_context.width, vs.codec_context.height
                    stream.pix_fmt = "yuv420p"
                    stream.options = {"preset": "ultrafast", "crf": "28"}
                for frame in inp.decode(vs):
                    if written >= target:
                        break
                    img = frame.to_ndarray(format="rgb24")
                    for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                        out.mux(packet)
                    written += 1
        for packet in stream.encode():
            out.mux(packet)


def main() -> None:
    if not CLIP.exists():
        raise SystemExit(f"{CLIP} not found: the shared data folder is needed")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bare, n = bare_loop(CLIP)
        full_novid, _ = run_stridelab(CLIP, tmp / "a", "--no-video")
        full_vid, _ = run_stridelab(CLIP, tmp / "b")
        print(f"clip: {CLIP.name}, {n} frames")
        print(f"bare MediaPipe loop (decode + pose):     {bare:6.1f} s  ({n / bare:.1f} frames/s)")
        print(f"stridelab analyze --no-video:           {full_novid:6.1f} s  "
              f"ratio bare/stridelab = {bare / full_novid:.2f}  (target >= 1.0)")
        print(f"stridelab analyze (with annotated.mp4): {full_vid:6.1f} s  "
              f"ratio bare/stridelab = {bare / full_vid:.2f}")
        long_clip = tmp / "long_1080p.mp4"
        make_long_clip(CLIP, long_clip)
        t_long, peak = run_stridelab(long_clip, tmp / "c")
        print(f"60 s 1080p clip, stridelab analyze with video: {t_long:.1f} s, "
              f"peak memory {peak:.0f} MB (target < 1536 MB)")


if __name__ == "__main__":
    main()
