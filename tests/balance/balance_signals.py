"""Synthetic balance recordings with known answers, written as the readers expect them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

CHI2_95_2 = -2.0 * np.log(0.05)
"""chi2(0.95; 2) in closed form: the chi-square distribution with 2 degrees of freedom is
exponential, F(x) = 1 - exp(-x / 2)."""


def circle(radius_m: float = 0.005, freq_hz: float = 0.25, seconds: float = 60.0,
           fs: float = 100.0) -> tuple[np.ndarray, np.ndarray, float]:
    """AP and ML of a centre of pressure going round a circle at constant speed."""
    t = np.arange(int(round(seconds * fs)) + 1) / fs
    return (radius_m * np.sin(2 * np.pi * freq_hz * t),
            radius_m * np.cos(2 * np.pi * freq_hz * t), fs)


def write_plate_csv(path: Path, ap_m, ml_m, fz_n, fs: float, cop_unit: str = "m",
                    scale: float = 1.0) -> Path:
    """One plate, Acuna-style columns; the centre of pressure written times ``scale``."""
    t = np.arange(len(ap_m)) / fs
    head = f"Seq,Time,Fz,Mx,My,CoPx ({cop_unit}),CoPy ({cop_unit})" if cop_unit else \
        "Seq,Time,Fz,Mx,My,CoPx,CoPy"
    rows = [head] + [f"{i},{ti:.6f},{f:.4f},0,0,{x * scale:.7f},{y * scale:.7f}"
                     for i, (ti, f, x, y) in enumerate(zip(t, fz_n, ml_m, ap_m, strict=True))]
    path.write_text("\n".join(rows) + "\n")
    return path


def write_two_plates(path: Path, fz_l, fz_r, ap_l, ap_r, fs: float,
                     names: tuple[str, str] = ("left", "right")) -> Path:
    """One plate per foot, dos Santos-style tab-separated columns (AP only)."""
    t = np.arange(len(fz_l)) / fs
    a, b = names
    head = "\t".join(["time (s)", f"{a} Fap (N)", f"{a} Fvert (N)", f"{a} CPap (m)",
                      f"{b} Fap (N)", f"{b} Fvert (N)", f"{b} CPap (m)"])
    rows = [head] + ["\t".join(f"{v:.6f}" for v in (ti, 0, fl, al, 0, fr, ar))
                     for ti, fl, fr, al, ar in zip(t, fz_l, fz_r, ap_l, ap_r, strict=True)]
    path.write_text("\n".join(rows) + "\n")
    return path


def write_plate_c3d(path: Path, ap_m, ml_m, fz_n, fs: float = 1000.0) -> Path:
    """A C3D with one type-2 force platform whose moments put the centre of pressure at
    (x = ML, y = AP): Mx = Fz * y, My = -Fz * x about the plate's centre (moments in N mm)."""
    import ezc3d

    n = len(fz_n)
    c = ezc3d.c3d()
    c["parameters"]["POINT"]["RATE"]["value"] = np.array([100.0])
    c["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    c["parameters"]["ANALOG"]["RATE"]["value"] = np.array([fs])
    fz = np.asarray(fz_n, float)
    data = np.vstack([np.zeros(n), np.zeros(n), fz, fz * np.asarray(ap_m) * 1000,
                      -fz * np.asarray(ml_m) * 1000, np.zeros(n)])
    c["parameters"]["ANALOG"]["LABELS"]["value"] = ["Fx1", "Fy1", "Fz1", "Mx1", "My1", "Mz1"]
    c["parameters"]["ANALOG"]["UNITS"]["value"] = ["N", "N", "N", "Nmm", "Nmm", "Nmm"]
    c["parameters"]["ANALOG"]["SCALE"]["value"] = np.ones(6)
    c["parameters"]["ANALOG"]["OFFSET"]["value"] = np.zeros(6)
    c["parameters"]["ANALOG"]["GEN_SCALE"]["value"] = np.array([1.0])
    corners = np.array([[200, 200, 0], [-200, 200, 0], [-200, -200, 0], [200, -200, 0]],
                       float).T
    for name, value in (("USED", [1.0]), ("TYPE", [2.0]), ("ZERO", [1.0, 0.0]),
                        ("CORNERS", corners.reshape(3, 4, 1)), ("ORIGIN", np.zeros((3, 1))),
                        ("CHANNEL", np.arange(1.0, 7.0).reshape(6, 1)),
                        ("CAL_MATRIX", np.zeros((6, 6, 1)))):
        c.add_parameter("FORCE_PLATFORM", name, value)
    for name in ("USED", "TYPE", "ZERO", "CHANNEL"):  # ezc3d wants these as integers
        c["parameters"]["FORCE_PLATFORM"][name]["type"] = ezc3d.ezc3d.INT
    c["data"]["analogs"] = data.reshape(1, 6, n)
    c["data"]["points"] = np.zeros((4, 0, max(1, n // 10)))
    c.write(str(path))
    return path
