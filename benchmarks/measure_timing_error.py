"""Each leg's timing error from video, measured against the force plate: the table the product uses.

The RBDS001 3.5 m/s treadmill trial is filmed by virtual cameras
(:mod:`stridelab.sim.virtual_camera`) at 30, 60, 120 and 240 fps with 2 px of noise and a pose
model's errors, from either side and from behind, with three noise seeds. For each leg the
mean contact, flight and step time of the analysis is compared with the force plate's (20 N)
over the same span:

- ``side``: the leg near the camera (the left leg from the camera on the left, the right leg
  from the camera on the right), as a single side clip or a session's pair of side clips
  gives it;
- ``side_far``: the leg far from the camera in the same clips (partly hidden in real clips:
  a single side clip's means include it, its own findings are withheld);
- ``rear``: both legs from the rear clip.

The error of a leg's mean is mostly systematic (it does not shrink with more strides): the
landing and take-off levels meet each foot's shape and strike a little differently, and 2 px
of noise lengthens contacts. The table keeps, per frame rate, view and metric, the root mean
square and the largest of those per-leg errors; the assessment uses the root mean square as
the value's measured error (:mod:`stridelab.summary.timing_error`).

Usage::

    python benchmarks/measure_timing_error.py                    # print the table
    python benchmarks/measure_timing_error.py --write stridelab/data/video_timing_error.csv
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import stridelab
from stridelab.sim import virtual_camera as vc

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO.parent / "shared" / "data"))
HEIGHT_M = vc.RBDS001_HEIGHT_M
FPS = (30, 60, 120, 240)
SEEDS = (0, 1, 2)
NOISE_PX = 2.0
METRICS = ("contact_time_ms", "flight_time_ms", "step_time_ms")
SOURCE = ("benchmarks/measure_timing_error.py: RBDS001 3.5 m/s (Fukuchi et al. 2017) filmed by "
          "virtual cameras, 2 px noise, 3 seeds, against the force plate at 20 N")


def truth_per_contact(truth: pd.DataFrame) -> pd.DataFrame:
    """The plate's contacts with contact, step and flight time (to the other foot's landing)."""
    t = truth.sort_values("ic_s").reset_index(drop=True)
    nxt = t.ic_s.shift(-1)
    other = t.side.shift(-1) != t.side
    return t.assign(contact_time_ms=1000 * (t.to_s - t.ic_s),
                    step_time_ms=(1000 * (nxt - t.ic_s)).where(other),
                    flight_time_ms=(1000 * (nxt - t.to_s)).where(other))


def leg_errors(motion: vc.MotionWithTruth, truth: pd.DataFrame, fps: float, view: str,
               side: str, seed: int) -> dict[str, dict[str, float]]:
    """``{leg: {metric: analysed mean - plate mean}}`` for one filmed clip."""
    kp, t0 = vc.film(motion.points, motion.fs, vc.camera(view, side, fps),
                     vc.CameraErrors(noise_px=NOISE_PX, seed=seed))
    res = stridelab.analyze(kp, view=view, height_m=HEIGHT_M, report=False)
    strides = res.strides.assign(ic_s=res.strides.ic_s + t0)
    span = truth[(truth.ic_s >= strides.ic_s.min() - 0.05)
                 & (truth.ic_s <= strides.ic_s.max() + 0.05)]
    out = {}
    for leg in "LR":
        found, plate = strides[strides.side == leg], span[span.side == leg]
        out[leg] = {m: float(np.nanmean(found[m]) - np.nanmean(plate[m])) for m in METRICS}
    return out


def measure(motion: vc.MotionWithTruth) -> pd.DataFrame:
    """The table: fps, view, metric, rms_error_ms, max_error_ms, n."""
    truth = truth_per_contact(motion.truth)
    rows = []
    for fps in FPS:
        errors: dict[str, list[dict[str, float]]] = {"side": [], "side_far": [], "rear": []}
        for seed in SEEDS:
            for side in ("left", "right"):
                near, far = (("L", "R") if side == "left" else ("R", "L"))
                legs = leg_errors(motion, truth, fps, "side", side, seed)
                errors["side"].append(legs[near])
                errors["side_far"].append(legs[far])
            errors["rear"] += leg_errors(motion, truth, fps, "rear", "right", seed).values()
        for view, legs in errors.items():
            for metric in METRICS:
                e = np.array([leg[metric] for leg in legs])
                rows.append({"fps": fps, "view": view, "metric": metric,
                             "rms_error_ms": round(float(np.sqrt(np.mean(e ** 2))), 1),
                             "max_error_ms": round(float(np.max(np.abs(e))), 1),
                             "n": len(e), "noise_px": NOISE_PX, "source": SOURCE})
        print(f"{fps} fps measured", file=sys.stderr)
    return pd.DataFrame(rows)


def main() -> int:
    """Print the table; with ``--write``, also write it as the product's data file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="CSV to write (the product's data file)")
    args = parser.parse_args()
    motion = vc.rbds001_motion(SHARED)
    if motion is None:
        print(f"{SHARED / vc.RBDS001[0]} is absent", file=sys.stderr)
        return 2
    table = measure(motion)
    print(table.drop(columns=["source", "noise_px"]).to_string(index=False))
    if args.write:
        table.to_csv(args.write, index=False)
        print(f"wrote {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
