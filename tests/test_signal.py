import numpy as np
import pandas as pd
import pytest

from stridelab.gait.strides import alternation_errors, build_strides
from stridelab.signal import fill_gaps, lowpass, threshold_crossings


def test_threshold_crossings_interpolates_between_samples():
    fs = 100.0
    t = np.arange(0, 2, 1 / fs)
    sig = np.sin(2 * np.pi * 1.0 * t)  # above 0.5 from 1/12 s to 5/12 s, and 13/12 to 17/12
    on, off = threshold_crossings(sig, fs, 0.5, min_on=0.05, min_off=0.01)
    np.testing.assert_allclose(on, [1 / 12, 13 / 12], atol=2e-4)
    np.testing.assert_allclose(off, [5 / 12, 17 / 12], atol=2e-4)


def test_threshold_crossings_bridges_short_dips_and_drops_blips():
    fs = 100.0
    sig = np.zeros(200)
    sig[20:60] = 1.0
    sig[40] = 0.0  # a 10 ms dip inside a contact: bridged
    sig[100:102] = 1.0  # a 20 ms blip: dropped
    on, off = threshold_crossings(sig, fs, 0.5, min_on=0.05, min_off=0.03)
    assert len(on) == 1
    assert on[0] == pytest.approx(0.195, abs=1e-9)
    assert off[0] == pytest.approx(0.595, abs=1e-9)


def test_threshold_crossings_drop_intervals_cut_by_missing_data():
    sig = np.zeros(100)
    sig[10:30] = 1.0
    sig[50:70] = 1.0
    sig[70:75] = np.nan  # the end of the second interval is unknown
    on, _ = threshold_crossings(sig, 100.0, 0.5, min_on=0.05, min_off=0.01)
    assert len(on) == 1


def test_fill_gaps_fills_short_gaps_only():
    fs = 100.0
    x = np.sin(np.arange(300) / 20.0)
    y = x.copy()
    y[50:55] = np.nan  # 50 ms: filled
    y[150:200] = np.nan  # 500 ms: left
    filled = fill_gaps(y, fs, max_gap_s=0.1)
    np.testing.assert_allclose(filled[50:55], x[50:55], atol=1e-3)
    assert np.isnan(filled[150:200]).all()


def test_lowpass_removes_nyquist_noise_without_lag():
    fs = 300.0
    t = np.arange(0, 2, 1 / fs)
    slow = np.sin(2 * np.pi * 2 * t)
    noisy = slow + 0.3 * (-1) ** np.arange(len(t))
    out = lowpass(noisy, fs, 50)
    assert np.max(np.abs(out[50:-50] - slow[50:-50])) < 0.01


def _contacts(ic_r, ic_l, ct):
    rows = [("R", t, t + ct) for t in ic_r] + [("L", t, t + ct) for t in ic_l]
    return pd.DataFrame(rows, columns=["side", "ic_s", "to_s"])


def test_build_strides_definitions():
    c = _contacts([0.0, 0.7, 1.4], [0.35, 1.05], 0.25)
    s = build_strides(c)
    first = s.iloc[0]
    assert first.side == "R"
    assert first.contact_time_ms == pytest.approx(250)
    assert first.step_time_ms == pytest.approx(350)
    assert first.flight_time_ms == pytest.approx(100)
    assert first.swing_time_ms == pytest.approx(450)
    assert first.duty_factor == pytest.approx(0.25 / 0.7)
    assert np.isnan(s.iloc[-1].next_ic_s)  # the last stance has no next contact


def test_walking_has_double_support_and_no_flight():
    c = _contacts([0.0, 1.1], [0.55, 1.65], 0.65)
    s = build_strides(c)
    assert s.iloc[0].flight_time_ms == 0
    assert s.iloc[0].double_support_ms == pytest.approx(100)


def test_missed_contact_leaves_nan_and_is_counted():
    c = _contacts([0.0, 0.7, 1.4], [0.35], 0.25)  # the left contact at 1.05 s is missing
    s = build_strides(c)
    assert alternation_errors(c) == 1
    r2 = s[(s.side == "R") & (s.ic_s == 0.7)].iloc[0]
    assert np.isnan(r2.step_time_ms)
