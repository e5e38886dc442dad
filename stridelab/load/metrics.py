"""Training-load guards: weekly totals, 10 % rule, single-run spike, ACWR, monotony, strain.

Every number compared against comes from ``stridelab/data/thresholds.csv`` with its
source. The article's 10 % rule is shown as the article states it, next to the evidence
(Buist 2008); the single-run spike against the longest run of the previous 30 days
(Frandsen 2025) is the best-supported guard; ACWR is offered but labelled contested.
Associations, never causes: a flag means the runs look like those that were *associated
with* more injuries in the cited cohorts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from stridelab.store.db import StoredActivity
from stridelab.thresholds import load_thresholds, threshold


def week_start(day: date) -> date:
    """Monday of the ISO week that holds ``day``."""
    return day - timedelta(days=day.weekday())


def runs_frame(activities: Sequence[StoredActivity]) -> pd.DataFrame:
    """One row per activity: id, UTC start, local day, ISO week, distance (km), time (h).

    Parameters
    ----------
    activities
        Stored activities (already filtered to running unless the caller wants all).
    """
    rows = [{
        "id": a.id,
        "start_utc": a.start_utc,
        "day": a.local_start.date(),
        "week": week_start(a.local_start.date()),
        "sport": a.sport,
        "distance_km": (a.distance_m or 0.0) / 1000.0,
        "has_distance": a.distance_m is not None,
        "time_h": a.duration_s / 3600.0,
        "rpe": a.rpe,
    } for a in activities]
    columns = ["id", "start_utc", "day", "week", "sport", "distance_km", "has_distance",
               "time_h", "rpe"]
    return pd.DataFrame(rows, columns=columns)


def weekly_totals(runs: pd.DataFrame, last_week: date, n_weeks: int = 8) -> pd.DataFrame:
    """Weekly distance and time for the ``n_weeks`` ISO weeks ending with ``last_week``.

    Parameters
    ----------
    runs
        From :func:`runs_frame`.
    last_week
        Any day of the last week shown.
    n_weeks
        Number of weeks.

    Returns
    -------
    pandas.DataFrame
        Indexed by the week's Monday: ``runs``, ``distance_km``, ``time_h``,
        ``longest_km``, ``distance_change_pct`` and ``time_change_pct`` (vs the week
        before; NaN when that week had none), ``ten_pct_broken`` (either change above
        ``load.weekly.ten_percent_rule``).
    """
    end = week_start(last_week)
    weeks = [end - timedelta(weeks=k) for k in range(n_weeks, -1, -1)]  # one extra before
    grouped = runs.groupby("week")
    table = pd.DataFrame(index=pd.Index(weeks, name="week"))
    table["runs"] = grouped.size().reindex(weeks).fillna(0).astype(int)
    table["distance_km"] = grouped["distance_km"].sum().reindex(weeks).fillna(0.0)
    table["time_h"] = grouped["time_h"].sum().reindex(weeks).fillna(0.0)
    table["longest_km"] = grouped["distance_km"].max().reindex(weeks).fillna(0.0)
    for column, out in (("distance_km", "distance_change_pct"), ("time_h", "time_change_pct")):
        previous = table[column].shift(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            table[out] = np.where(previous > 0, (table[column] / previous - 1.0) * 100.0,
                                  np.nan)
    limit = threshold("load.weekly.ten_percent_rule")
    table["ten_pct_broken"] = (table["distance_change_pct"] > limit) | (
        table["time_change_pct"] > limit)
    return table.iloc[1:]


@dataclass
class Spike:
    """A run's distance against the longest run of the previous 30 days (Frandsen 2025)."""

    activity_id: int
    start_utc: datetime
    distance_km: float
    longest_previous_km: float | None
    spike_pct: float | None
    band: str
    hazard_ratio: float | None


def spike_band(spike_pct: float | None) -> tuple[str, float | None]:
    """Frandsen 2025 band of a spike and its hazard ratio.

    Bands (Frandsen 2025, Br J Sports Med 59:1203, 5,205 runners): <= 10 % reference;
    > 10-30 % HR 1.64; > 30-100 % HR 1.52; > 100 % HR 2.28.

    Parameters
    ----------
    spike_pct
        ``(d / max previous - 1) x 100``; ``None`` when there is no previous run.
    """
    if spike_pct is None:
        return "no run in the previous 30 days", None
    lows = [threshold(f"load.spike.band{k}_lower") for k in (1, 2, 3)]
    if spike_pct <= lows[0]:
        return f"<= {lows[0]:.0f} % (reference)", 1.0
    for k in (3, 2, 1):
        if spike_pct > lows[k - 1]:
            upper = f"-{lows[k]:.0f}" if k < 3 else ""
            return f"> {lows[k - 1]:.0f}{upper} %", threshold(f"load.spike.band{k}_hazard_ratio")
    raise AssertionError("unreachable")


def spikes(runs: pd.DataFrame) -> list[Spike]:
    """Spike of every run with a distance: ``d / max(d in the previous 30 days) - 1``.

    Frandsen 2025 (Br J Sports Med 59:1203, doi:10.1136/bjsports-2024-109380): the
    previous 30 days are the 30 x 24 h before the run's start; runs without a distance
    are skipped.

    Parameters
    ----------
    runs
        From :func:`runs_frame`, running activities only.
    """
    window = timedelta(days=threshold("load.spike.window_days"))
    ordered = runs[runs["has_distance"]].sort_values("start_utc")
    starts = list(ordered["start_utc"])
    distances = ordered["distance_km"].to_numpy()
    out = []
    for i, (start, run_id) in enumerate(zip(starts, ordered["id"], strict=True)):
        previous = [distances[j] for j in range(i) if start - window <= starts[j] < start]
        longest = max(previous) if previous else None
        pct = (distances[i] / longest - 1.0) * 100.0 if longest else None
        band, ratio = spike_band(pct)
        out.append(Spike(int(run_id), start, float(distances[i]), longest, pct, band, ratio))
    return out


def daily_series(runs: pd.DataFrame, column: str, first: date, last: date) -> pd.Series:
    """Daily sums of ``column`` from ``first`` to ``last`` inclusive, rest days as 0."""
    days = pd.date_range(first, last, freq="D").date
    return runs.groupby("day")[column].sum().reindex(days).fillna(0.0)


@dataclass
class Acwr:
    """Acute:chronic workload ratio (Gabbett 2016), contested."""

    acute: float
    chronic: float
    ratio: float | None
    zone: str


def acwr(runs: pd.DataFrame, on: date, column: str = "distance_km") -> Acwr | None:
    """Acute:chronic workload ratio on a day (coupled rolling-average form).

    Acute = sum over the 7 days ending ``on``; chronic = mean of the 4 weekly sums over
    the 28 days ending ``on`` (Gabbett 2016, Br J Sports Med 50:273). Contested: the
    acute week is inside the chronic average (mathematical coupling, Lolli 2019), random
    chronic loads predict as well (Impellizzeri 2021), and Frandsen 2025 found no useful
    dose-response in runners.

    Parameters
    ----------
    runs
        From :func:`runs_frame`.
    on
        Last day of the window.
    column
        ``"distance_km"`` or ``"time_h"``.

    Returns
    -------
    Acwr or None
        ``None`` when the log does not cover the 28 days yet.
    """
    weeks = int(threshold("load.acwr.chronic_weeks"))
    first = on - timedelta(days=7 * weeks - 1)
    if runs.empty or runs["day"].min() > first:
        return None
    daily = daily_series(runs, column, first, on).to_numpy()
    acute = float(daily[-7:].sum())
    chronic = float(daily.reshape(weeks, 7).sum(axis=1).mean())
    if chronic <= 0:
        return Acwr(acute, chronic, None, "no chronic load")
    ratio = acute / chronic
    return Acwr(acute, chronic, ratio, acwr_zone(ratio))


def acwr_zone(ratio: float) -> str:
    """Gabbett 2016's names for an ACWR value (thresholds ``load.acwr.*``, contested)."""
    low, high = threshold("load.acwr.sweet_spot_low"), threshold("load.acwr.sweet_spot_high")
    danger = threshold("load.acwr.danger")
    if ratio >= danger:
        return f">= {danger:g} 'danger zone' (Gabbett 2016)"
    if ratio > high:
        return f"{high:g}-{danger:g} above the 'sweet spot'"
    if ratio >= low:
        return f"{low:g}-{high:g} 'sweet spot'"
    return f"< {low:g} below the 'sweet spot'"


@dataclass
class Foster:
    """Foster's weekly load, monotony and strain over 7 days."""

    weekly_load: float
    monotony: float | None
    strain: float | None
    unit: str


def foster(runs: pd.DataFrame, on: date) -> Foster:
    """Monotony and strain over the 7 days ending ``on`` (Foster 1998, MSSE 30:1164).

    Session load = RPE (CR-10) x minutes when every session in the window has an RPE,
    otherwise minutes alone (watch files carry no RPE). Monotony = mean daily load / SD of
    daily load (rest days count as 0; sample SD); strain = weekly load x monotony.

    Parameters
    ----------
    runs
        From :func:`runs_frame`.
    on
        Last day of the 7-day window.
    """
    first = on - timedelta(days=6)
    window = runs[(runs["day"] >= first) & (runs["day"] <= on)].copy()
    with_rpe = not window.empty and window["rpe"].notna().all()
    window["load"] = window["time_h"] * 60.0 * (window["rpe"].astype(float) if with_rpe else 1.0)
    unit = "RPE x min" if with_rpe else "min"
    daily = daily_series(window, "load", first, on).to_numpy()
    weekly = float(daily.sum())
    sd = float(daily.std(ddof=1))
    if sd == 0.0:
        return Foster(weekly, None, None, unit)
    monotony = float(daily.mean()) / sd
    return Foster(weekly, monotony, weekly * monotony, unit)


def citation(key: str) -> str:
    """Source text of a threshold, for the status display."""
    return load_thresholds()[key].source
