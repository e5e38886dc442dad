"""Sway measures against closed-form answers, to 0.1 % (issue 14, part 1).

- a circle of radius R run at f turns per second: path length 2 pi R f T, mean velocity
  2 pi R f, per direction 4 R f (the mean of |d/dt R sin|), range 2R, RMS R / sqrt(2);
- Gaussian noise given an exact sample covariance S: prediction-ellipse area
  pi chi2(0.95; 2) sqrt(det S), and 95 % of the samples inside it;
- a tone of known frequency: median frequency at the tone; a flat spectrum of tones on the
  bins (boxcar window): median and 95 % power frequency where the cumulative power says.
"""

from __future__ import annotations

import numpy as np
import pytest
from balance_signals import CHI2_95_2, circle
from scipy.stats import f as f_dist

from stridelab.balance.sway import (
    Posturography,
    mean_velocity,
    path_length,
    power_frequency,
    prediction_ellipse,
    rms,
    spectrum,
    sway_range,
)

REL = 1e-3  # 0.1 %


@pytest.mark.parametrize("radius_m, freq_hz, fs", [(0.005, 0.25, 100.0), (0.012, 0.5, 1000.0),
                                                   (0.002, 0.1, 50.0)])
def test_a_circle_through_the_whole_processing(radius_m, freq_hz, fs):
    seconds = 40.0
    ap, ml, fs = circle(radius_m, freq_hz, seconds, fs)
    m = Posturography().measure(ap, ml, fs).measures_
    r = radius_m * 1000
    expected = {
        "path_length_mm": 2 * np.pi * r * freq_hz * seconds,
        "mean_velocity_mm_s": 2 * np.pi * r * freq_hz,
        "mean_velocity_ap_mm_s": 4 * r * freq_hz,
        "mean_velocity_ml_mm_s": 4 * r * freq_hz,
        "path_length_ap_mm": 4 * r * freq_hz * seconds,
        "range_ap_mm": 2 * r,
        "range_ml_mm": 2 * r,
        "rms_ap_mm": r / np.sqrt(2),
        "rms_ml_mm": r / np.sqrt(2),
        "ellipse_area_mm2": np.pi * CHI2_95_2 * r ** 2 / 2,
        "median_freq_ap_hz": freq_hz,
        "median_freq_ml_hz": freq_hz,
    }
    for name, value in expected.items():
        assert m[name] == pytest.approx(value, rel=REL), name


def test_the_measure_functions_on_a_circle_without_filtering():
    ap, ml, fs = circle(0.01, 0.2, 50.0, 200.0)
    assert path_length(ap, ml) == pytest.approx(2 * np.pi * 0.01 * 0.2 * 50, rel=REL)
    assert mean_velocity(ap, ml, fs) == pytest.approx(2 * np.pi * 0.01 * 0.2, rel=REL)
    assert rms(ap) == pytest.approx(0.01 / np.sqrt(2), rel=REL)
    assert sway_range(ml) == pytest.approx(0.02, rel=REL)


def _exact_covariance(cov: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Gaussian samples whitened and recoloured so their sample covariance is ``cov``."""
    x = np.random.default_rng(seed).standard_normal((2, n))
    x -= x.mean(axis=1, keepdims=True)
    white = np.linalg.solve(np.linalg.cholesky(np.cov(x)), x)
    return np.linalg.cholesky(cov) @ white


@pytest.mark.parametrize("cov", [np.array([[4.0, 0.0], [0.0, 9.0]]),
                                 np.array([[4.0, 3.0], [3.0, 9.0]]),
                                 np.array([[25.0, -6.0], [-6.0, 2.0]])])
def test_gaussian_noise_of_known_covariance_gives_the_prediction_ellipse(cov):
    ml, ap = _exact_covariance(cov, 20_000, seed=1)
    e = prediction_ellipse(ml, ap, 0.95)
    assert e.area == pytest.approx(np.pi * CHI2_95_2 * np.sqrt(np.linalg.det(cov)), rel=1e-9)
    values = np.linalg.eigvalsh(cov)
    assert e.semi_axes[0] == pytest.approx(np.sqrt(CHI2_95_2 * values[1]), rel=1e-9)
    assert e.semi_axes[1] == pytest.approx(np.sqrt(CHI2_95_2 * values[0]), rel=1e-9)


def test_the_prediction_ellipse_holds_95_percent_of_new_samples():
    cov = np.array([[4.0, 3.0], [3.0, 9.0]])
    ml, ap = _exact_covariance(cov, 200_000, seed=2)
    e = prediction_ellipse(ml, ap)
    new_ml, new_ap = np.linalg.cholesky(cov) @ np.random.default_rng(3).standard_normal(
        (2, 200_000))
    d = np.vstack([new_ml - e.centre[0], new_ap - e.centre[1]])
    inside = np.einsum("in,ij,jn->n", d, np.linalg.inv(np.cov(np.vstack([ml, ap]))), d)
    assert np.mean(inside <= CHI2_95_2) == pytest.approx(0.95, abs=0.002)


def test_prietos_f_form_differs_from_the_prediction_ellipse_by_under_0_25_percent():
    for n in (1500, 3000, 32000):
        prieto = 2 * np.pi * f_dist.ppf(0.95, 2, n - 2)
        assert 0 < prieto / (np.pi * CHI2_95_2) - 1 < 0.0025


@pytest.mark.parametrize("freq_hz", [0.15, 0.35, 1.2, 3.0])
def test_a_tone_has_its_median_frequency_at_the_tone(freq_hz):
    fs = 100.0
    t = np.arange(6000) / fs
    x = 0.003 * np.sin(2 * np.pi * freq_hz * t)
    m = Posturography().measure(x, None, fs).measures_
    assert m["median_freq_ap_hz"] == pytest.approx(freq_hz, rel=REL)


def test_a_flat_spectrum_gives_median_and_95_percent_frequencies_in_closed_form():
    fs, segment_s = 100.0, 20.0
    df = 1 / segment_s
    bins = np.arange(2, 42)  # tones on bins 0.1 .. 2.05 Hz, equal power
    t = np.arange(int(60 * fs)) / fs
    phases = np.random.default_rng(4).uniform(0, 2 * np.pi, len(bins))
    x = sum(np.sin(2 * np.pi * k * df * t + p) for k, p in zip(bins, phases, strict=True))
    f, p = spectrum(x, fs, segment_s, window="boxcar")
    low = bins[0] * df - df / 2
    for share in (0.5, 0.95):
        assert power_frequency(f, p, share) == pytest.approx(low + share * len(bins) * df,
                                                             rel=REL)
    algo = Posturography(segment_s=segment_s, window="boxcar", cutoff_hz=float("inf"))
    m = algo.measure(x * 1e-3, None, fs).measures_
    assert m["f95_ap_hz"] == pytest.approx(low + 0.95 * len(bins) * df, rel=REL)


def test_without_medio_lateral_the_planar_measures_are_none():
    ap, _, fs = circle()
    m = Posturography().measure(ap, None, fs).measures_
    assert m["path_length_mm"] is None and m["ellipse_area_mm2"] is None
    assert m["rms_ml_mm"] is None and m["median_freq_ml_hz"] is None
    assert m["rms_ap_mm"] > 0


def test_the_mean_is_removed_and_the_position_does_not_matter():
    ap, ml, fs = circle()
    a = Posturography().measure(ap, ml, fs)
    b = Posturography().measure(ap + 0.3, ml - 0.1, fs)
    assert abs(np.mean(b.ap_mm_)) < 1e-9
    assert a.measures_ == pytest.approx(b.measures_, rel=1e-6)
