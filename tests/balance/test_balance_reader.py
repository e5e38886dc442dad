"""Centre-of-pressure files: text, one plate per foot, C3D; bad input in one line (issue 14,
parts 1 and 6)."""

from __future__ import annotations

import numpy as np
import pytest
from balance_signals import write_plate_c3d, write_plate_csv, write_two_plates

from stridelab.balance.session import analyze_balance
from stridelab.balance.trial import BalanceTrial
from stridelab.errors import InputFileError
from stridelab.io.cop import column_overrides, normalise, read_cop


def _one_line(exc: pytest.ExceptionInfo, path) -> str:
    text = str(exc.value)
    assert "\n" not in text and str(path) in text
    return text


def test_headers_are_names_and_units():
    assert normalise("CoPy (mm)") == ("copy", "mm")
    assert normalise(" non-dominant Fvert [N] ") == ("non-dominant fvert", "n")
    assert normalise("Time_s") == ("time s", None)


def test_an_acuna_style_file_is_read_in_metres(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    trial = read_cop(write_plate_csv(tmp_path / "t.csv", ap, ml, fz, fs, cop_unit=""))
    assert trial.fs == pytest.approx(fs)
    assert [p.name for p in trial.plates] == ["plate"]
    np.testing.assert_allclose(trial.plates[0].cop_ap_m, ap, atol=1e-6)
    np.testing.assert_allclose(trial.plates[0].cop_ml_m, ml, atol=1e-6)
    assert any("no unit" in w for w in trial.warnings)


def test_millimetres_in_the_header_are_converted(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    trial = read_cop(write_plate_csv(tmp_path / "t.csv", ap, ml, fz, fs, "mm", scale=1000))
    np.testing.assert_allclose(trial.plates[0].cop_ap_m, ap, atol=1e-6)


def test_millimetres_read_as_metres_are_refused(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    path = write_plate_csv(tmp_path / "t.csv", ap, ml, fz, fs, cop_unit="", scale=1000)
    with pytest.raises(InputFileError) as exc:
        read_cop(path)
    assert "millimetres read as metres" in _one_line(exc, path)
    trial = read_cop(path, cop_units="mm")  # said so: fine
    assert np.ptp(trial.plates[0].cop_ap_m) == pytest.approx(0.008, rel=0.01)


def test_metres_read_as_millimetres_are_refused(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    path = write_plate_csv(tmp_path / "t.csv", ap, ml, fz, fs, cop_unit="")
    with pytest.raises(InputFileError) as exc:
        read_cop(path, cop_units="mm")
    assert "metres read as millimetres" in _one_line(exc, path)


def test_kilograms_for_newtons_are_named(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    path = write_plate_csv(tmp_path / "t.csv", ap, ml, fz / 9.81, fs)
    with pytest.raises(InputFileError) as exc:
        read_cop(path)
    assert "kilograms read as newtons" in _one_line(exc, path)


def test_unknown_columns_are_named_and_can_be_mapped(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    path = tmp_path / "t.csv"
    rows = ["t,vertical,sway_fb,sway_lr"] + [f"{i / fs},{f},{a},{m}" for i, (f, a, m)
                                             in enumerate(zip(fz, ap, ml, strict=True))]
    path.write_text("\n".join(rows))
    with pytest.raises(InputFileError) as exc:
        read_cop(path)
    text = _one_line(exc, path)
    assert "'vertical'" in text and "'sway_fb'" in text and "--columns" in text
    trial = read_cop(path, columns="fz=vertical,cop_ap=sway_fb,cop_ml=sway_lr")
    np.testing.assert_allclose(trial.plates[0].cop_ap_m, ap, atol=1e-9)
    toml = tmp_path / "map.toml"
    toml.write_text('[columns]\nfz = "vertical"\ncop_ap = "sway_fb"\ncop_ml = "sway_lr"\n')
    assert column_overrides(toml) == {"fz": "vertical", "cop_ap": "sway_fb",
                                      "cop_ml": "sway_lr"}
    with pytest.raises(InputFileError, match="unknown quantity"):
        column_overrides("speed=vertical")


def test_no_time_column_needs_a_rate(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    path = tmp_path / "t.csv"
    path.write_text("\n".join(["Fz,CoPx,CoPy"] + [f"{f},{m},{a}" for f, a, m
                                                  in zip(fz, ap, ml, strict=True)]))
    with pytest.raises(InputFileError, match="--rate"):
        read_cop(path)
    assert read_cop(path, rate_hz=100).fs == 100


def test_text_that_is_not_numbers_is_named_by_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Time,Fz,CoPx,CoPy\n0,700,0,0\n0.01,700,oops,0\n0.02,700,0,0\n")
    with pytest.raises(InputFileError) as exc:
        read_cop(path)
    assert "line 3" in _one_line(exc, path)


def test_two_plates_give_feet_and_their_load_share(tmp_path):
    fs, n = 100.0, 2000
    t = np.arange(n) / fs
    sway = 0.003 * np.sin(2 * np.pi * 0.3 * t)
    path = write_two_plates(tmp_path / "two.txt", np.full(n, 420.0), np.full(n, 280.0),
                            0.20 + sway, 0.21 + sway, fs)
    trial = read_cop(path)
    assert [p.name for p in trial.plates] == ["L", "R"] and not trial.has_ml
    result = BalanceTrial().analyze(trial).result_
    assert result.load_share_pct == pytest.approx({"L": 60.0, "R": 40.0})
    assert result.load_symmetry_index_pct == pytest.approx(100 * (280 - 420) / 350)
    # the net centre of pressure is the force-weighted mean: the common sway stays
    assert result.measures["rms_ap_mm"] == pytest.approx(3 / np.sqrt(2), rel=0.01)


def test_stepping_off_the_plate_is_one_line_with_the_time(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    fz = fz.copy()
    fz[1500:1700] = 5.0
    path = write_plate_csv(tmp_path / "t.csv", ap, ml, fz, fs)
    with pytest.raises(InputFileError) as exc:
        analyze_balance([path])
    assert "steps off the plate at 15.00 s" in _one_line(exc, path)


def test_a_foot_lifted_in_a_two_feet_trial_is_named(tmp_path):
    fs, n = 100.0, 2000
    left = np.full(n, 350.0)
    right = np.full(n, 350.0)
    left[800:900], right[800:900] = 0.0, 700.0
    path = write_two_plates(tmp_path / "two.txt", left, right, np.full(n, 0.2) +
                            0.002 * np.sin(np.arange(n) / 30), np.full(n, 0.2) +
                            0.002 * np.cos(np.arange(n) / 30), fs)
    with pytest.raises(InputFileError) as exc:
        analyze_balance([path])
    assert "the L foot leaves its plate at 8.00 s" in _one_line(exc, path)


def test_a_trial_shorter_than_the_test_needs_is_refused(tmp_path, quiet_stance):
    ap, ml, fz, fs = (x[:600] if hasattr(x, "__len__") else x for x in quiet_stance)
    path = write_plate_csv(tmp_path / "t.csv", ap, ml, fz, fs)
    with pytest.raises(InputFileError) as exc:
        analyze_balance([path])
    assert "lasts 6.0 s" in _one_line(exc, path) and "at least 10 s" in str(exc.value)


def test_a_c3d_platform_gives_the_centre_of_pressure_through_ezc3d(tmp_path):
    fs, n = 1000.0, 15000
    t = np.arange(n) / fs
    ap, ml = 0.006 * np.sin(2 * np.pi * 0.2 * t), 0.002 * np.cos(2 * np.pi * 0.3 * t)
    path = write_plate_c3d(tmp_path / "stance.c3d", ap, ml, np.full(n, 700.0), fs)
    trial = read_cop(path)
    assert trial.source == "c3d" and trial.fs == fs
    np.testing.assert_allclose(trial.plates[0].cop_ap_m, ap, atol=1e-8)
    np.testing.assert_allclose(trial.plates[0].cop_ml_m, ml, atol=1e-8)
    assert any("--ap-axis" in w for w in trial.warnings)  # AP guessed: said so
    swapped = read_cop(path, ap_axis="x")
    np.testing.assert_allclose(swapped.plates[0].cop_ap_m, ml, atol=1e-8)


def test_a_file_that_is_not_c3d_is_named(tmp_path):
    path = tmp_path / "x.c3d"
    path.write_bytes(b"hello world")
    with pytest.raises(InputFileError) as exc:
        read_cop(path)
    assert "not a C3D file" in _one_line(exc, path)


def test_a_running_trial_on_a_plate_is_not_quiet_standing(shared_file):
    path = shared_file("mocap/RBDS001runT35.c3d")
    with pytest.raises(InputFileError) as exc:
        analyze_balance([path])
    assert "not quiet standing" in _one_line(exc, path)


def test_time_in_milliseconds(tmp_path, quiet_stance):
    ap, ml, fz, fs = quiet_stance
    rows = ["Time (ms),Fz,CoPx,CoPy"] + [f"{10 * i},{f},{m},{a}" for i, (f, a, m)
                                         in enumerate(zip(fz, ap, ml, strict=True))]
    (tmp_path / "ms.csv").write_text("\n".join(rows))
    assert read_cop(tmp_path / "ms.csv").fs == 100
    (tmp_path / "bad.csv").write_text("\n".join(["Time" + rows[0][9:]] + rows[1:]))
    with pytest.raises(InputFileError) as exc:
        read_cop(tmp_path / "bad.csv")
    assert "milliseconds" in _one_line(exc, tmp_path / "bad.csv")
