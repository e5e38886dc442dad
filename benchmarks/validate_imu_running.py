"""Foot and shank IMU running events, and the pronation proxy, against the force plate.

Virtual IMUs (:class:`stridelab.sim.virtual_imu.VirtualImu`) are computed from the real
treadmill run ``mocap/RBDS001runT35.c3d`` (3.5 m/s, 30 s, one force plate, Fukuchi et al.
2017) in several variants: output rate (150 Hz = the mocap's own, 200, 500 Hz), white noise
(1x and 10x the BMI160 data sheet's densities), bias, mounting tilt (0 = body frame without
alignment; 10 and 20 degrees about random axes, then
:func:`stridelab.io.imu_align.align_to_body`), seeds, and the runner mirrored left-right.
Each variant runs :class:`~stridelab.gait.imu_foot.FootImuEventDetection` and
:class:`~stridelab.gait.imu_shank.ShankImuEventDetection`; the events are compared with the
plate's (vertical force > 20 N after a 50 Hz low-pass) by
:func:`stridelab.gait.evaluation.event_errors`: IC and TO mean error (bias) and mean absolute
error, contact-time bias, in ms, per position and side. Targets for the feet: IC and TO MAE
<= 10 ms, contact-time bias <= 10 ms; shanks are reported without a target.

The pronation proxy (:class:`~stridelab.kinematics.imu_pronation.PronationProxy`) is
compared, stance by stance over the plate's contacts, with the same measures taken from the
motion-capture foot's own roll against the ground
(:func:`~stridelab.kinematics.imu_pronation.foot_roll_deg` of the cluster's orientation).

gaitmap (Küderle et al. 2024, JOSS 9:6202) has no running event detector: its
``RamppEventDetection`` assumes walking's stance (a min-velocity "rest" with the foot flat
long enough to search, and heel-strike / toe-off windows sized for walking), so it is the
cross-check of the walking benchmark (``validate_imu_walking.py``), not of this one.

Run: ``python benchmarks/validate_imu_running.py [--quick]`` (about 20 s on two cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.gait.evaluation import event_errors
from stridelab.gait.imu_foot import FootImuEventDetection
from stridelab.gait.imu_shank import ShankImuEventDetection
from stridelab.io.frame import to_engine_frame
from stridelab.io.imu import ImuRecording
from stridelab.io.imu_align import align_to_body
from stridelab.io.load import read_recording
from stridelab.kinematics.imu_pronation import EVERSION_SIGN, PronationProxy, foot_roll_deg
from stridelab.sim.virtual_imu import VirtualImu

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
TRIAL = DATA / "mocap" / "RBDS001runT35.c3d"

VARIANTS = [
    # name, VirtualImu parameters
    ("body 500 Hz, no noise", dict(fs=500, frame="body", noise_scale=0, bias_scale=0)),
    ("body 150 Hz, noise 1x", dict(fs=None, frame="body")),
    ("tilt 10, 200 Hz, noise 1x, seed 0", dict(fs=200, tilt_deg=10, seed=0)),
    ("tilt 20, 200 Hz, noise 1x, seed 1", dict(fs=200, tilt_deg=20, seed=1)),
    ("tilt 10, 150 Hz, noise 1x, seed 2", dict(fs=None, tilt_deg=10, seed=2)),
    ("tilt 10, 500 Hz, noise 1x, seed 3", dict(fs=500, tilt_deg=10, seed=3)),
    ("tilt 20, 200 Hz, noise 10x, bias 2x, seed 4",
     dict(fs=200, tilt_deg=20, noise_scale=10, bias_scale=2, seed=4)),
    ("tilt 5, 500 Hz, noise 10x, seed 5", dict(fs=500, tilt_deg=5, noise_scale=10, seed=5)),
    ("mirrored, tilt 10, 200 Hz, seed 6", dict(fs=200, tilt_deg=10, seed=6, mirror=True)),
    ("mirrored, tilt 20, 150 Hz, seed 7", dict(fs=None, tilt_deg=20, seed=7, mirror=True)),
]
QUICK = [0, 3, 8]


def markdown(df: pd.DataFrame) -> str:
    """A markdown table of ``df`` (numbers to one decimal)."""
    def cell(v: object) -> str:
        return f"{v:.1f}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(map(str, df.columns)) + " |",
             "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def sub_recording(imu: ImuRecording, positions: tuple[str, ...]) -> ImuRecording:
    """The sensors of ``positions`` only."""
    return ImuRecording({p: imu.sensors[p] for p in positions}, imu.fs, imu.path, imu.layout,
                        list(imu.warnings))


def event_rows(name: str, imu: ImuRecording, ref: pd.DataFrame) -> list[dict]:
    """Event error rows (feet and shanks, per side) of one variant."""
    rows = []
    for kind, det_cls in (("foot", FootImuEventDetection), ("shank", ShankImuEventDetection)):
        sub = sub_recording(imu, (f"left_{kind}", f"right_{kind}"))
        det = det_cls().detect(sub)
        err = event_errors(det.contacts_, ref)
        for side, e in err.iterrows():
            rows.append({"variant": name, "position": kind, "side": side,
                         "activity": det.activity_, **e.to_dict()})
    return rows


def pronation_rows(name: str, sim: VirtualImu, imu: ImuRecording,
                   ref: pd.DataFrame) -> list[dict]:
    """Proxy minus motion-capture truth per stance, summarised per side."""
    proxy = PronationProxy().calculate(ref, imu).measures_
    fs = imu.fs
    rows = []
    for side, pos in (("L", "left_foot"), ("R", "right_foot")):
        ev = EVERSION_SIGN[side] * foot_roll_deg(sim.orientation_[pos])
        vel = np.gradient(ev) * fs
        truth = []
        for idx, c in ref[ref.side == side].iterrows():
            i0, i1 = int(np.ceil(c.ic_s * fs)), int(np.floor(c.to_s * fs)) + 1
            seg = ev[i0:i1] - ev[i0]
            k = int(np.argmax(seg))
            truth.append((idx, max(seg[k], 0.0), vel[i0:i0 + k + 1].max()))
        t = pd.DataFrame(truth, columns=["idx", "exc", "vel"]).set_index("idx")
        p = proxy.loc[t.index]
        d_exc = p.eversion_excursion_deg - t.exc
        d_vel = p.peak_eversion_velocity_dps - t.vel
        rows.append({"variant": name, "side": side, "n": int(d_exc.notna().sum()),
                     "truth_exc_deg": t.exc.mean(), "exc_bias_deg": d_exc.mean(),
                     "exc_mae_deg": d_exc.abs().mean(), "truth_vel_dps": t.vel.mean(),
                     "vel_bias_dps": d_vel.mean(), "vel_mae_dps": d_vel.abs().mean()})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the variants and print the tables (markdown)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="three variants only")
    args = ap.parse_args(argv)
    if not TRIAL.exists():
        print(f"{TRIAL} not available: nothing to validate")
        return 1
    rec = to_engine_frame(read_recording(TRIAL))
    events, pron = [], []
    variants = [VARIANTS[i] for i in QUICK] if args.quick else VARIANTS
    t0 = time.perf_counter()
    for name, params in variants:
        sim = VirtualImu(**params).simulate(rec)
        imu = sim.imu_ if sim.imu_.sensors["left_foot"].frame == "body" else \
            align_to_body(sim.imu_)
        events += event_rows(name, imu, sim.contacts_)
        pron += pronation_rows(name, sim, imu, sim.contacts_)
    ev = pd.DataFrame(events)
    cols = ["variant", "position", "side", "matched", "missed", "extra", "ic_mean_ms",
            "ic_mae_ms", "to_mean_ms", "to_mae_ms", "contact_bias_ms", "activity"]
    for kind in ("foot", "shank"):
        print(f"\n## {kind} IMU events against the force plate (ms)\n")
        print(markdown(ev[ev.position == kind][cols]))
    feet = ev[ev.position == "foot"]
    print("\n## Feet over all variants\n")
    summary = {"IC MAE (ms), worst": feet.ic_mae_ms.max(), "TO MAE (ms), worst":
               feet.to_mae_ms.max(), "|contact-time bias| (ms), worst":
               feet.contact_bias_ms.abs().max(), "missed": int(feet.missed.sum()),
               "extra": int(feet.extra.sum()), "matched": int(feet.matched.sum())}
    for k, v in summary.items():
        print(f"- {k}: {v:.1f}" if isinstance(v, float) else f"- {k}: {v}")
    print("\n## Pronation proxy against the motion-capture foot roll (stance by stance)\n")
    print(markdown(pd.DataFrame(pron)))
    print(f"\n{len(variants)} variants in {time.perf_counter() - t0:.0f} s")
    ok = (summary["IC MAE (ms), worst"] <= 10 and summary["TO MAE (ms), worst"] <= 10
          and summary["|contact-time bias| (ms), worst"] <= 10)
    print("feet targets (IC, TO MAE <= 10 ms, contact-time bias <= 10 ms):",
          "met" if ok else "NOT met")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
