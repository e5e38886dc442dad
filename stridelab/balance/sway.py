"""Centre-of-pressure sway measures (Prieto et al. 1996; Duarte & Freitas 2010).

Processing: zero-lag low-pass (``balance.filter.cutoff_hz``), then the mean removed. Measures,
per direction (anterior-posterior ``ap``, medio-lateral ``ml``) and in the plane:

- RMS distance from the mean and range;
- path length ``sum sqrt(dAP^2 + dML^2)`` and mean velocity = path length / duration
  (Prieto 1996), total and per direction (``sum |dAP|`` / duration);
- the 95 % **prediction** ellipse area ``pi * chi2(0.95; 2) * sqrt(det(S))`` with ``S`` the
  sample covariance (Schubert & Kirchner 2014, Gait Posture 39:518, their MATLAB appendix):
  the ellipse expected to hold 95 % of the samples. It is not the confidence ellipse of the
  mean (whose area shrinks with the number of samples). Prieto's ``2 pi F(0.05; 2, n-2)``
  form differs from it by under 0.25 % above 1,500 samples;
- median and 95 % power frequency of the Welch spectrum (Hann window, 50 % overlap), up to
  ``balance.spectrum.max_hz`` without the 0 Hz bin. Each bin's power is spread evenly over
  its width, so a pure tone centred on a bin has its median exactly there.

Lengths in millimetres, velocities in mm/s, areas in mm^2, frequencies in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stridelab.signal import lowpass
from stridelab.thresholds import given_or_default

M_TO_MM = 1000.0


def rms(x: np.ndarray) -> float:
    """Root mean square distance from the mean (Prieto 1996, RDIST-type measures).

    Parameters
    ----------
    x
        One direction of the centre of pressure.
    """
    x = np.asarray(x, float)
    return float(np.sqrt(np.mean((x - x.mean()) ** 2)))


def sway_range(x: np.ndarray) -> float:
    """Largest minus smallest position (Prieto 1996, RANGE)."""
    return float(np.ptp(np.asarray(x, float)))


def path_length(ap: np.ndarray, ml: np.ndarray | None = None) -> float:
    """Length of the centre-of-pressure trajectory (Prieto 1996, TOTEX).

    ``sum sqrt(dAP^2 + dML^2)`` over consecutive samples; one direction alone when ``ml``
    is ``None``.
    """
    d_ap = np.diff(np.asarray(ap, float))
    d_ml = np.zeros_like(d_ap) if ml is None else np.diff(np.asarray(ml, float))
    return float(np.sum(np.hypot(d_ap, d_ml)))


def mean_velocity(ap: np.ndarray, ml: np.ndarray | None, fs: float) -> float:
    """Path length over the trial's duration, ``(n - 1) / fs`` (Prieto 1996, MVELO).

    Parameters
    ----------
    ap, ml
        The centre of pressure (``ml`` may be ``None``: one direction).
    fs
        Sampling rate, Hz.
    """
    return path_length(ap, ml) * fs / (len(ap) - 1)


@dataclass(frozen=True)
class Ellipse:
    """A prediction ellipse of the centre of pressure.

    Attributes
    ----------
    area
        Area (square units of the input).
    semi_axes
        Semi-major and semi-minor axis lengths.
    angle_deg
        Angle of the major axis from the ML axis towards AP, degrees (-90..90).
    centre
        (ML, AP) mean.
    probability
        Share of samples it is expected to enclose.
    """

    area: float
    semi_axes: tuple[float, float]
    angle_deg: float
    centre: tuple[float, float]
    probability: float

    def outline(self, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points (ML, AP) around the ellipse, for plotting."""
        t = np.linspace(0, 2 * np.pi, n)
        a, b = self.semi_axes
        phi = np.radians(self.angle_deg)
        x, y = a * np.cos(t), b * np.sin(t)
        return (self.centre[0] + x * np.cos(phi) - y * np.sin(phi),
                self.centre[1] + x * np.sin(phi) + y * np.cos(phi))


def chi2_2(probability: float) -> float:
    """Quantile of the chi-square distribution with 2 degrees of freedom, in closed form.

    With 2 degrees of freedom the distribution is exponential, ``F(x) = 1 - exp(-x / 2)``,
    so the quantile is ``-2 ln(1 - p)`` (5.991 for 0.95).
    """
    return float(-2.0 * np.log1p(-probability))


def prediction_ellipse(ml: np.ndarray, ap: np.ndarray, probability: float = 0.95) -> Ellipse:
    """The prediction ellipse (Schubert & Kirchner 2014, Gait Posture 39:518).

    Semi-axes ``sqrt(chi2(p; 2) * lambda_i)`` for the eigenvalues ``lambda_i`` of the
    sample covariance (``n - 1``), area ``pi * chi2(p; 2) * sqrt(lambda_1 lambda_2)``.

    Parameters
    ----------
    ml, ap
        The centre of pressure.
    probability
        Share of samples to enclose (0.95).
    """
    cov = np.cov(np.vstack([ml, ap]))
    values, vectors = np.linalg.eigh(cov)
    values = np.clip(values, 0.0, None)
    c = chi2_2(probability)
    major = vectors[:, 1]
    angle = float(np.degrees(np.arctan2(major[1], major[0])))
    angle = (angle + 90.0) % 180.0 - 90.0
    return Ellipse(area=float(np.pi * c * np.sqrt(values[0] * values[1])),
                   semi_axes=(float(np.sqrt(c * values[1])), float(np.sqrt(c * values[0]))),
                   angle_deg=angle, centre=(float(np.mean(ml)), float(np.mean(ap))),
                   probability=probability)


def spectrum(x: np.ndarray, fs: float, segment_s: float,
             window: str = "hann") -> tuple[np.ndarray, np.ndarray]:
    """Welch power spectral density (50 % overlap).

    Segments last ``segment_s``, at most half the signal so that at least two are averaged.

    Returns
    -------
    freqs, psd
    """
    from scipy.signal import welch

    n = len(x)
    nperseg = int(min(round(segment_s * fs), n // 2))
    return welch(np.asarray(x, float), fs=fs, window=window, nperseg=nperseg,
                 noverlap=nperseg // 2, detrend="constant")


def power_frequency(freqs: np.ndarray, psd: np.ndarray, share: float,
                    max_hz: float | None = None) -> float:
    """Frequency below which ``share`` of the power lies (0.5: median; 0.95: F95).

    The 0 Hz bin is left out; each bin's power is spread evenly over its width (from half a
    bin below to half a bin above its frequency) and the cumulative power interpolated.

    Parameters
    ----------
    freqs, psd
        A one-sided spectrum on evenly spaced bins from 0 Hz.
    share
        0-1.
    max_hz
        Highest frequency included (``None``: all).
    """
    keep = freqs > 0
    if max_hz is not None:
        keep &= freqs <= max_hz
    f, p = freqs[keep], psd[keep]
    if len(f) == 0 or not np.sum(p) > 0:
        return float("nan")
    df = freqs[1] - freqs[0]
    edges = np.r_[f - df / 2, f[-1] + df / 2]
    cumulative = np.r_[0.0, np.cumsum(p)] / np.sum(p)
    return float(np.interp(share, cumulative, edges))


class Posturography:
    """Sway measures of one centre-of-pressure trial (gaitmap-style algorithm object).

    Parameters
    ----------
    cutoff_hz
        Low-pass cut-off (default ``balance.filter.cutoff_hz``: 10 Hz, Ruhe 2010); ``0`` or
        ``None`` takes the default, ``float("inf")`` filters nothing.
    probability
        Share of samples the prediction ellipse encloses (default 0.95).
    max_hz
        Highest frequency of the frequency measures (default ``balance.spectrum.max_hz``).
    segment_s
        Welch segment length (default ``balance.spectrum.segment_s``).
    window
        Welch window (``"hann"``; ``"boxcar"`` for tests with tones on the bins).

    Attributes
    ----------
    measures_
        ``rms_ap_mm``, ``rms_ml_mm``, ``range_ap_mm``, ``range_ml_mm``, ``path_length_mm``,
        ``path_length_ap_mm``, ``path_length_ml_mm``, ``mean_velocity_mm_s``,
        ``mean_velocity_ap_mm_s``, ``mean_velocity_ml_mm_s``, ``ellipse_area_mm2``,
        ``median_freq_ap_hz``, ``f95_ap_hz``, ``median_freq_ml_hz``, ``f95_ml_hz``,
        ``duration_s``; the ML and planar ones ``None`` when only AP is known.
    ap_mm_, ml_mm_
        The processed centre of pressure (filtered, mean removed), mm.
    ellipse_
        The prediction ellipse (mm), or ``None`` without ML.
    """

    def __init__(self, cutoff_hz: float | None = None, probability: float | None = None,
                 max_hz: float | None = None, segment_s: float | None = None,
                 window: str = "hann") -> None:
        self.cutoff_hz = cutoff_hz
        self.probability = probability
        self.max_hz = max_hz
        self.segment_s = segment_s
        self.window = window

    def measure(self, ap_m: np.ndarray, ml_m: np.ndarray | None, fs: float) -> Posturography:
        """Process and measure one trial.

        Parameters
        ----------
        ap_m, ml_m
            Centre of pressure in metres (``ml_m`` may be ``None``).
        fs
            Sampling rate, Hz.

        Returns
        -------
        self
        """
        cutoff = given_or_default(self.cutoff_hz or None, "balance.filter.cutoff_hz")
        self.ap_mm_ = self._process(ap_m, fs, cutoff)
        self.ml_mm_ = None if ml_m is None else self._process(ml_m, fs, cutoff)
        ap, ml = self.ap_mm_, self.ml_mm_
        m: dict[str, float | None] = {"duration_s": (len(ap) - 1) / fs}
        m["rms_ap_mm"], m["range_ap_mm"] = rms(ap), sway_range(ap)
        m["rms_ml_mm"] = None if ml is None else rms(ml)
        m["range_ml_mm"] = None if ml is None else sway_range(ml)
        m["path_length_ap_mm"] = path_length(ap)
        m["path_length_ml_mm"] = None if ml is None else path_length(ml)
        m["path_length_mm"] = None if ml is None else path_length(ap, ml)
        m["mean_velocity_ap_mm_s"] = mean_velocity(ap, None, fs)
        m["mean_velocity_ml_mm_s"] = None if ml is None else mean_velocity(ml, None, fs)
        m["mean_velocity_mm_s"] = None if ml is None else mean_velocity(ap, ml, fs)
        p = given_or_default(self.probability, "balance.ellipse.probability")
        self.ellipse_ = None if ml is None else prediction_ellipse(ml, ap, p)
        m["ellipse_area_mm2"] = None if self.ellipse_ is None else self.ellipse_.area
        for name, x in (("ap", ap), ("ml", ml)):
            m[f"median_freq_{name}_hz"], m[f"f95_{name}_hz"] = self._frequencies(x, fs)
        self.measures_ = m
        return self

    @staticmethod
    def _process(x_m: np.ndarray, fs: float, cutoff: float) -> np.ndarray:
        x = lowpass(np.asarray(x_m, float) * M_TO_MM, fs, cutoff)
        return x - np.mean(x)

    def _frequencies(self, x: np.ndarray | None, fs: float) -> tuple[float | None, ...]:
        if x is None:
            return None, None
        seg = given_or_default(self.segment_s, "balance.spectrum.segment_s")
        top = given_or_default(self.max_hz, "balance.spectrum.max_hz")
        f, p = spectrum(x, fs, seg, self.window)
        return power_frequency(f, p, 0.5, top), power_frequency(f, p, 0.95, top)
