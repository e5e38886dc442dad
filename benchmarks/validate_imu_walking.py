"""Foot IMU events in walking against motion capture, with gaitmap's Rampp detector beside them.

Data: ``imu/imu_sample.csv`` (gaitmap's example data, MIT: a healthy person walking 2 x 20 m,
left and right foot sensors at 204.8 Hz in gaitmap's foot sensor frame) and
``imu/stride_events_sample.csv`` (gait events from the synchronised motion capture, in IMU
samples; per min-velocity stride, ``ic`` is the initial contact inside the stride and ``tc``
the toe-off of the contact before it). A contact is an ``ic`` paired with the first ``tc``
after it on the same foot, within ``MAX_CONTACT_S``.

stridelab: the file is read (``stridelab.io.imu_csv.read_imu(layout="gaitmap")`` when
present, else the two-row header with pandas), aligned by
:func:`stridelab.io.imu_align.align_to_body` and given to
:class:`~stridelab.gait.imu_foot.FootImuEventDetection`.

Cross-check (when gaitmap is installed, ``pip install gaitmap``; stridelab itself never
imports it): gaitmap's ``HerzerEventDetection`` (in gaitmap, MIT) and, when the separate
``gaitmap_mad`` package (AGPL-3.0) is installed, ``RamppEventDetection`` (Rampp et al. 2015,
IEEE TBME 62:1089), on the same data converted to its foot body frame (``convert_to_fbf``),
within the example's own stride borders (``stride_borders_sample.csv``). gaitmap's walking
pipeline needs stride borders from a stride segmentation (e.g. its DTW template, Barth et
al. 2015) and searches heel strike and toe-off in windows sized for walking; it has no
running detector, so it serves this walking benchmark only.

Both are scored with :func:`stridelab.gait.evaluation.event_errors`: IC and TO mean error and
MAE, contact-time bias (ms), matched/missed/extra contacts per foot.

Run: ``python benchmarks/validate_imu_walking.py`` (with gaitmap: from a Python that has it,
e.g. ``PYTHONPATH=. /path/to/venv-with-gaitmap/bin/python benchmarks/validate_imu_walking.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.gait.evaluation import event_errors
from stridelab.gait.imu_foot import FootImuEventDetection
from stridelab.io.imu import ImuRecording, ImuSensor
from stridelab.io.imu_align import align_to_body

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "imu"
IMU = DATA / "imu_sample.csv"
EVENTS = DATA / "stride_events_sample.csv"
BORDERS = DATA / "stride_borders_sample.csv"
FS = 204.8
POSITION = {"left_sensor": "left_foot", "right_sensor": "right_foot"}
MAX_CONTACT_S = 1.2
"""A toe-off further than this after an IC belongs to a later contact (a stride missing)."""


def pair_events(ics: np.ndarray, tcs: np.ndarray, side: str) -> list[dict]:
    """Contacts from one foot's IC and toe-off samples: each IC with the first TO after it."""
    rows = []
    for ic in np.sort(ics):
        later = np.sort(tcs)[np.sort(tcs) > ic]
        if len(later) and (later[0] - ic) / FS <= MAX_CONTACT_S:
            rows.append({"side": side, "ic_s": ic / FS, "to_s": later[0] / FS})
    return rows


def read_gaitmap_csv(path: Path) -> ImuRecording:
    """The example file as an ImuRecording in the sensor frame (reader or pandas)."""
    try:
        from stridelab.io.imu_csv import read_imu
    except ImportError:
        read_imu = None
    if read_imu is not None:
        return read_imu(path, layout="gaitmap")
    df = pd.read_csv(path, header=[0, 1], index_col=0)
    sensors = {}
    for name, pos in POSITION.items():
        acc = df[name][["acc_x", "acc_y", "acc_z"]].to_numpy(float)
        gyr = df[name][["gyr_x", "gyr_y", "gyr_z"]].to_numpy(float)
        sensors[pos] = ImuSensor(pos, acc, gyr, frame="sensor")
    return ImuRecording(sensors, FS, path, layout="gaitmap")


def reference_contacts(path: Path) -> pd.DataFrame:
    """Contacts (side, ic_s, to_s) from the motion-capture stride events."""
    ev = pd.read_csv(path)
    rows = []
    for foot, g in ev.groupby("foot"):
        rows += pair_events(g["ic"].dropna().to_numpy(), g["tc"].dropna().to_numpy(),
                            foot[0].upper())
    return pd.DataFrame(rows).sort_values("ic_s", ignore_index=True)


def gaitmap_contacts() -> dict[str, pd.DataFrame]:
    """Contacts from gaitmap's walking event detectors that can be imported, by name.

    ``HerzerEventDetection`` ships with gaitmap (MIT); ``RamppEventDetection`` needs the
    separate ``gaitmap_mad`` package (AGPL-3.0), used here only when installed.
    """
    try:
        from gaitmap.event_detection import HerzerEventDetection
        from gaitmap.utils.coordinate_conversion import convert_to_fbf
    except ImportError:
        return {}
    detectors = {"gaitmap HerzerEventDetection": HerzerEventDetection}
    try:
        from gaitmap.event_detection import RamppEventDetection
        detectors["gaitmap RamppEventDetection (gaitmap_mad)"] = RamppEventDetection
    except Exception:  # noqa: BLE001 - gaitmap raises its own error without gaitmap_mad
        pass
    data = pd.read_csv(IMU, header=[0, 1], index_col=0)
    fbf = convert_to_fbf(data, left_like="left_", right_like="right_")
    borders = pd.read_csv(BORDERS)
    stride_list = {f"{foot}_sensor": g.drop(columns=["foot"]).set_index("s_id")
                   for foot, g in borders.groupby("foot")}
    out = {}
    for name, cls in detectors.items():
        ed = cls().detect(data=fbf, stride_list=stride_list, sampling_rate_hz=FS)
        rows = []
        for sensor, events in ed.min_vel_event_list_.items():
            rows += pair_events(events["ic"].dropna().to_numpy(),
                                events["tc"].dropna().to_numpy(), sensor[0].upper())
        out[name] = pd.DataFrame(rows).sort_values("ic_s", ignore_index=True)
    return out


def main() -> int:
    """Print the error tables (markdown)."""
    if not IMU.exists():
        print(f"{IMU} not available: nothing to validate")
        return 1
    ref = reference_contacts(EVENTS)
    imu = align_to_body(read_gaitmap_csv(IMU))
    det = FootImuEventDetection().detect(imu)
    results = {"stridelab FootImuEventDetection": det.contacts_}
    gm = gaitmap_contacts()
    results.update(gm)
    cols = ["matched", "missed", "extra", "ic_mean_ms", "ic_mae_ms", "to_mean_ms", "to_mae_ms",
            "contact_bias_ms"]
    print("| detector | side | " + " | ".join(cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for name, contacts in results.items():
        err = event_errors(contacts, ref, tolerance_s=0.15)
        for side, e in err.iterrows():
            cells = [f"{e[c]:.1f}" if isinstance(e[c], float) else str(e[c]) for c in cols]
            print(f"| {name} | {side} | " + " | ".join(cells) + " |")
    print(f"\nstridelab activity: {det.activity_} (duty factor {det.duty_factor_:.2f}); "
          f"{len(ref)} reference contacts")
    if not gm:
        print("gaitmap not installed: its cross-check was skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
