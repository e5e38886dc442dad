"""Wearable sensors through the whole analysis: the same outputs as video and motion capture.

Virtual sensors (tilted, noisy) from real running motion with its force plate (RBDS001), the
real sacral records of Alcantara et al. 2022 and the real walking foot sensors of gaitmap's
example go through :func:`stridelab.analyze` and ``stridelab analyze``.
"""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import stridelab
from stridelab.gait.strides import build_strides
from stridelab.io.imu import ImuRecording, ImuSensor


@pytest.fixture(scope="module")
def virtual(shared_file):
    from stridelab.io.frame import to_engine_frame
    from stridelab.io.load import read_recording
    from stridelab.sim.virtual_imu import VirtualImu

    rec = to_engine_frame(read_recording(shared_file("mocap/RBDS001runT35.c3d")))
    return VirtualImu(fs=200, tilt_deg=15, seed=3).simulate(rec)


def _only(imu: ImuRecording, *positions: str) -> ImuRecording:
    return ImuRecording({p: imu.sensors[p] for p in positions}, imu.fs, imu.path, imu.layout)


def _write_generic_csv(imu: ImuRecording, path):
    df = imu.to_dataframe().reset_index().rename(columns={"time_s": "time"})
    df.to_csv(path, index=False)
    return path


def test_foot_sensors_give_the_summary_findings_and_report(virtual, tmp_path):
    result = stridelab.analyze(_only(virtual.imu_, "left_foot", "right_foot"), out=tmp_path)
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["kind"] == "wearable sensors"
    assert "left_foot" in s["source"] and "right_foot" in s["source"]
    assert s["activity"] == "running"
    truth = build_strides(virtual.contacts_).contact_time_ms.mean()
    ct = s["metrics"]["contact_time_ms"]
    assert ct["error"] is not None and ct["error"] > 0
    assert abs(ct["mean"] - truth) <= max(10.0, 2 * ct["error"])
    # what a foot sensor cannot give is named, not guessed
    assert "trunk_lean_deg" in s["unavailable"] and "pelvic_drop_deg" in s["unavailable"]
    assert "trunk_lean_deg" not in s["metrics"]
    # the pronation proxy of the foot gyroscopes, per side
    ev = s["metrics"]["eversion_excursion_deg"]
    assert ev["L"] is not None and ev["R"] is not None
    for name in ("strides.csv", "findings.json", "report.html"):
        assert (tmp_path / name).exists()
    strides = pd.read_csv(tmp_path / "strides.csv")
    # phases bounded by positions are left out, not guessed; flight and loading are kept
    whole = strides.dropna(subset=["next_ic_s"])  # the last stance of each foot has no stride
    assert strides.takeoff_pct.isna().all() and whole.initial_contact_pct.notna().all()
    assert whole.flight_pct.notna().any()
    assert result.imu is not None and set(result.strides.side) == {"L", "R"}


def test_lower_back_alone_times_both_feet(virtual):
    result = stridelab.analyze(_only(virtual.imu_, "lower_back"), report=False)
    s = result.summary.to_dict()
    assert "lower-back" in s["source"]
    truth = build_strides(virtual.contacts_).contact_time_ms.mean()
    assert abs(s["metrics"]["contact_time_ms"]["mean"] - truth) <= 15.0
    assert s["metrics"]["cadence_spm"]["mean"] == pytest.approx(
        60000 / build_strides(virtual.contacts_).step_time_ms.mean(), rel=0.02)
    assert "eversion_excursion_deg" not in s["metrics"]


def test_sensor_without_sides_gives_no_left_right(shared_file):
    """Real sacral trial with only vertical and AP axes: sides cannot be told."""
    folder = shared_file("imu/running_sacrum/Accelerometer_one_sub.csv").parent
    acc = np.loadtxt(folder / "Accelerometer_one_sub.csv", delimiter=",", max_rows=1)
    n = acc.size // 2
    body = np.column_stack([acc[n:], acc[:n], np.full(n, np.nan)]) * 9.80665
    rec = ImuRecording({"lower_back": ImuSensor("lower_back", body, frame="body")}, 500.0,
                       folder / "trial0")
    result = stridelab.analyze(rec, report=False)
    s = result.summary.to_dict()
    assert set(result.strides.side) == {"?"}  # the pairing labels are not shown as sides
    assert "left_right" in s["unavailable"]
    assert s["metrics"]["contact_time_ms"]["L"] is None
    assert all(v is None for v in s["symmetry_index_pct"].values())
    assert 150 < s["metrics"]["cadence_spm"]["mean"] < 200


def test_walking_foot_sensors_are_named_walking(shared_file):
    path = shared_file("imu/imu_sample.csv")
    s = stridelab.analyze(path, report=False).summary.to_dict()
    assert s["kind"] == "wearable sensors"
    assert s["activity"] == "walking"
    assert any("walking" in w for w in s["warnings"])


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_analyses_a_sensor_csv(virtual, tmp_path):
    csv = _write_generic_csv(_only(virtual.imu_, "left_foot", "right_foot"),
                             tmp_path / "feet.csv")
    res = _cli("analyze", csv, "--out", tmp_path / "out", "--no-report")
    assert res.returncode == 0, res.stderr
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert s["kind"] == "wearable sensors" and s["activity"] == "running"
    assert s["metrics"]["cadence_spm"]["mean"] == pytest.approx(171, abs=3)


@pytest.mark.parametrize("case", ["no_time", "standing"])
def test_cli_bad_sensor_files_get_one_line(tmp_path, case):
    n, fs = 2000, 200.0
    rng = np.random.default_rng(0)
    acc = np.tile([0.0, 9.81, 0.0], (n, 1)) + rng.normal(0, 0.05, (n, 3))
    gyr = rng.normal(0, 1.0, (n, 3))
    df = pd.DataFrame(np.hstack([acc, gyr]),
                      columns=[f"left_foot_{k}_{a}" for k in ("acc", "gyr") for a in "xyz"])
    df = pd.concat([df, df.add_prefix("x").rename(columns=lambda c: c.replace(
        "xleft_foot", "right_foot"))], axis=1)
    if case == "standing":
        df.insert(0, "time", np.arange(n) / fs)
    path = df.to_csv(tmp_path / f"{case}.csv", index=False) or tmp_path / f"{case}.csv"
    res = _cli("analyze", path, "--out", tmp_path / "out")
    assert res.returncode != 0
    message = res.stderr.strip()
    assert "Traceback" not in res.stderr and len(message.splitlines()) == 1, res.stderr
    assert f"{case}.csv" in message
    expected = "time" if case == "no_time" else "contact"
    assert expected in message.lower()
