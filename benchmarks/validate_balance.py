"""Balance measures: closed-form answers first, then the shared force-plate recordings.

Usage::

    python benchmarks/validate_balance.py [path/to/shared/data/balance]

Prints

1. the sway measures of synthetic signals against their closed-form answers (relative error,
   target 0.1 %): a circle (path length, velocities, range, RMS), Gaussian noise of known
   covariance (95 % prediction-ellipse area; share of new samples inside), a tone (median
   frequency), a flat spectrum (median and 95 % power frequency), a C3D platform (centre of
   pressure through ezc3d);
2. acuna/: eyes open vs eyes closed, per trial and per condition, and the Romberg quotient;
3. the dos Santos et al. 2017 controls vs the Bartloff et al. 2024 post-stroke recordings:
   load share of each foot, the symmetry index and the anterior-posterior sway.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.stats import chi2

from stridelab.balance.session import analyze_balance
from stridelab.balance.sway import Posturography, power_frequency, prediction_ellipse, spectrum
from stridelab.io.cop import read_cop

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "balance"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "balance"))


def _row(name: str, got: float, want: float) -> tuple[str, float, float, float]:
    return name, got, want, 100 * (got - want) / want


def synthetic() -> list[tuple[str, float, float, float]]:
    """(measure, measured, closed form, error %) for the synthetic signals."""
    rows = []
    fs, f, r, seconds = 100.0, 0.25, 0.005, 40.0
    t = np.arange(int(seconds * fs) + 1) / fs
    ap, ml = r * np.sin(2 * np.pi * f * t), r * np.cos(2 * np.pi * f * t)
    m = Posturography().measure(ap, ml, fs).measures_
    rmm = r * 1000
    for name, want in (("path_length_mm", 2 * np.pi * rmm * f * seconds),
                       ("mean_velocity_mm_s", 2 * np.pi * rmm * f),
                       ("mean_velocity_ap_mm_s", 4 * rmm * f), ("range_ap_mm", 2 * rmm),
                       ("rms_ap_mm", rmm / np.sqrt(2)), ("median_freq_ap_hz", f)):
        rows.append(_row(f"circle 5 mm, 0.25 Hz: {name}", m[name], want))
    cov = np.array([[4.0, 3.0], [3.0, 9.0]])
    x = np.random.default_rng(1).standard_normal((2, 20000))
    x -= x.mean(axis=1, keepdims=True)
    x = np.linalg.cholesky(cov) @ np.linalg.solve(np.linalg.cholesky(np.cov(x)), x)
    e = prediction_ellipse(x[0], x[1])
    rows.append(_row("Gaussian, known covariance: 95 % ellipse area", e.area,
                     np.pi * chi2.ppf(0.95, 2) * np.sqrt(np.linalg.det(cov))))
    new = np.linalg.cholesky(cov) @ np.random.default_rng(2).standard_normal((2, 200000))
    d2 = np.einsum("in,ij,jn->n", new, np.linalg.inv(cov), new)
    rows.append(_row("Gaussian: share of new samples inside", float(np.mean(
        d2 <= chi2.ppf(0.95, 2))), 0.95))
    tone = 0.003 * np.sin(2 * np.pi * 0.35 * np.arange(6000) / fs)
    rows.append(_row("tone 0.35 Hz: median frequency",
                     Posturography().measure(tone, None, fs).measures_["median_freq_ap_hz"],
                     0.35))
    bins = np.arange(2, 42)
    tt = np.arange(6000) / fs
    flat = sum(np.sin(2 * np.pi * k * 0.05 * tt + k) for k in bins)
    fr, p = spectrum(flat, fs, 20.0, "boxcar")
    rows.append(_row("flat 0.1-2.05 Hz: median frequency", power_frequency(fr, p, 0.5),
                     0.075 + 0.5 * 40 * 0.05))
    rows.append(_row("flat 0.1-2.05 Hz: 95 % power frequency", power_frequency(fr, p, 0.95),
                     0.075 + 0.95 * 40 * 0.05))
    rows.append(_c3d_row())
    return rows


def _c3d_row() -> tuple[str, float, float, float]:
    from balance_signals import write_plate_c3d

    n, fs = 15000, 1000.0
    t = np.arange(n) / fs
    ap, ml = 0.006 * np.sin(2 * np.pi * 0.2 * t), 0.002 * np.cos(2 * np.pi * 0.3 * t)
    with tempfile.TemporaryDirectory() as tmp:
        trial = read_cop(write_plate_c3d(Path(tmp) / "plate.c3d", ap, ml, np.full(n, 700.0),
                                         fs), ap_axis="y")
    err = float(np.max(np.abs(trial.plates[0].cop_ap_m - ap)))
    return "C3D type-2 plate via ezc3d: max AP error (mm) / 6 mm sway", err * 1000, 6.0, \
        100 * err / 0.006


def acuna(folder: Path) -> None:
    """Eyes open vs closed on the acuna recordings."""
    files = [folder / "acuna" / f"eyes{c}_{i}.csv" for c in ("Open", "Closed")
             for i in (1, 2, 3)]
    s = analyze_balance(files, eyes=["open"] * 3 + ["closed"] * 3)
    keys = ("mean_velocity_mm_s", "mean_velocity_ap_mm_s", "mean_velocity_ml_mm_s",
            "path_length_mm", "rms_ap_mm", "rms_ml_mm", "range_ap_mm", "ellipse_area_mm2",
            "median_freq_ap_hz", "f95_ap_hz", "median_freq_ml_hz", "f95_ml_hz")
    print("\n2. acuna/ (one person, 1000 Hz, 32 s; 10 Hz low-pass, mean removed)")
    print(f"{'trial':<22}" + "".join(f"{k[:16]:>17}" for k in keys))
    for t in s.trials:
        print(f"{t.file:<22}" + "".join(f"{t.measures[k]:>17.3f}" for k in keys))
    for c in ("double, eyes open", "double, eyes closed"):
        m = s.conditions[c]["measures"]
        print(f"{'mean ' + c[8:]:<22}" + "".join(f"{m[k]:>17.3f}" for k in keys))
    rq = s.romberg["double"]
    print("Romberg quotient (closed / open): " + ", ".join(f"{k} {v:.2f}" for k, v in rq.items()))


def two_plates(folder: Path) -> None:
    """Controls vs post-stroke: load share and sway."""
    print("\n3. One plate per foot, 100 Hz (AP only): controls (dos Santos 2017) vs stroke "
          "(Bartloff 2024)")
    print(f"{'file':<24}{'s':>6}  {'load share %':<34}{'|SI| %':>8}{'AP vel mm/s':>13}"
          f"{'AP RMS mm':>11}{'AP F50 Hz':>11}")
    groups: dict[str, list[float]] = {"Control": [], "Stroke": []}
    for path in sorted(folder.glob("Control_*.txt")) + sorted(folder.glob("Stroke_*.txt")):
        t = analyze_balance([path]).trials[0]
        share = ", ".join(f"{k} {v:.1f}" for k, v in t.load_share_pct.items())
        si = abs(t.load_symmetry_index_pct)
        groups[path.name.split("_")[0]].append(si)
        m = t.measures
        print(f"{path.name:<24}{t.duration_s:>6.1f}  {share:<34}{si:>8.1f}"
              f"{m['mean_velocity_ap_mm_s']:>13.2f}{m['rms_ap_mm']:>11.2f}"
              f"{m['median_freq_ap_hz']:>11.3f}")
    for name, values in groups.items():
        print(f"{name}: mean |SI| {np.mean(values):.1f} % (n = {len(values)} recordings)")


def main(folder: Path) -> int:
    print("1. Synthetic signals against closed-form answers (target: 0.1 %)")
    print(f"{'signal: measure':<60}{'measured':>12}{'closed form':>13}{'error %':>10}")
    worst = 0.0
    for name, got, want, err in synthetic():
        worst = max(worst, abs(err)) if "share of new" not in name else worst
        print(f"{name:<60}{got:>12.5f}{want:>13.5f}{err:>10.4f}")
    print(f"largest error of the closed-form measures: {worst:.4f} %")
    if not folder.is_dir():
        print(f"\n{folder} not found: the real recordings are skipped")
        return 0 if worst <= 0.1 else 1
    acuna(folder)
    two_plates(folder)
    return 0 if worst <= 0.1 else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
