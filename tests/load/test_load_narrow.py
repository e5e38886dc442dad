"""The training log and the findings in a terminal 80 columns wide (issue 13, point 8).

Short cells (dates, numbers, sports) never wrap, every date carries its year in one format
(YYYY-MM-DD), the database path is never broken, a severity is written in words, not only
in colour, and an empty week is plotted as empty, on an axis from 0.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from stridelab.cli.load_cmd import app
from stridelab.io.activity.synth import encode_run

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"
# a date without its year, as "Wed 26 Dec" or "30 Nov"
YEARLESS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b(?! \d{4})")


def at_80(*args, whole: str = "\0") -> str:
    """The command's output at 80 columns; no line is longer, but the one holding ``whole``
    (a path that is never broken: the terminal wraps it, and copying it keeps it whole)."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if whole not in line]
    assert max(map(len, lines)) <= 80, max(lines, key=len)
    return result.output


@pytest.fixture
def log(tmp_path):
    """A training log of a walk and runs, the first on Wednesday 26 December 2012."""
    db = tmp_path / "training log" / "log.sqlite"
    db.parent.mkdir()
    files = tmp_path / "watch"
    files.mkdir()
    start = datetime(2012, 12, 26, 7, 30, tzinfo=timezone.utc)
    for k, days in enumerate((0, 3, 7, 10)):
        when = start + timedelta(days=days)
        (files / f"morning-run-{when:%Y-%m-%d}.fit").write_bytes(
            encode_run(when, (8 + k) * 1000.0, (8 + k) * 330.0, step_s=60))
    (files / "evening-walk.fit").write_bytes(
        encode_run(start + timedelta(hours=10), 3000.0, 2400.0, sport="walking", step_s=60))
    return db, files


def test_import_names_the_database_on_one_line(log):
    db, files = log
    assert len(str(db)) > 30  # wider than the table of results
    out = at_80("import", files, "--db", db, whole=str(db))
    assert any(str(db) in line for line in out.splitlines()), out


def test_list_keeps_every_short_cell_whole(log):
    db, files = log
    at_80("import", files, "--db", db, whole=str(db))
    out = at_80("list", "--db", db)
    rows = [line for line in out.splitlines() if re.match(r"\s*\d+ ", line)]
    assert len(rows) == 5, out
    for row in rows:
        assert re.search(r"\b20(12|13)-\d\d-\d\d \d\d:\d\d\b", row), row
        assert re.search(r"\b(running|walking)\b", row), row
        assert re.search(r"\b\d+\.\d\d\b", row), row  # km
        assert re.search(r"\b\d+:\d\d:\d\d\b", row), row  # moving time
    assert "not in running load" in " ".join(out.split())


def test_status_dates_have_their_year_in_one_format(log, tmp_path):
    db, files = log
    at_80("import", files, "--db", db, whole=str(db))
    out = at_80("status", "--db", db, "--week-of", "2013-01-02", "--plot", tmp_path / "p.png",
                whole=str(tmp_path))
    assert not YEARLESS.search(out), YEARLESS.search(out).group(0)
    assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d", out)
    assert "Week of 2012-12-31" in out  # the week shown, from its Monday
    assert "2013-01-02" in out and "2013-01-05" in out  # its runs, with their year
    assert "2012-12-24" in out  # the week of the first run, in the trend
    trend = out[out.index("Trend"):].splitlines()[1:]
    weeks = [line for line in trend if re.match(r"\s*\d{4}-\d\d-\d\d\s", line)]
    assert len(weeks) == 8, trend  # one line a week: no cell wrapped


def test_an_empty_week_is_plotted_empty_from_zero():
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    from stridelab.load.plot import draw_weekly

    mondays = pd.date_range("2026-10-12", periods=4, freq="7D").date
    weekly = pd.DataFrame({"distance_km": [0.0, 12.0, 0.0, 0.0],
                           "ten_pct_broken": [False] * 4}, index=mondays)
    for frame in (weekly, weekly.assign(distance_km=0.0)):
        ax = Figure().subplots()
        draw_weekly(ax, frame)
        low, high = ax.get_ylim()
        assert low == 0 and high >= 1
        empty = int((frame["distance_km"] == 0).sum())
        assert sum(t.get_text() == "no runs" for t in ax.texts) == empty
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels == [f"{d:%Y-%m-%d}" for d in mondays]


def test_assess_says_the_severity_in_words():
    from stridelab.assess.model import Finding
    from stridelab.cli.assess_cmd import print_findings

    doc = json.loads((SNAPSHOTS / "fenix2_assess" / "findings.json").read_text())
    findings = [Finding.from_dict(f) for f in doc["findings"]]
    assert {f.severity for f in findings} >= {"ok", "watch"}
    console = Console(width=80, color_system=None, record=True)
    print_findings(console, findings, "Findings")
    text = console.export_text()
    for f in findings:
        assert f"{f.severity}: {f.band}" in " ".join(text.split()), (f.severity, f.band)
