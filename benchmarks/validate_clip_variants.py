"""Run ``stridelab analyze`` on every variant of the shared treadmill clip and print a table.

Each variant (:data:`stridelab.sim.clip_variants.VARIANTS`: smaller, mirrored, slow motion by
repeated frames, 30 fps, cropped, tilted, turned, darker) is written from a part of the clip;
the share of frames with a person that stridelab reports is set beside the share a bare
MediaPipe loop finds, with the cadence, the contacts per side and the exit message.

Usage::

    python benchmarks/validate_clip_variants.py [--start 1.0] [--seconds 3.0] [NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO.parent / "shared" / "data"))
CLIP = SHARED / "video" / "treadmill_side_60fps.mp4"


def bare_share(path: Path) -> float:
    """Share of frames in which a plain MediaPipe Pose loop (video mode, "full") finds someone."""
    import av
    import mediapipe as mp

    found = total = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose, \
            av.open(str(path)) as container:
        for frame in container.decode(video=0):
            total += 1
            found += pose.process(frame.to_ndarray(format="rgb24")).pose_landmarks is not None
    return found / max(total, 1)


def analyse(path: Path, out: Path) -> dict:
    """``stridelab analyze`` on ``path``: share, cadence, contacts per side, message."""
    res = subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(path), "--out",
                          str(out), "--no-video", "--no-report"],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    row = {"share": None, "cadence": None, "contacts": "", "message": "ok"}
    if res.returncode != 0:
        row["message"] = " ".join(res.stderr.split())[-110:]
        return row
    summary = json.loads((out / "summary.json").read_text())
    row["share"] = summary["pose"]["frames_with_person"]
    cadence = summary["metrics"].get("cadence_spm", {})
    row["cadence"] = cadence.get("mean") if isinstance(cadence, dict) else None
    import pandas as pd

    strides = pd.read_csv(out / "strides.csv")
    if "side" in strides:
        counts = strides["side"].value_counts()
        row["contacts"] = f"L {counts.get('L', 0)} / R {counts.get('R', 0)}"
    warnings = [w for w in summary.get("warnings", []) if "person" in w or "still" in w]
    if warnings:
        row["message"] = warnings[0][:110]
    return row


def main() -> None:
    """Write each variant, analyse it, print the table."""
    from stridelab.sim.clip_variants import VARIANTS, write_variant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(VARIANTS))
    parser.add_argument("--start", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"{'variant':<11} {'frames':>6} {'person: stridelab':>17} {'bare':>5} "
          f"{'cadence':>7}  {'contacts':<12} message")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names:
            clip = write_variant(CLIP, Path(tmp) / f"{name}.mp4", name, args.start, args.seconds)
            from stridelab.pose.video import probe_video

            n = probe_video(clip).n_frames
            bare = bare_share(clip)
            row = analyse(clip, Path(tmp) / name)
            share = "-" if row["share"] is None else f"{row['share']:.3f}"
            cadence = "-" if row["cadence"] is None else f"{row['cadence']:.0f}"
            print(f"{name:<11} {n:>6} {share:>17} {bare:>5.3f} {cadence:>7}  "
                  f"{row['contacts']:<12} {row['message']}", flush=True)


if __name__ == "__main__":
    main()
