"""Write ``stridelab/data/imu_error.csv``: the error a sensor summary states.

Usage::

    python benchmarks/measure_imu_error.py [--c3d FILE] [--sacrum DIR] [--out CSV]

The whole analysis (:func:`stridelab.analyze`, reading included: alignment to the body frame,
the automatic choice of detector, the per-stride table) runs on

* virtual sensors (:class:`stridelab.sim.virtual_imu.VirtualImu`) on both feet, both shanks
  and the pelvis of a real runner (RBDS001, 3.5 m/s, Fukuchi et al. 2017), at 150, 200 and
  500 Hz, mounting tilts of 10 and 20 degrees, two noise and bias seeds, and mirrored (the
  left foot becomes a right one): 24 variants per sensor kind;
* for the lower back also the 31 real sacral records of Alcantara et al. (2022), 500 Hz,
  2.5-4.17 m/s, slopes -10 to +10 degrees.

Per variant and leg, the analysed mean of contact, flight, step and stride time is compared
with the force plate's (vertical force above 20 N after a 50 Hz low-pass; the sacral set:
above 0.05 BW), and the feet's pronation proxy (eversion excursion and peak velocity) with
the same measures of the marker foot's roll over the plate's stances. The stated error is
the root mean square of those differences (bias and spread together) over variants and legs;
for the lower back the larger of the virtual and the real figure. ``min_rate_hz`` is the
lowest rate validated. Real sensors differ from virtual ones (skin and strap movement, other
runners): the table is a floor, not a promise, and the README says so.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import stridelab
from stridelab.gait.strides import build_strides
from stridelab.io.frame import to_engine_frame
from stridelab.io.load import read_recording
from stridelab.kinematics.imu_pronation import EVERSION_SIGN, foot_roll_deg
from stridelab.sim.virtual_imu import VirtualImu

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "stridelab" / "data" / "imu_error.csv"
KINDS = {"foot": ("left_foot", "right_foot"), "shank": ("left_shank", "right_shank"),
         "back": ("lower_back",)}
METRICS = ("contact_time_ms", "flight_time_ms", "step_time_ms", "stride_time_ms")
ANGLES = ("eversion_excursion_deg", "peak_eversion_velocity_dps")
"""The pronation proxy, against the motion-capture foot's own roll over the plate's stances."""
RATES = (150.0, 200.0, 500.0)
SOURCE_VIRTUAL = ("benchmarks/measure_imu_error.py: virtual sensors from RBDS001 3.5 m/s "
                  "(Fukuchi et al. 2017), 150-500 Hz, 10-20 deg tilt, 2 seeds, mirrored, "
                  "against the force plate at 20 N")
SOURCE_SACRUM = ("; real sacral accelerometer, 31 trials 2.5-4.17 m/s, -10 to +10 deg "
                 "(Alcantara et al. 2022), against force above 0.05 BW")


def side_means(strides: pd.DataFrame) -> pd.DataFrame:
    """Per side, the mean of each timing metric (ms) of a per-stride table."""
    return strides.groupby("side")[list(METRICS)].mean()


def eversion_truth(sim: VirtualImu) -> pd.DataFrame:
    """Per side, the marker foot's mean eversion excursion and peak velocity in stance.

    The same definitions as the proxy (:mod:`stridelab.kinematics.imu_pronation`), from the
    foot cluster's roll over the force plate's stances.
    """
    fs, rows = sim.imu_.fs, {}
    for side, pos in (("L", "left_foot"), ("R", "right_foot")):
        ev = EVERSION_SIGN[side] * foot_roll_deg(sim.orientation_[pos])
        vel = np.gradient(ev) * fs
        exc, peak = [], []
        for c in sim.contacts_[sim.contacts_.side == side].itertuples():
            i0, i1 = int(np.ceil(c.ic_s * fs)), int(np.floor(c.to_s * fs)) + 1
            seg = ev[i0:i1] - ev[i0]
            k = int(np.argmax(seg))
            exc.append(max(seg[k], 0.0))
            peak.append(vel[i0:i0 + k + 1].max())
        rows[side] = {ANGLES[0]: np.mean(exc), ANGLES[1]: np.mean(peak)}
    return pd.DataFrame(rows).T


def virtual_errors(c3d: Path) -> pd.DataFrame:
    """One row per kind, variant, side and metric: analysed minus plate mean (ms)."""
    rec = to_engine_frame(read_recording(c3d))
    rows = []
    for fs, tilt, seed, mirror in itertools.product(RATES, (10.0, 20.0), (0, 1), (False, True)):
        sim = VirtualImu(fs=fs, tilt_deg=tilt, seed=seed, mirror=mirror).simulate(rec)
        truth = side_means(build_strides(sim.contacts_)).join(eversion_truth(sim))
        for kind, positions in KINDS.items():
            imu = sim.imu_
            sub = type(imu)({p: imu.sensors[p] for p in positions}, imu.fs, imu.path,
                            imu.layout, list(imu.warnings))
            result = stridelab.analyze(sub, report=False)
            got = side_means(result.strides)
            metrics = METRICS
            if kind == "foot":
                got = got.join(result.measures.groupby(result.strides.side)[list(ANGLES)].mean())
                metrics = METRICS + ANGLES
            for side, metric in itertools.product("LR", metrics):
                if side in got.index and side in truth.index:
                    rows.append({"kind": kind, "fs": fs, "tilt": tilt, "seed": seed,
                                 "mirror": mirror, "side": side, "metric": metric,
                                 "delta": got.at[side, metric] - truth.at[side, metric]})
        print(f"  {fs:g} Hz, tilt {tilt:g}, seed {seed}, mirror {mirror}: done", flush=True)
    return pd.DataFrame(rows)


def sacrum_errors(folder: Path) -> pd.DataFrame:
    """Per real sacral trial: analysed minus force mean contact, step and stride time (ms)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from validate_imu_sacrum import load_sacrum

    rows = []
    for t in load_sacrum(folder):
        ref = t["ref"].assign(side=["L" if i % 2 == 0 else "R" for i in range(len(t["ref"]))])
        truth = build_strides(ref)[list(METRICS)].mean()
        got = stridelab.analyze(t["rec"], report=False).strides[list(METRICS)].mean()
        for metric in METRICS:
            rows.append({"kind": "back", "trial": t["trial"], "metric": metric,
                         "delta": got[metric] - truth[metric]})
    return pd.DataFrame(rows)


def rms(values: pd.Series) -> float:
    """Root mean square of finite values."""
    v = values.to_numpy(float)
    v = v[np.isfinite(v)]
    return math.sqrt(float(np.mean(v * v))) if v.size else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c3d", type=Path, default=SHARED / "mocap" / "RBDS001runT35.c3d")
    parser.add_argument("--sacrum", type=Path, default=SHARED / "imu" / "running_sacrum")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.c3d.exists():
        print(f"{args.c3d}: not found (needs ../shared/data)")
        return 2
    virtual = virtual_errors(args.c3d)
    real = sacrum_errors(args.sacrum) if args.sacrum.exists() else pd.DataFrame()
    print("\nvirtual sensors, analysed minus truth (ms; eversion deg, deg/s against the "
          "marker foot): bias, RMS over variants and legs")
    print(virtual.groupby(["kind", "metric"]).delta.agg(["mean", rms, "count"]).round(1))
    if not real.empty:
        print("\nreal sacral trials (ms): bias, RMS over trials")
        print(real.groupby("metric").delta.agg(["mean", rms, "count"]).round(1))
    table = []
    for (kind, metric), group in virtual.groupby(["kind", "metric"]):
        error, n, source = rms(group.delta), len(group), SOURCE_VIRTUAL
        if kind == "back" and not real.empty:
            r = real[real.metric == metric].delta
            if len(r) and rms(r) > error:
                error = rms(r)
            n, source = n + len(r), SOURCE_VIRTUAL + SOURCE_SACRUM
        table.append({"kind": kind, "metric": metric, "error": round(error, 1),
                      "min_rate_hz": min(RATES), "n": n, "source": source})
    pd.DataFrame(table).to_csv(args.out, index=False)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
