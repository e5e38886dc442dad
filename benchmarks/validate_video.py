"""Video validation (issue 3, part 6): the shared clip against labels made by eye, and the
measures from the shared OpenPose keypoints (rear and side views).

Prints, for ``treadmill_side_60fps.mp4``: events per side, cadence and contact time per side,
each labelled event's error (frames and ms) and the cadence against the strides counted by eye
(labels and how they were made: ``tests/data/treadmill_side_60fps_labels.csv``). For
``keypoints/openpose_rear`` and ``openpose_side``: pelvic drop, step width and cross-over, and
the side-view measures.

Run: ``python benchmarks/validate_video.py``
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO.parent / "shared" / "data"))
LABELS = REPO / "tests" / "data" / "treadmill_side_60fps_labels.csv"


def analyze(path: Path, out: Path, *extra: str) -> tuple[dict, pd.DataFrame]:
    res = subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(path), "--out",
                          str(out), "--quiet", "--no-video", *extra],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads((out / "summary.json").read_text()), pd.read_csv(out / "strides.csv")


def show(summary: dict, keys: list[str]) -> None:
    for k in keys:
        m = summary["metrics"].get(k)
        if m:
            print(f"  {k:32s} mean {m['mean']:8.2f}  L {m['L'] if m['L'] is not None else '-':>8}"
                  f"  R {m['R'] if m['R'] is not None else '-':>8}  n {m['count']}")
        else:
            print(f"  {k:32s} - ({summary.get('unavailable', {}).get(k, 'not measured')})")


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    clip = SHARED / "video" / "treadmill_side_60fps.mp4"
    summary, strides = analyze(clip, tmp / "tread", "--height", "1.78")
    fps = summary["sampling_rate_hz"]
    print(f"== {clip.name}: {summary['n_contacts']} contacts, events: {summary['source']}")
    print(strides[["side", "ic_s", "to_s", "contact_time_ms"]].assign(
        ic_frame=strides.ic_s * fps, to_frame=strides.to_s * fps).round(2).to_string())
    show(summary, ["cadence_spm", "stride_time_ms", "contact_time_ms", "flight_time_ms",
                   "duty_factor"])
    labels = pd.read_csv(LABELS, comment="#")
    counted = float([ln for ln in LABELS.read_text().splitlines()
                     if "steps/min" in ln][0].split("=")[-1].split("steps/min")[0])
    stride_cadence = 120000 / summary["metrics"]["stride_time_ms"]["mean"]
    print(f"cadence from mean stride time {stride_cadence:.1f} steps/min; counted by eye "
          f"{counted:.1f} ({100 * (stride_cadence - counted) / counted:+.1f} %)")
    print("event errors against the eye labels (detected - label):")
    errs = {"IC": [], "TO": []}
    for row in labels.itertuples():
        col = "ic_s" if row.event == "IC" else "to_s"
        times = strides[strides.side == row.side][col].to_numpy() * fps
        nearest = times[np.argmin(np.abs(times - row.frame))]
        d = nearest - row.frame
        errs[row.event].append(d)
        print(f"  {row.side} {row.event} label {row.frame:6.1f}  detected {nearest:6.1f}  "
              f"{d:+5.1f} frames ({1000 * d / fps:+5.0f} ms)  [{row.certainty}]")
    for ev, e in errs.items():
        e = np.array(e)
        print(f"  {ev}: mean {1000 * e.mean() / fps:+.0f} ms, mean absolute "
              f"{1000 * np.abs(e).mean() / fps:.0f} ms over {len(e)} labels")
    for name, view in (("openpose_rear", "rear"), ("openpose_side", "side")):
        folder = SHARED / "keypoints" / name
        try:
            summary, _ = analyze(folder, tmp / name, "--capture-fps", "30")
        except SystemExit as exc:
            print(f"== {name}: {exc}")
            continue
        print(f"== {name} (assumed 30 fps): view {summary.get('view')}, "
              f"{summary['n_contacts']} contacts")
        keys = (["pelvic_drop_deg", "step_width_cm", "crossover_pct", "knee_frontal_angle_deg",
                 "cadence_spm"] if view == "rear" else
                ["cadence_spm", "contact_time_ms", "trunk_lean_deg", "overstride_ratio",
                 "shank_angle_ic_deg", "foot_inclination_ic_deg", "knee_flexion_ic_deg",
                 "knee_flexion_peak_stance_deg", "vertical_oscillation_cm"])
        show(summary, keys)
        for w in summary["warnings"]:
            print(f"  warning: {w}")


if __name__ == "__main__":
    main()
