"""Speed and memory of video analysis (issue 3, part 8).

In one run: (1) a bare MediaPipe loop over the frames of the shared 60 fps clip: PyAV decode,
then the same BlazePose "full" model, nothing else, timed after the model is loaded; (2) the
whole ``stridelab analyze`` command on the same clip (a new process: start-up, pose, events,
measures, findings, report), without and with the annotated video, and with ``--workers 1``
(everything in one process) for comparison. Each is run ``--repeat`` times; medians are shown.
Reports the ratio bare-loop time / stridelab time (target >= 1.0: the pose model runs in one
process per core, decoding in a thread beside it, so the analysis costs nothing extra) and the
peak memory of ``stridelab analyze`` on a 60 s 1080p clip made by looping the shared clip
(target < 1.5 GB: frames are streamed). Memory is the peak of the summed resident memory of the
command and all its worker processes, sampled every 50 ms.

Run: ``python benchmarks/bench_video.py`` (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def _tree_rss_mb(root: int) -> float:
    """Summed resident memory (MB) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def run_stridelab(clip: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall-clock seconds and peak memory (MB, all processes) of one ``stridelab analyze``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "stridelab", "analyze", str(clip), "--out",
                             str(out), "--quiet", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"stridelab failed: {err}")
    return elapsed, peak


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median shown)")
    parser.add_argument("--no-long", action="store_true", help="skip the 60 s memory check")
    args = parser.parse_args()
    if not CLIP.exists():
        raise SystemExit(f"{CLIP} not found: the shared data folder is needed")
    print(f"{os.cpu_count()} cores; medians of {args.repeat} runs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runs = {"bare": [], "novid": [], "vid": [], "one": []}
        for _ in range(args.repeat):  # interleaved, so that drifts hit all alike
            bare, n = bare_loop(CLIP)
            runs["bare"].append(bare)
            runs["novid"].append(run_stridelab(CLIP, tmp / "a", "--no-video")[0])
            runs["vid"].append(run_stridelab(CLIP, tmp / "b")[0])
            runs["one"].append(run_stridelab(CLIP, tmp / "c", "--workers", "1")[0])
        med = {k: statistics.median(v) for k, v in runs.items()}
        bare = med["bare"]
        print(f"clip: {CLIP.name}, {n} frames")
        print(f"bare MediaPipe loop (decode + pose):        {bare:6.1f} s  "
              f"({n / bare:.1f} frames/s)")
        for key, name in (("novid", "stridelab analyze --no-video:"),
                          ("vid", "stridelab analyze (with annotated.mp4):"),
                          ("one", "stridelab analyze --workers 1 (with video):")):
            print(f"{name:43s} {med[key]:6.1f} s  ratio bare/stridelab = "
                  f"{bare / med[key]:.2f}  (target >= 1.0)")
        if args.no_long:
            return
        long_clip = tmp / "long_1080p.mp4"
        make_long_clip(CLIP, long_clip)
        t_long, peak = run_stridelab(long_clip, tmp / "d")
        print(f"60 s 1080p clip, stridelab analyze with video: {t_long:.1f} s, "
              f"peak memory {peak:.0f} MB, all processes (target < 1536 MB)")


if __name__ == "__main__":
    main()
