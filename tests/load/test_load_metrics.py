import csv
from datetime import date, datetime, timedelta, timezone
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from stridelab.load import metrics
from stridelab.thresholds import EVIDENCE_GRADES, load_thresholds


def _runs(entries):
    """entries: (date, km, minutes)."""
    rows = [{"id": i + 1, "start_utc": datetime(d.year, d.month, d.day, 7, tzinfo=timezone.utc),
             "day": d, "week": metrics.week_start(d), "sport": "running", "distance_km": km,
             "has_distance": True, "time_h": minutes / 60.0, "rpe": None}
            for i, (d, km, minutes) in enumerate(entries)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("pct", "ratio"), [
    (-20.0, 1.0), (10.0, 1.0), (10.5, 1.64), (30.0, 1.64), (30.5, 1.52), (100.0, 1.52),
    (100.5, 2.28), (None, None)])
def test_frandsen_bands(pct, ratio):
    assert metrics.spike_band(pct)[1] == ratio


def test_spike_is_against_the_longest_run_of_the_previous_30_days():
    d0 = date(2026, 1, 5)
    runs = _runs([(d0, 10.0, 60), (d0 + timedelta(days=10), 5.0, 30),
                  (d0 + timedelta(days=20), 12.0, 70), (d0 + timedelta(days=52), 8.0, 45)])
    spikes = metrics.spikes(runs)
    assert spikes[0].spike_pct is None  # nothing before
    assert spikes[1].spike_pct == pytest.approx(-50.0)
    assert spikes[2].spike_pct == pytest.approx(20.0) and spikes[2].hazard_ratio == 1.64
    assert spikes[3].longest_previous_km is None  # 32 days after the last run


def test_weekly_totals_and_the_ten_percent_rule():
    monday = date(2026, 2, 2)
    runs = _runs([(monday, 20.0, 120), (monday + timedelta(days=7), 23.0, 130),
                  (monday + timedelta(days=14), 24.0, 200)])
    weekly = metrics.weekly_totals(runs, monday + timedelta(days=16), n_weeks=3)
    assert list(weekly.index) == [monday + timedelta(days=7 * k) for k in range(3)]
    assert weekly["distance_change_pct"].iloc[1] == pytest.approx(15.0)
    assert bool(weekly["ten_pct_broken"].iloc[1])
    assert weekly["distance_change_pct"].iloc[2] == pytest.approx(100 / 23, rel=1e-6)
    assert bool(weekly["ten_pct_broken"].iloc[2])  # time rose 54 %
    assert np.isnan(weekly["distance_change_pct"].iloc[0])  # nothing the week before


def test_acwr_coupled_rolling_average():
    start = date(2026, 1, 5)
    steady = _runs([(start + timedelta(days=k), 5.0, 30) for k in range(28)])
    value = metrics.acwr(steady, start + timedelta(days=27))
    assert value.ratio == pytest.approx(1.0) and "sweet spot" in value.zone
    assert metrics.acwr(steady, start + timedelta(days=20)) is None  # < 4 weeks of history
    jump = _runs([(start + timedelta(days=k), 5.0 if k < 21 else 15.0, 30) for k in range(28)])
    value = metrics.acwr(jump, start + timedelta(days=27))
    assert value.ratio == pytest.approx(105 / ((35 * 3 + 105) / 4))
    assert "danger" in value.zone


def test_foster_monotony_and_strain():
    start = date(2026, 1, 5)
    runs = _runs([(start + timedelta(days=k), 5.0, 60) for k in (0, 2, 4, 6)])
    result = metrics.foster(runs, start + timedelta(days=6))
    daily = np.array([60, 0, 60, 0, 60, 0, 60], dtype=float)
    assert result.unit == "min"
    assert result.weekly_load == 240
    assert result.monotony == pytest.approx(daily.mean() / daily.std(ddof=1))
    assert result.strain == pytest.approx(240 * result.monotony)
    runs["rpe"] = 5.0
    assert metrics.foster(runs, start + timedelta(days=6)).weekly_load == 1200


def test_every_load_threshold_is_cited_and_graded():
    table = {k: v for k, v in load_thresholds().items() if k.startswith("load.")}
    for key in ("load.weekly.ten_percent_rule", "load.spike.band1_lower",
                "load.spike.band3_hazard_ratio", "load.acwr.danger",
                "load.weekly.nielsen_progression"):
        assert key in table
    assert all(row.source and row.evidence in EVIDENCE_GRADES for row in table.values())
    assert "Buist 2008" in table["load.weekly.ten_percent_rule"].source
    assert all(table[k].evidence == "contested" for k in table if k.startswith("load.acwr"))
    assert "Frandsen 2025" in table["load.spike.band2_hazard_ratio"].source
    text = resources.files("stridelab.data").joinpath("thresholds.csv").read_text("utf-8")
    load_rows = [r for r in csv.DictReader(text.splitlines()) if r["key"].startswith("load.")]
    assert not any("causes injur" in (r["description"] + r["source"]).lower() for r in load_rows)


def test_elevation_gain_ignores_noise_below_the_hysteresis():
    from stridelab.load.totals import elevation_gain_m

    noise = 100 + np.tile([0.0, 2.0], 50)  # 2 m jitter: below the 3 m band
    assert elevation_gain_m(noise) == 0.0
    climb = np.concatenate([noise, np.linspace(100, 150, 51), 150 + np.tile([0.0, 2.0], 10)])
    assert elevation_gain_m(climb) == pytest.approx(50.0, abs=3.0)
