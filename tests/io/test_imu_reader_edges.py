"""Edge cases of sensor files found in review: each gets a result or one line naming the file.

Short files, long runs of missing values, file names in capitals, files of different rates,
device-prefixed Shimmer time columns, a single foot sensor, a sensor worn on its side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_imu_reader import _running_back, _swing, _write_generic

import stridelab
from stridelab.errors import InputFileError
from stridelab.io.imu import G
from stridelab.io.imu_csv import read_imu


def test_a_file_shorter_than_a_few_strides_is_refused_in_one_line(tmp_path):
    t, acc, gyr = _swing(seconds=0.3)
    path = _write_generic(tmp_path / "short.csv", t, acc, gyr, prefix="left_foot_")
    with pytest.raises(InputFileError, match=r"short\.csv.*0\.\d+ s of samples"):
        read_imu(path)


def test_a_long_run_of_missing_values_is_a_gap_not_silently_filled(tmp_path):
    t, acc = _running_back(seconds=12)
    holes = acc.copy()
    holes[1000:1600] = np.nan  # 3 s without values, the time stamps still there
    with pytest.raises(InputFileError, match=r"holes\.csv: a gap of 3\.00 s"):
        read_imu(_write_generic(tmp_path / "holes.csv", t, holes, prefix="lower_back_"))
    holes = acc.copy()
    holes[1000:1007, 1] = np.nan  # 35 ms: filled, with a warning naming the channel
    rec = read_imu(_write_generic(tmp_path / "short_hole.csv", t, holes, prefix="lower_back_"))
    assert any("gaps in acc_y" in w for w in rec.warnings)


def test_positions_match_file_names_whatever_their_case(tmp_path):
    t, acc, gyr = _swing(seconds=6)
    a = _write_generic(tmp_path / "LeftShoe.csv", t, acc, gyr)
    b = _write_generic(tmp_path / "RightShoe.csv", t, acc, gyr)
    rec = read_imu([a, b], layout="generic",
                   positions={"LeftShoe": "left_foot", "RIGHTSHOE": "right_foot"})
    assert rec.positions == ["left_foot", "right_foot"]


def test_the_slowest_file_sets_the_rate_the_errors_are_judged_at(tmp_path):
    t1, acc1, gyr1 = _swing(seconds=6, fs=120.0)
    t2, acc2, gyr2 = _swing(seconds=6, fs=240.0)
    a = _write_generic(tmp_path / "a.csv", t1, acc1, gyr1, prefix="left_foot_")
    b = _write_generic(tmp_path / "b.csv", t2, acc2, gyr2, prefix="right_foot_")
    rec = read_imu([a, b])
    assert rec.fs == pytest.approx(240.0, rel=0.01)  # one clock at the highest rate
    assert rec.effective_fs == pytest.approx(120.0, rel=0.01)  # timing as good as the slowest


def test_shimmer_time_columns_with_a_device_prefix_are_found(tmp_path):
    t, acc = _running_back(seconds=6, fs=512.0)
    df = pd.DataFrame({"Shimmer_ABCD_Timestamp_Unix_CAL": 1.6e12 + 1000 * t})
    for i, a in enumerate("XYZ"):
        df[f"Shimmer_ABCD_Accel_LN_{a}_CAL"] = acc[:, i]
    path = tmp_path / "shimmer_export.csv"
    df.to_csv(path, index=False)
    rec = read_imu(path, layout="shimmer")
    assert rec.fs == pytest.approx(512.0, rel=0.01)
    assert rec.positions == ["lower_back"]


def test_one_foot_sensor_alone_is_refused_with_what_to_add(tmp_path):
    t, acc, gyr = _swing(seconds=6)
    path = _write_generic(tmp_path / "one.csv", t, acc, gyr, prefix="left_foot_")
    with pytest.raises(InputFileError, match="only one foot sensor.*both feet"):
        stridelab.analyze(path, report=False)


def test_a_sensor_on_its_side_is_not_called_upside_down(tmp_path):
    t, acc, gyr = _swing(seconds=6)
    # worn on its side: its x axis points up (gravity 90+ degrees from the expected +y)
    side = np.c_[acc[:, 1], -acc[:, 0] - 0.3 * G, acc[:, 2]]
    path = _write_generic(tmp_path / "side.csv", t, side, gyr, prefix="lower_back_")
    warnings = " ".join(read_imu(path).warnings)
    assert "upside down" not in warnings
