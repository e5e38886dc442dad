"""How far apart two devices are on one run: Bland-Altman limits of agreement per channel.

Method (Bland & Altman 1986, Lancet 327:307-310; 1999, Stat Methods Med Res 8:135-160):
the difference of the two devices' values (first device minus second) at every second both
give a valid value while running; its mean is the bias, and ``bias +/- z SD`` (z = 1.96 for
95 %) the limits of agreement, between which about 95 % of the differences are expected.

Autocorrelation. Per-second values of pods and straps are rolling averages: one second's
difference is much like the next, so the seconds are not independent and the plain ``n``
would make every confidence interval far too narrow. The confidence intervals here use an
effective number of independent differences (Thiebaux & Zwiers 1984, J Climate Appl Meteor
23:800-811): ``n_eff = n / (1 + 2 sum_k (1 - k/n) r_k)``, the autocorrelations ``r_k`` of the
differences summed over the lags before the first that is not positive (Geyer 1992, Stat Sci
7:473-483, initial positive sequence). The bias, SD and limits themselves use every second.

Confidence intervals (Bland & Altman 1999, section 2.3): bias ``+/- t SD / sqrt(n_eff)``;
each limit ``+/- t SD sqrt(1/n_eff + z^2 / (2 (n_eff - 1)))``, ``t`` from Student's t with
``n_eff - 1`` degrees of freedom. Proportional bias (section 3.2): the slope of the
differences regressed on the pairs' means, its standard error widened by ``sqrt(n / n_eff)``.

Several runners in one file (a ``subject`` column): repeated measures where the true value
varies (Bland & Altman 1999, section 5.2): the SD of the differences combines the
within-runner and between-runner components of a one-way analysis of variance; the
confidence intervals then rest on the number of runners.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stridelab.io.activity.devices import CHANNEL_UNITS, TwoDeviceRecording
from stridelab.thresholds import threshold

METHOD = ("Bland & Altman 1986 (Lancet) limits of agreement, first device minus second; "
          "confidence intervals from Bland & Altman 1999 (Stat Methods Med Res) with an "
          "effective number of independent seconds (Thiebaux & Zwiers 1984) for the "
          "autocorrelated 1 Hz differences")


def _runs(time_s: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """A run number per sample: a new run after a gap in time or a change of runner."""
    dt = _step(time_s)
    gap = np.ones(len(time_s), dtype=bool)
    if len(time_s) > 1:
        gap[1:] = np.abs(np.diff(time_s) - dt) > 0.5 * dt
        if groups is not None:
            gap[1:] |= groups[1:] != groups[:-1]
    return np.cumsum(gap)


def _step(time_s: np.ndarray) -> float:
    """The sampling interval (s): the median positive time step, 1 s when none."""
    steps = np.diff(time_s)
    steps = steps[np.isfinite(steps) & (steps > 0)]
    return float(np.median(steps)) if steps.size else 1.0


def effective_n(values: np.ndarray, time_s: np.ndarray | None = None,
                groups: np.ndarray | None = None) -> tuple[float, float | None]:
    """Effective number of independent values of an autocorrelated series.

    Thiebaux & Zwiers 1984 (J Climate Appl Meteor 23:800-811):
    ``n_eff = n / (1 + 2 sum_{k>=1} (1 - k/n) r_k)``, summing the lag-``k`` autocorrelations
    ``r_k`` up to the lag before the first one that is not positive (the initial positive
    sequence of Geyer 1992, Stat Sci 7:473-483). Lags are counted in sampling intervals on the
    time grid, so a gap (left-out seconds) breaks no pair into a false neighbour.

    Parameters
    ----------
    values
        The series (NaN: no value).
    time_s
        Time of each value (s); ``None``: equally spaced.
    groups
        Runner of each value; values of different runners are never paired.

    Returns
    -------
    tuple
        ``(n_eff, r1)``: the effective number (between 1 and ``n``) and the lag-1
        autocorrelation (``None`` when no two neighbours exist).
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    n = int(ok.sum())
    if n < 3:
        return float(n), None
    t = np.arange(len(v), dtype=float) if time_s is None else np.asarray(time_s, dtype=float)
    g = None if groups is None else np.asarray(groups)
    dt = _step(t[ok])
    # place every value on a regular grid per runner, centred on that runner's mean
    series: list[np.ndarray] = []
    keys = [None] if g is None else list(dict.fromkeys(g[ok]))
    for key in keys:
        sel = ok if key is None else ok & (g == key)
        x = v[sel] - v[sel].mean()
        idx = np.round((t[sel] - t[sel].min()) / dt).astype(int)
        grid = np.full(idx.max() + 1, np.nan)
        grid[idx] = x
        series.append(grid)
    var = np.nanmean(np.concatenate(series) ** 2)
    if var <= 0:
        return float(n), None
    total, r1 = 0.0, None
    for k in range(1, max(2, n // 4)):
        products = [s[:-k] * s[k:] for s in series if len(s) > k]
        prod = np.concatenate(products) if products else np.array([])
        prod = prod[np.isfinite(prod)]
        if prod.size < 3:
            break
        r = float(prod.mean() / var)
        if k == 1:
            r1 = r
        if r <= 0:
            break
        total += (1 - k / n) * r
    return float(np.clip(n / (1 + 2 * total), 1.0, n)), r1


@dataclass
class Limits:
    """Bland-Altman figures of one channel (all in the channel's unit).

    Attributes
    ----------
    n
        Paired values.
    n_eff
        Effective number of independent differences behind the confidence intervals.
    bias, sd, lower, upper
        Mean difference, its SD and the limits of agreement ``bias -/+ z SD``.
    bias_ci, lower_ci, upper_ci
        Their confidence intervals ``(low, high)``.
    within_share
        Share of the differences between the limits (0-1).
    slope, slope_ci
        Proportional bias: change of the difference per unit of the pairs' mean, with its
        confidence interval (``None`` with too few values).
    r1
        Lag-1 autocorrelation of the differences.
    n_groups
        Runners (1 unless the file names several).
    median, central
        Median difference and the central ``coverage`` share of the differences (2.5th to
        97.5th percentile for 95 %): the non-parametric limits of Bland & Altman 1999
        (section 7), for differences far from a normal distribution (a device holding a
        wrong value for a while).
    """

    n: int
    n_eff: float
    bias: float
    sd: float
    lower: float
    upper: float
    bias_ci: tuple[float, float]
    lower_ci: tuple[float, float]
    upper_ci: tuple[float, float]
    within_share: float
    slope: float | None = None
    slope_ci: tuple[float, float] | None = None
    r1: float | None = None
    n_groups: int = 1
    median: float | None = None
    central: tuple[float, float] | None = None

    @property
    def proportional(self) -> bool:
        """Whether the slope's confidence interval excludes zero (proportional bias)."""
        return self.slope_ci is not None and (self.slope_ci[0] > 0 or self.slope_ci[1] < 0)


class BlandAltman:
    """Limits of agreement of two paired series (Bland & Altman 1986, 1999).

    Parameters
    ----------
    coverage
        Share of differences the limits are meant to hold, also the confidence level of the
        intervals; ``None``: ``agreement.limits_coverage`` (0.95).

    Attributes
    ----------
    limits_
        The figures (:class:`Limits`).
    differences_, means_
        Per pair: ``a - b`` and ``(a + b) / 2`` (pairs with both values only).
    """

    def __init__(self, coverage: float | None = None) -> None:
        self.coverage = coverage

    def compute(self, a, b, time_s=None, groups=None) -> BlandAltman:
        """Compare ``a`` with ``b``; pairs where either is NaN are left out.

        Parameters
        ----------
        a, b
            The two devices' values, same length.
        time_s
            Time of each pair (s), for the autocorrelation; ``None``: equally spaced.
        groups
            Runner of each pair; several runners: repeated measures where the true value
            varies (Bland & Altman 1999, section 5.2).

        Returns
        -------
        BlandAltman
            ``self``, with :attr:`limits_` set.
        """
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if a.shape != b.shape:
            raise ValueError("a and b must have the same length")
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() < 3:
            raise ValueError(f"{int(ok.sum())} pairs: at least 3 are needed")
        t = None if time_s is None else np.asarray(time_s, dtype=float)[ok]
        g = None if groups is None else np.asarray(groups)[ok]
        d = a[ok] - b[ok]
        m = (a[ok] + b[ok]) / 2
        coverage = self.coverage if self.coverage is not None else threshold(
            "agreement.limits_coverage")
        z = float(stats.norm.ppf(0.5 + coverage / 2))
        n = d.size
        bias = float(d.mean())
        n_eff, r1 = effective_n(d, t, g)
        labels = [] if g is None else list(dict.fromkeys(g))
        if len(labels) > 1:
            sd, n_ci, sd_bias = _repeated_sd(d, g, labels)
        else:
            sd, n_ci = float(d.std(ddof=1)), n_eff
            sd_bias = sd / np.sqrt(n_eff)
        lower, upper = bias - z * sd, bias + z * sd
        t_q = float(stats.t.ppf(0.5 + coverage / 2, max(n_ci - 1, 1)))
        se_limit = sd * np.sqrt(1 / n_ci + z**2 / (2 * max(n_ci - 1, 1)))
        slope, slope_ci = _slope(d, m, n, n_eff, coverage)
        self.differences_, self.means_ = d, m
        self.limits_ = Limits(
            n=n, n_eff=round(float(n_ci), 1), bias=bias, sd=sd, lower=lower, upper=upper,
            bias_ci=(bias - t_q * sd_bias, bias + t_q * sd_bias),
            lower_ci=(lower - t_q * se_limit, lower + t_q * se_limit),
            upper_ci=(upper - t_q * se_limit, upper + t_q * se_limit),
            within_share=float(np.mean((d >= lower) & (d <= upper))),
            slope=slope, slope_ci=slope_ci, r1=r1, n_groups=max(len(labels), 1),
            median=float(np.median(d)),
            central=(float(np.quantile(d, 0.5 - coverage / 2)),
                     float(np.quantile(d, 0.5 + coverage / 2))))
        return self


def _repeated_sd(d: np.ndarray, g: np.ndarray, labels: list) -> tuple[float, float, float]:
    """SD of differences over several runners (Bland & Altman 1999, section 5.2).

    One-way ANOVA of the differences by runner: ``s^2 = s_between^2 + MS_within`` with
    ``s_between^2 = (MS_between - MS_within) / divisor`` and
    ``divisor = (N^2 - sum m_i^2) / ((k - 1) N)``. Returns ``(SD, k, SE of the bias)``, the
    last from the runners' mean differences.
    """
    counts = np.array([np.sum(g == lab) for lab in labels], dtype=float)
    means = np.array([d[g == lab].mean() for lab in labels])
    k, total = len(labels), d.size
    ss_within = sum(float(((d[g == lab] - mu) ** 2).sum()) for lab, mu in zip(labels, means,
                                                                               strict=True))
    ms_within = ss_within / max(total - k, 1)
    ms_between = float((counts * (means - d.mean()) ** 2).sum()) / (k - 1)
    divisor = (total**2 - float((counts**2).sum())) / ((k - 1) * total)
    between = max((ms_between - ms_within) / divisor, 0.0)
    return float(np.sqrt(between + ms_within)), float(k), float(means.std(ddof=1) / np.sqrt(k))


def _slope(d: np.ndarray, m: np.ndarray, n: int, n_eff: float,
           coverage: float) -> tuple[float | None, tuple[float, float] | None]:
    """Slope of the differences on the means with its CI (Bland & Altman 1999, 3.2)."""
    spread = float(((m - m.mean()) ** 2).sum())
    if n < 4 or spread <= 0 or n_eff <= 3:
        return None, None
    slope, intercept = np.polyfit(m, d, 1)
    resid = d - (intercept + slope * m)
    se = np.sqrt(float((resid**2).sum()) / (n - 2) / spread) * np.sqrt(n / n_eff)
    t_q = float(stats.t.ppf(0.5 + coverage / 2, n_eff - 2))
    return float(slope), (float(slope - t_q * se), float(slope + t_q * se))


class DeviceAgreement:
    """Agreement of two devices worn on the same run, channel by channel.

    A second is compared when both devices give a valid value, while running: every device
    reporting a cadence shows at least ``agreement.running_min_cadence_spm``, and the
    running bout started at least ``agreement.settle_s`` before (the devices' rolling averages
    settle after a stop). A channel with fewer than ``agreement.min_pairs`` such seconds is
    left out with a warning.

    Parameters
    ----------
    min_cadence_spm, settle_s, min_pairs, coverage
        ``None``: the values in ``stridelab/data/thresholds.csv``.

    Attributes
    ----------
    results_
        :class:`BlandAltman` per compared channel.
    paired_
        Per channel, the mask of the rows compared.
    running_
        Rows taken as settled running.
    skipped_
        Channels left out, with the reason.
    warnings_
        Sentences for the user.
    source_
        How the agreement was measured.
    """

    def __init__(self, min_cadence_spm: float | None = None, settle_s: float | None = None,
                 min_pairs: int | None = None, coverage: float | None = None) -> None:
        self.min_cadence_spm = min_cadence_spm
        self.settle_s = settle_s
        self.min_pairs = min_pairs
        self.coverage = coverage

    def compare(self, rec: TwoDeviceRecording) -> DeviceAgreement:
        """Measure the agreement of the recording's two devices on every shared channel.

        Parameters
        ----------
        rec
            The two-device recording (:func:`stridelab.io.activity.devices.read_two_devices`).

        Returns
        -------
        DeviceAgreement
            ``self``, with the result attributes set.
        """
        cadence_min = (self.min_cadence_spm if self.min_cadence_spm is not None
                       else threshold("agreement.running_min_cadence_spm"))
        settle = self.settle_s if self.settle_s is not None else threshold("agreement.settle_s")
        min_pairs = int(self.min_pairs if self.min_pairs is not None
                        else threshold("agreement.min_pairs"))
        warnings: list[str] = []
        running = self._running(rec, cadence_min, warnings)
        settled = running & ~_settling(rec.time_s, running, rec.groups, settle)
        a, b = rec.devices
        self.results_: dict[str, BlandAltman] = {}
        self.paired_: dict[str, np.ndarray] = {}
        self.skipped_: dict[str, str] = {}
        for channel in rec.channels:
            va, vb = rec.values[channel][a], rec.values[channel][b]
            mask = settled & np.isfinite(va) & np.isfinite(vb)
            if mask.sum() < max(min_pairs, 3):
                self.skipped_[channel] = (f"{int(mask.sum())} running seconds with both values"
                                          f" (at least {min_pairs} needed)")
                warnings.append(f"{channel.rsplit('_', 1)[0].replace('_', ' ')} not compared: "
                                f"{self.skipped_[channel]}")
                continue
            groups = None if rec.groups is None else rec.groups[mask]
            self.results_[channel] = BlandAltman(self.coverage).compute(
                va[mask], vb[mask], rec.time_s[mask], groups)
            self.paired_[channel] = mask
        self.running_ = settled
        self.warnings_ = warnings
        self.source_ = METHOD
        return self

    @staticmethod
    def _running(rec: TwoDeviceRecording, cadence_min: float, warnings: list[str]) -> np.ndarray:
        """Rows where every device giving a cadence shows a running one."""
        if not rec.cadence_spm:
            warnings.append("neither device records cadence: every second with both values "
                            "is compared, running or not")
            return np.ones(len(rec.time_s), dtype=bool)
        cad = np.vstack(list(rec.cadence_spm.values()))
        known = np.isfinite(cad)
        low = known & (cad < cadence_min)
        return known.any(axis=0) & ~low.any(axis=0)


def _settling(time_s: np.ndarray, running: np.ndarray, groups: np.ndarray | None,
              settle_s: float) -> np.ndarray:
    """Rows within ``settle_s`` of the start of their running bout."""
    out = np.zeros(len(time_s), dtype=bool)
    if settle_s <= 0 or not running.any():
        return out
    idx = np.flatnonzero(running)
    bouts = _runs(time_s[idx], None if groups is None else groups[idx])
    starts: dict[int, float] = {}
    for i, bout in zip(idx, bouts, strict=True):
        start = starts.setdefault(int(bout), float(time_s[i]))
        out[i] = time_s[i] - start < settle_s
    return out


def _pair(ci: tuple[float, float] | None, digits: int) -> list[float] | None:
    return None if ci is None else [round(ci[0], digits), round(ci[1], digits)]


def agreement_document(agreement: DeviceAgreement, rec: TwoDeviceRecording,
                       digits: int = 3) -> dict:
    """The agreement as a JSON-ready document (``agreement.json``).

    Parameters
    ----------
    agreement
        A compared :class:`DeviceAgreement`.
    rec
        The recording it compared.
    digits
        Decimals kept.

    Returns
    -------
    dict
        ``file``, ``devices``, ``difference`` (which minus which), ``rows``,
        ``running_settled_s``, ``units`` (how each column's unit was decided), ``method``,
        ``warnings``, ``skipped`` and ``channels``: per channel its unit, columns, the
        Bland-Altman figures (``n``, ``n_eff``, ``bias``, ``bias_ci``, ``sd``, ``lower``,
        ``lower_ci``, ``upper``, ``upper_ci``, ``within_pct``, ``median``, ``central``
        (percentile limits), ``slope``, ``slope_ci``, ``proportional_bias``,
        ``lag1_autocorrelation``), each device's mean, and the pairs (``time_s``, ``a``,
        ``b``) for the plot.
    """
    a, b = rec.devices
    channels = {}
    for channel, ba in agreement.results_.items():
        lim, mask = ba.limits_, agreement.paired_[channel]
        r = (lambda x, dd=digits: round(float(x), dd))  # noqa: E731
        channels[channel] = {
            "unit": CHANNEL_UNITS[channel], "columns": rec.columns[channel],
            "n": lim.n, "n_eff": lim.n_eff, "n_runners": lim.n_groups,
            "bias": r(lim.bias), "bias_ci": _pair(lim.bias_ci, digits), "sd": r(lim.sd),
            "lower": r(lim.lower), "lower_ci": _pair(lim.lower_ci, digits),
            "upper": r(lim.upper), "upper_ci": _pair(lim.upper_ci, digits),
            "within_pct": round(100 * lim.within_share, 1), "median": r(lim.median),
            "central": _pair(lim.central, digits),
            "slope": None if lim.slope is None else round(lim.slope, 4),
            "slope_ci": _pair(lim.slope_ci, 4), "proportional_bias": lim.proportional,
            "lag1_autocorrelation": None if lim.r1 is None else round(lim.r1, 3),
            "mean": {a: r(np.mean(rec.values[channel][a][mask])),
                     b: r(np.mean(rec.values[channel][b][mask]))},
            "pairs": {"time_s": [r(x) for x in rec.time_s[mask]],
                      "a": [r(x) for x in rec.values[channel][a][mask]],
                      "b": [r(x) for x in rec.values[channel][b][mask]]},
        }
    coverage = (agreement.coverage if agreement.coverage is not None
                else threshold("agreement.limits_coverage"))
    return {
        "file": str(rec.path), "devices": [a, b], "difference": f"{a} minus {b}",
        "coverage": coverage, "rows": int(len(rec.time_s)),
        "running_settled_s": int(agreement.running_.sum()),
        "units": rec.unit_notes, "only_one_device": rec.only,
        "method": agreement.source_, "warnings": agreement.warnings_,
        "skipped": agreement.skipped_, "channels": channels,
    }
