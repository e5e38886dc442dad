"""IMU CSV readers (stridelab.io.imu_csv): layouts, units, time, checks and errors.

The two shared recordings (gaitmap's foot sensors, a Shimmer sacral accelerometer) are read
when present; every other case is a small synthetic file written here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InputFileError
from stridelab.io.imu import G
from stridelab.io.imu_csv import known_layouts, read_imu

FS = 200.0


def _swing(seconds: float = 8.0, fs: float = FS, amp_deg: float = 30.0, freq: float = 1.4,
           still_s: float = 1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sensor (y up) pitching about z like a swinging segment, still at first: time (s),
    acc (m/s^2, gravity seen by the tilted sensor plus noise), gyr (deg/s)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * fs)) / fs
    moving = np.clip(t - still_s, 0, None)
    pitch = amp_deg * np.sin(2 * np.pi * freq * moving) * (t > still_s)
    th = np.radians(pitch)
    acc = np.c_[G * np.sin(th), G * np.cos(th), np.zeros_like(th)]
    acc += rng.normal(0, 0.05, acc.shape)
    gyr = np.c_[rng.normal(0, 0.5, len(t)), rng.normal(0, 0.5, len(t)), np.gradient(pitch) * fs]
    return t, acc, gyr


def _running_back(seconds: float = 10.0, fs: float = FS, step_s: float = 0.34,
                  seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Lower-back acceleration of running (m/s^2, y up): about 3 g under each foot."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * fs)) / fs
    u = (t / step_s) % 1.0
    stance = u < 0.7
    v = np.where(stance, 2.2 * G * np.sin(np.pi * u / 0.7), 0.0)
    v += G - v.mean()
    ap = np.where(stance, -4 * np.sin(2 * np.pi * u / 0.7), 0.0)
    ml = 2 * np.sin(np.pi * t / step_s)
    return t, np.c_[ap, v, ml] + rng.normal(0, 0.1, (len(t), 3))


def _write_generic(path, t, acc, gyr=None, time_name="time", acc_name="acc_{}",
                   gyr_name="gyr_{}", prefix=""):
    cols = {time_name: t} if time_name else {}
    for i, a in enumerate("xyz"):
        cols[prefix + acc_name.format(a)] = acc[:, i]
    if gyr is not None:
        for i, a in enumerate("xyz"):
            cols[prefix + gyr_name.format(a)] = gyr[:, i]
    pd.DataFrame(cols).to_csv(path, index=False)
    return path


def _one_line(err: pytest.ExceptionInfo, path) -> str:
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and isinstance(err.value, InputFileError)
    return msg


# ------------------------------------------------------------------ the shared recordings
def test_gaitmap_example(shared_file):
    path = shared_file("imu/imu_sample.csv")
    raw = read_imu(path, align=False)
    assert raw.layout == "gaitmap" and raw.fs == pytest.approx(204.8)
    assert raw.positions == ["left_foot", "right_foot"]
    assert raw.n_samples == 7928 and raw.sensors["left_foot"].acc.shape == (7928, 3)
    assert raw.sensors["right_foot"].gyr.shape == (7928, 3)
    assert any("no time column" in w and "204.8" in w for w in raw.warnings)
    first = pd.read_csv(path, header=[0, 1], index_col=0).iloc[0]
    assert raw.sensors["left_foot"].acc[0, 2] == pytest.approx(first[("left_sensor", "acc_z")])
    assert raw.sensors["left_foot"].frame == "sensor"
    # gaitmap's foot sensor frame has z up: after alignment the still start reads +9.81 on y
    body = read_imu(path)
    assert not any("upside down" in w for w in body.warnings)
    for pos in ("left_foot", "right_foot"):
        s = body.sensors[pos]
        assert s.frame == "body"
        still = s.acc[: int(0.5 * body.fs)].mean(axis=0)
        assert still[1] == pytest.approx(G, abs=0.15)
        assert np.hypot(still[0], still[2]) < 0.15
        assert np.percentile(np.abs(s.gyr), 99.9) > 250  # deg/s, not rad/s
        # the swing is a rotation about the mediolateral axis z
        assert np.std(s.gyr[:, 2]) > 2 * max(np.std(s.gyr[:, 0]), np.std(s.gyr[:, 1]))
    # gaitmap's foot sensor frame (x to the toes, y left, z up) is ours turned about x: the
    # found rotation is that one up to the sensors' mounting tilt (about 17 deg here), and
    # never its half-turn (the sign rule of the foot's pitch)
    fsf_to_body = np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]])
    for pos in ("left_foot", "right_foot"):
        found = np.linalg.lstsq(raw.sensors[pos].acc, body.sensors[pos].acc, rcond=None)[0].T
        diff = found @ fsf_to_body.T
        assert np.degrees(np.arccos((np.trace(diff) - 1) / 2)) < 30
    assert read_imu(path, fs=100.0, align=False).fs == 100.0


def test_shimmer_sacrum(shared_file):
    path = shared_file("imu/running_sacrum/Sample_test_data.csv")
    raw = read_imu(path, align=False)
    assert raw.layout == "shimmer" and raw.positions == ["lower_back"]
    assert raw.fs == pytest.approx(512.0, rel=1e-3)
    assert raw.duration == pytest.approx(5.78, abs=0.05)
    s = raw.sensors["lower_back"]
    assert s.gyr is None
    assert np.median(np.linalg.norm(s.acc, axis=1)) == pytest.approx(G, rel=0.1)
    body = read_imu(path).sensors["lower_back"]
    assert body.acc.mean(axis=0)[1] == pytest.approx(G, rel=0.05)
    assert abs(body.acc.mean(axis=0)[0]) < 1 and abs(body.acc.mean(axis=0)[2]) < 1


# ------------------------------------------------------------------ units
def test_g_and_ms2_read_alike(tmp_path):
    t, acc, gyr = _swing()
    a = read_imu(_write_generic(tmp_path / "left_foot.csv", t, acc, gyr), align=False)
    b = read_imu(_write_generic(tmp_path / "right_foot.csv", t, acc / G, gyr), align=False)
    np.testing.assert_allclose(a.sensors["left_foot"].acc, b.sensors["right_foot"].acc,
                               rtol=1e-9)
    assert a.sensors["left_foot"].acc[:100, 1].mean() == pytest.approx(G, abs=0.05)


def test_rad_and_deg_read_alike(tmp_path):
    t, acc, gyr = _swing()
    deg = read_imu(_write_generic(tmp_path / "left_foot.csv", t, acc, gyr), align=False)
    rad = read_imu(_write_generic(tmp_path / "right_foot.csv", t, acc, np.radians(gyr)),
                   align=False)
    np.testing.assert_allclose(rad.sensors["right_foot"].gyr, deg.sensors["left_foot"].gyr,
                               rtol=1e-9, atol=1e-9)


def test_slow_motion_in_deg_not_taken_for_rad(tmp_path):
    """Under 50 (deg/s or rad/s?) the gyroscope is compared with gravity's turning."""
    t, acc, gyr = _swing(amp_deg=8, freq=0.5)
    assert np.abs(gyr).max() < 50
    rec = read_imu(_write_generic(tmp_path / "lower_back.csv", t, acc, gyr), align=False)
    np.testing.assert_allclose(rec.sensors["lower_back"].gyr, gyr, atol=1e-9)


def test_declared_unit_contradicted(tmp_path):
    t, acc, gyr = _swing()
    path = _write_generic(tmp_path / "left_foot.csv", t, acc, gyr, acc_name="acc_{} (g)")
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    msg = _one_line(err, path)
    assert "declared in g" in msg and "m/s^2" in msg
    path = _write_generic(tmp_path / "right_foot.csv", t, acc, np.radians(gyr),
                          gyr_name="gyr_{} (deg/s)")
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    msg = _one_line(err, path)
    assert "deg/s" in msg and "rad/s" in msg


def test_time_in_ms_or_s(tmp_path):
    t, acc, gyr = _swing()
    s = read_imu(_write_generic(tmp_path / "left_foot.csv", t, acc, gyr), align=False)
    ms = read_imu(_write_generic(tmp_path / "right_foot.csv", 1000 * t + 1.7e12, acc, gyr,
                                 time_name="timestamp"), align=False)
    named = read_imu(_write_generic(tmp_path / "left_shank.csv", 1000 * t, acc, gyr,
                                    time_name="time_ms"), align=False)
    assert s.fs == pytest.approx(FS) and ms.fs == pytest.approx(FS)
    assert named.fs == pytest.approx(FS) and ms.n_samples == s.n_samples


# ------------------------------------------------------------------ layouts and files
def _phyphox(path, t, data, kind, sep=",", decimal="."):
    name, unit = {"acc": ("Acceleration", "m/s^2"), "gyr": ("Gyroscope", "rad/s")}[kind]
    lines = [sep.join(['"Time (s)"'] + [f'"{name} {a} ({unit})"' for a in "xyz"])]
    for ti, row in zip(t, data, strict=True):
        cells = [f"{ti:.6f}"] + [f"{v:.6f}" for v in row]
        lines.append(sep.join(c.replace(".", decimal) for c in cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_phyphox_two_files_on_one_clock(tmp_path):
    """Accelerometer and gyroscope in their own files, rates and starts of their own."""
    t, acc, gyr = _swing(seconds=10, fs=400)
    rng = np.random.default_rng(2)
    ta = np.sort(np.arange(0.0, 9.9, 1 / 200) + rng.uniform(0, 0.0005, 1980))  # jitter
    tg = np.arange(0.013, 10.0, 1 / 400)
    acc_a = np.column_stack([np.interp(ta, t, acc[:, i]) for i in range(3)])
    gyr_g = np.column_stack([np.interp(tg, t, np.radians(gyr[:, i])) for i in range(3)])
    fa = _phyphox(tmp_path / "Accelerometer.csv", ta, acc_a, "acc")
    fg = _phyphox(tmp_path / "Gyroscope.csv", tg, gyr_g, "gyr", sep=";", decimal=",")
    rec = read_imu([fa, fg], align=False)
    assert rec.layout == "phyphox" and rec.positions == ["lower_back"]
    assert rec.fs == pytest.approx(400, rel=0.01)
    assert rec.duration == pytest.approx(9.9 - 0.013, abs=0.02)
    s = rec.sensors["lower_back"]
    # on the shared clock the pitch rate (gyro) and the tilt (accelerometer) stay in step
    times = 0.013 + rec.time
    want = np.interp(times, t, gyr[:, 2])
    assert np.max(np.abs(s.gyr[:, 2] - want)) < 1.0
    tilt = np.degrees(np.arctan2(s.acc[:, 0], s.acc[:, 1]))
    assert np.max(np.abs(tilt - np.interp(times, t, np.degrees(np.arctan2(acc[:, 0],
                                                                        acc[:, 1]))))) < 1.0


def test_two_sensors_shared_clock_and_positions(tmp_path):
    t, acc, gyr = _swing(seconds=6)
    left = _write_generic(tmp_path / "a.csv", t + 100.0, acc, gyr)
    right = _write_generic(tmp_path / "b.csv", t[100:] + 100.0, acc[100:], -gyr[100:])
    rec = read_imu([left, right], positions={"a": "left_foot", "b": "right_foot"},
                   align=False)
    assert rec.positions == ["left_foot", "right_foot"]
    assert rec.duration == pytest.approx(6 - 100 / FS, abs=0.01)
    np.testing.assert_allclose(rec.sensors["left_foot"].gyr[:, 2],
                               -rec.sensors["right_foot"].gyr[:, 2], atol=1e-6)
    with pytest.raises(InputFileError) as err:
        read_imu([left, right])
    assert "positions" in _one_line(err, left)


def test_generic_prefixed_positions_in_one_file(tmp_path):
    t, acc, gyr = _swing()
    cols = {"t": t}
    for pos in ("left_shank", "right_shank"):
        for i, a in enumerate("xyz"):
            cols[f"{pos}_acc_{a}"] = acc[:, i]
            cols[f"{pos}_gyr_{a}"] = gyr[:, i]
    path = tmp_path / "shanks.csv"
    pd.DataFrame(cols).to_csv(path, index=False)
    rec = read_imu(path, align=False)
    assert rec.layout == "generic" and rec.positions == ["left_shank", "right_shank"]


def test_layout_from_toml_file(tmp_path):
    toml = tmp_path / "mine.toml"
    toml.write_text('[mine]\ntime = ["zeit"]\ntime_unit = "s"\nacc_unit = "g"\n'
                    'gyr_unit = "auto"\nposition = "lower_back"\nup = "+y"\n'
                    '[mine.channels]\nacc_x = ["ax"]\nacc_y = ["ay"]\nacc_z = ["az"]\n')
    t, acc = _running_back()
    path = _write_generic(tmp_path / "belt.csv", t, acc / G, time_name="zeit",
                          acc_name="a{}")
    rec = read_imu(path, layout=toml)
    assert rec.layout == "mine" and rec.sensors["lower_back"].gyr is None
    assert rec.sensors["lower_back"].acc.mean(axis=0)[1] == pytest.approx(G, rel=0.02)


def test_upside_down_sensor_named(tmp_path):
    t, acc, gyr = _swing()
    flip = np.diag([1.0, -1.0, -1.0])  # turned half a circle about x
    path = _write_generic(tmp_path / "right_foot.csv", t, acc @ flip, gyr @ flip)
    rec = read_imu(path)
    assert any("right foot" in w and "upside down" in w for w in rec.warnings)
    assert rec.sensors["right_foot"].acc[:100, 1].mean() == pytest.approx(G, abs=0.1)


# ------------------------------------------------------------------ errors
def test_unknown_layout_lists_known(tmp_path):
    t, acc, gyr = _swing()
    path = _write_generic(tmp_path / "left_foot.csv", t, acc, gyr)
    with pytest.raises(InputFileError) as err:
        read_imu(path, layout="xsens")
    msg = _one_line(err, path)
    assert all(name in msg for name in known_layouts())


@pytest.mark.parametrize("text,words", [
    ("", "empty"),
    ("time,acc_x,acc_y,acc_z\n", "empty"),
    ("time,acc_x,acc_y,acc_z\n0,1,2,three\n0.005,1,2,3\n", "not numeric"),
    ("time,foo,bar\n0,1,2\n", "cannot tell the IMU layout"),
])
def test_bad_files(tmp_path, text, words):
    path = tmp_path / "left_foot.csv"
    path.write_text(text)
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    msg = _one_line(err, path)
    assert words in msg
    if "numeric" in words:
        assert "acc_z" in msg


def test_no_time_column_where_needed(tmp_path):
    t, acc, gyr = _swing()
    path = _write_generic(tmp_path / "left_foot.csv", t, acc, gyr, time_name=None)
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    assert "no time column" in _one_line(err, path)
    assert read_imu(path, fs=FS, align=False).fs == FS
    other = _write_generic(tmp_path / "right_foot.csv", t, acc, gyr, time_name=None)
    with pytest.raises(InputFileError) as err:
        read_imu([path, other], fs=FS)
    assert "one clock" in _one_line(err, path)


def test_rate_too_low_and_low(tmp_path):
    t, acc, gyr = _swing(fs=50)
    path = _write_generic(tmp_path / "left_foot.csv", t, acc, gyr)
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    assert "50 Hz" in _one_line(err, path)
    t, acc, gyr = _swing(fs=128)
    rec = read_imu(_write_generic(tmp_path / "right_foot.csv", t, acc, gyr), align=False)
    assert any("128 Hz" in w and "recommended" in w for w in rec.warnings)


def test_gaps_filled_or_refused(tmp_path):
    t, acc, gyr = _swing()
    keep = np.ones(len(t), bool)
    keep[300:306] = False  # 30 ms lost
    keep[900:903] = False
    path = _write_generic(tmp_path / "left_foot.csv", t[keep], acc[keep], gyr[keep])
    rec = read_imu(path, align=False)
    assert rec.fs == pytest.approx(FS) and rec.n_samples == len(t)
    assert any("2 gaps" in w and "filled" in w for w in rec.warnings)
    keep[1000:1100] = False  # half a second lost
    path = _write_generic(tmp_path / "right_foot.csv", t[keep], acc[keep], gyr[keep])
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    assert "gap of 0.50 s" in _one_line(err, path)


def test_time_going_backwards(tmp_path):
    t, acc, gyr = _swing()
    t = t.copy()
    t[500] = t[100]
    path = _write_generic(tmp_path / "left_foot.csv", t, acc, gyr)
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    assert "backwards" in _one_line(err, path)


def test_saturation_warning_and_error(tmp_path):
    t, acc = _running_back()
    few = acc.copy()
    peaks = np.flatnonzero((np.diff(np.sign(np.diff(acc[:, 1]))) < 0)
                           & (acc[1:-1, 1] > 2 * G)) + 1
    top = acc[:, 1].max() + 1.0
    for p in peaks[[3, 20]]:
        few[p - 2: p + 3, 1] = top  # two peaks pinned for 5 samples
    rec = read_imu(_write_generic(tmp_path / "lower_back.csv", t, few), align=False)
    assert any("2 of" in w and "clipped" in w for w in rec.warnings)
    many = acc.copy()
    many[:, 1] = np.minimum(many[:, 1], 2.1 * G)  # a +/-2.1 g range: every peak flat
    path = _write_generic(tmp_path / "left_foot.csv", t, many)
    with pytest.raises(InputFileError) as err:
        read_imu(path, positions={"left_foot": "lower_back"})
    assert "clipped at 2.1 g" in _one_line(err, path)
    clean = read_imu(_write_generic(tmp_path / "x.csv", t, acc),
                     positions={"x": "lower_back"}, align=False)
    assert not any("clipped" in w for w in clean.warnings)


def test_phyphox_linear_acceleration_refused(tmp_path):
    path = tmp_path / "Linear Acceleration.csv"
    path.write_text('"Time (s)","Linear Acceleration x (m/s^2)","Linear Acceleration y '
                    '(m/s^2)","Linear Acceleration z (m/s^2)"\n0,0,0,0\n0.005,0,0,0\n')
    with pytest.raises(InputFileError) as err:
        read_imu(path)
    assert "gravity" in _one_line(err, path)
