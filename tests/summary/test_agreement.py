"""Bland-Altman agreement of two devices: closed-form cases, autocorrelation, the CSV reader."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stridelab.errors import InputFileError
from stridelab.io.activity.devices import read_two_devices
from stridelab.summary.agreement import (
    BlandAltman,
    DeviceAgreement,
    agreement_document,
    effective_n,
)
from stridelab.thresholds import threshold

Z = stats.norm.ppf(0.975)


def test_known_bias_and_spread_give_the_closed_form_limits():
    # differences alternate bias +/- s: mean = bias, SD = s sqrt(n / (n - 1)), no positive
    # autocorrelation (r1 = -1), so n_eff = n and the CIs are the textbook ones
    n, bias, s = 200, 12.0, 8.0
    b = np.full(n, 250.0)
    a = b + bias + s * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    lim = BlandAltman().compute(a, b).limits_
    sd = s * np.sqrt(n / (n - 1))
    assert lim.n == n and lim.n_eff == pytest.approx(n)
    assert lim.bias == pytest.approx(bias) and lim.sd == pytest.approx(sd)
    assert lim.lower == pytest.approx(bias - Z * sd) and lim.upper == pytest.approx(bias + Z * sd)
    t = stats.t.ppf(0.975, n - 1)
    assert lim.bias_ci == pytest.approx((bias - t * sd / np.sqrt(n), bias + t * sd / np.sqrt(n)))
    se = sd * np.sqrt(1 / n + Z**2 / (2 * (n - 1)))  # Bland & Altman 1999, about sqrt(3 s^2/n)
    assert lim.upper_ci == pytest.approx((lim.upper - t * se, lim.upper + t * se))
    assert lim.lower_ci == pytest.approx((lim.lower - t * se, lim.lower + t * se))
    assert lim.within_share == 1.0
    assert lim.median == pytest.approx(bias)


def test_normal_differences_hold_95_percent_and_the_percentile_limits_agree():
    rng = np.random.default_rng(3)
    true = rng.normal(250, 20, 5000)
    # equal error on both devices: no proportional bias (with error on one device only, the
    # slope of the difference on the mean is not zero: Bland & Altman 1995, 1999 section 3.2)
    a = true - 7 + rng.normal(0, 10 / np.sqrt(2), true.size)
    b = true + rng.normal(0, 10 / np.sqrt(2), true.size)
    lim = BlandAltman().compute(a, b).limits_
    assert lim.bias == pytest.approx(-7, abs=0.5)
    assert lim.sd == pytest.approx(10, rel=0.05)
    assert lim.within_share == pytest.approx(0.95, abs=0.01)
    assert lim.central == pytest.approx((lim.lower, lim.upper), abs=1.5)
    assert lim.n_eff > 0.8 * b.size  # independent values: no discount
    assert not lim.proportional


def test_pairs_with_a_missing_value_are_left_out():
    a = np.array([10, np.nan, 12, 13, 11, 14.0])
    b = np.array([9, 9, np.nan, 12, 10, 12.0])
    ba = BlandAltman().compute(a, b)
    assert ba.limits_.n == 4
    assert ba.differences_ == pytest.approx([1, 1, 1, 2])


def test_proportional_bias_is_found_when_one_device_scales():
    rng = np.random.default_rng(5)
    b = rng.uniform(200, 320, 400)
    a = 1.15 * b + rng.normal(0, 3, b.size)
    lim = BlandAltman().compute(a, b).limits_
    assert lim.proportional and lim.slope > 0.1


def test_effective_n_of_ar1_matches_its_closed_form():
    # AR(1) with rho: n_eff -> n (1 - rho) / (1 + rho) (Thiebaux & Zwiers 1984)
    rng = np.random.default_rng(11)
    rho, n = 0.8, 20000
    x = np.zeros(n)
    e = rng.normal(size=n)
    for i in range(1, n):
        x[i] = rho * x[i - 1] + e[i]
    n_eff, r1 = effective_n(x)
    assert r1 == pytest.approx(rho, abs=0.03)
    assert n_eff == pytest.approx(n * (1 - rho) / (1 + rho), rel=0.3)


def test_autocorrelated_seconds_widen_the_confidence_intervals_not_the_limits():
    rng = np.random.default_rng(2)
    n = 900
    slow = np.convolve(rng.normal(0, 1, n + 9), np.ones(10) / np.sqrt(10), "valid")
    b = np.full(n, 250.0)
    white = BlandAltman().compute(b + rng.normal(0, 1, n), b).limits_
    smooth = BlandAltman().compute(b + slow, b).limits_
    assert smooth.sd == pytest.approx(white.sd, rel=0.2)
    assert smooth.n_eff < n / 4
    width = smooth.bias_ci[1] - smooth.bias_ci[0]
    assert width > 2 * (white.bias_ci[1] - white.bias_ci[0])


def test_a_gap_in_time_makes_no_false_neighbours():
    # two constant-offset halves, far apart in time: within each half the differences
    # alternate, so neighbours correlate negatively; across the gap they must not be paired
    d = np.tile([1.0, -1.0], 50)
    t = np.concatenate([np.arange(50), 1000 + np.arange(50)]).astype(float)
    n_eff, r1 = effective_n(d, t)
    assert r1 == pytest.approx(-1, abs=0.05) and n_eff == 100


def test_several_runners_combine_within_and_between_variance():
    # Bland & Altman 1999 section 5.2, balanced design: divisor = m, so
    # s^2 = var(runner means) - MS_within / m + MS_within
    rng = np.random.default_rng(7)
    offsets, m = np.array([-15.0, -5.0, 5.0, 15.0]), 60
    d = np.concatenate([o + rng.normal(0, 4, m) for o in offsets])
    groups = np.repeat(["r1", "r2", "r3", "r4"], m)
    lim = BlandAltman().compute(d + 100, np.full(d.size, 100.0), groups=groups).limits_
    ms_within = np.mean([d[groups == g].var(ddof=1) for g in np.unique(groups)])
    means = np.array([d[groups == g].mean() for g in np.unique(groups)])
    expected = np.sqrt(means.var(ddof=1) - ms_within / m + ms_within)
    assert lim.sd == pytest.approx(expected)
    assert lim.n_groups == 4 and lim.n_eff == 4
    # far wider than the within-runner spread alone
    assert lim.sd > 2 * np.sqrt(ms_within)


def _two_device_csv(path, rate_hz=1.0, bias_ms=12.0, seed=0, stop=(300, 360), n_s=600,
                    names=("hrm", "stryd")):
    """A run with a stop: strap in FIT units (mm, strides/min), pod in cm, zeros = no value."""
    rng = np.random.default_rng(seed)
    t = np.arange(0, n_s, 1 / rate_hz)
    run = (t < stop[0]) | (t >= stop[1])
    true_ct = 250 + 10 * np.sin(t / 60)
    true_vo = 8.5 + 0.3 * np.sin(t / 45)
    cad = 82 + rng.integers(-1, 2, t.size)
    a, b = names
    df = pd.DataFrame({
        "elapsed_seconds": t,
        f"{a}_stance_time": np.where(run, true_ct + bias_ms + rng.normal(0, 6, t.size), 0),
        f"{a}_vertical_oscillation": np.where(run, 10 * (true_vo + 2.0)
                                              + rng.normal(0, 2, t.size), 0),
        f"{a}_cadence": np.where(run, cad, 30),  # walking during the stop
        f"{a}_heart_rate": 150,
        f"{b}_stance_time": np.where(run, true_ct + rng.normal(0, 6, t.size), 0),
        f"{b}_vertical_oscillation": np.where(run, true_vo, 0),
        f"{b}_cadence": np.where(run, cad, 0),
        f"{b}_power": 220,
    })
    df.to_csv(path, index=False)
    return path, t, run


@pytest.mark.parametrize("rate_hz", [1.0, 2.0])
def test_two_devices_on_a_synthetic_run(tmp_path, rate_hz):
    path, t, run = _two_device_csv(tmp_path / "run.csv", rate_hz=rate_hz)
    rec = read_two_devices(path)
    assert rec.devices == ("hrm", "stryd")
    assert rec.channels == ["contact_time_ms", "vertical_oscillation_cm", "cadence_spm"]
    assert rec.only == {"hrm": ["heart_rate_bpm"], "stryd": ["power_w"]}
    assert any("mm (inferred" in u for u in rec.unit_notes)
    ag = DeviceAgreement().compare(rec)
    settle = threshold("agreement.settle_s")
    # two running bouts, each losing its first settle_s seconds
    expected = int(np.sum(run & ~((t < settle) | ((t >= 360) & (t < 360 + settle)))))
    ct = ag.results_["contact_time_ms"].limits_
    assert ct.n == expected
    assert ct.bias == pytest.approx(12, abs=2.5)
    assert ct.sd == pytest.approx(6 * np.sqrt(2), rel=0.15)
    vo = ag.results_["vertical_oscillation_cm"].limits_
    assert vo.bias == pytest.approx(2.0, abs=0.1)  # mm strap against cm pod, in cm
    cad = ag.results_["cadence_spm"].limits_
    assert cad.bias == pytest.approx(0) and cad.sd == pytest.approx(0)
    doc = agreement_document(ag, rec)
    assert doc["difference"] == "hrm minus stryd"
    assert len(doc["channels"]["contact_time_ms"]["pairs"]["a"]) == expected


def test_the_difference_reverses_with_the_device_order(tmp_path):
    path, _, _ = _two_device_csv(tmp_path / "run.csv", names=("stryd", "hrm"), bias_ms=-12)
    rec = read_two_devices(path, ("hrm", "stryd"))
    lim = DeviceAgreement().compare(rec).results_["contact_time_ms"].limits_
    assert lim.bias == pytest.approx(12, abs=2.5)


def test_unit_suffixes_in_the_column_names_are_taken_as_written(tmp_path):
    t = np.arange(120.0)
    pd.DataFrame({"time_s": t, "watch_contact_time_s": 0.26, "pod_contact_time_ms": 250.0,
                  "watch_cadence_spm": 170.0, "pod_cadence_spm": 168.0}).to_csv(
        tmp_path / "g.csv", index=False)
    rec = read_two_devices(tmp_path / "g.csv")
    assert rec.devices == ("watch", "pod")
    ag = DeviceAgreement().compare(rec)
    assert ag.results_["contact_time_ms"].limits_.bias == pytest.approx(10)
    assert ag.results_["cadence_spm"].limits_.bias == pytest.approx(2)


def test_too_few_running_seconds_skip_a_channel_with_a_warning(tmp_path):
    t = np.arange(60.0)
    pd.DataFrame({"time_s": t, "a_cadence_spm": np.where(t < 15, 170.0, 100.0),
                  "b_cadence_spm": 170.0}).to_csv(tmp_path / "w.csv", index=False)
    ag = DeviceAgreement().compare(read_two_devices(tmp_path / "w.csv"))
    assert not ag.results_ and "cadence_spm" in ag.skipped_
    assert any("not compared" in w for w in ag.warnings_)


@pytest.mark.parametrize(("columns", "expect"), [
    ({"hrm_stance_time": [250], "hrm_cadence": [82]}, "two devices"),
    ({"hrm_stance_time": [250], "stryd_power": [200]}, "no channel in common"),
    ({"a_cadence": [82], "b_cadence": [82], "c_cadence": [82]}, "choose two"),
])
def test_files_without_two_comparable_devices_give_one_line_errors(tmp_path, columns, expect):
    path = tmp_path / "bad.csv"
    pd.DataFrame(columns).to_csv(path, index=False)
    with pytest.raises(InputFileError) as err:
        read_two_devices(path)
    assert expect in str(err.value) and "bad.csv" in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_two_devices(tmp_path / "nope.csv")
    bad = tmp_path / "bin.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(InputFileError):
        read_two_devices(bad)
    three = tmp_path / "three.csv"
    pd.DataFrame({"a_cadence": [82] * 30, "b_cadence": [82] * 30,
                  "c_cadence": [83] * 30}).to_csv(three, index=False)
    assert read_two_devices(three, ("c", "a")).devices == ("c", "a")
    with pytest.raises(InputFileError, match="device"):
        read_two_devices(three, ("a", "x"))


def test_shared_run_strap_against_pod(shared_file):
    path = shared_file("dynamics/hrm_pro_and_stryd/V01_course_run_2023_03_08_processed.csv")
    rec = read_two_devices(path)
    ag = DeviceAgreement().compare(rec)
    ct, vo, cad = (ag.results_[c].limits_ for c in rec.channels)
    # strap VO in mm, pod in cm: compared in cm, the strap reads about 3 cm more
    assert 2.0 < vo.bias < 4.0 and vo.sd < 1.0
    assert abs(cad.bias) < 1.0 and cad.sd < 4.0
    assert abs(ct.bias) < 15 and ct.n_eff < ct.n / 4  # 1 Hz rolling averages repeat
    assert 600 < ct.n < 800


def test_a_file_of_two_runners_keeps_them_apart(tmp_path):
    one, _, _ = _two_device_csv(tmp_path / "one.csv", bias_ms=5, seed=1)
    two, _, _ = _two_device_csv(tmp_path / "two.csv", bias_ms=25, seed=2)
    frames = [pd.read_csv(one).assign(subject="V01"), pd.read_csv(two).assign(subject="V02")]
    pd.concat(frames).to_csv(tmp_path / "both.csv", index=False)
    rec = read_two_devices(tmp_path / "both.csv")
    lim = DeviceAgreement().compare(rec).results_["contact_time_ms"].limits_
    assert lim.n_groups == 2 and lim.bias == pytest.approx(15, abs=2)
    # the runners' different biases (5 and 25 ms) widen the limits beyond the within-runner
    # spread (SD 6 sqrt(2) ms): about sqrt(8.5^2 + 14^2) = 16.5 ms
    assert lim.sd == pytest.approx(16.5, rel=0.2)
