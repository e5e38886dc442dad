"""``stridelab balance``: measure, ybalance, history, and the store (issue 14, parts 1, 3, 5).

The command is mounted here the way ``stridelab/cli/main.py`` mounts it
(``app.add_typer(balance_app, name="balance")``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from balance_signals import write_plate_csv, write_two_plates
from typer.testing import CliRunner

from stridelab.assess.model import read_findings_document
from stridelab.balance.plots import figures_from_folder
from stridelab.cli.balance_cmd import app as balance_app
from stridelab.cli.options import Group
from stridelab.errors import InputFileError
from stridelab.store.balance import BalanceLog

root = typer.Typer(cls=Group, add_completion=False)
root.add_typer(balance_app, name="balance")


@root.callback()
def _root() -> None:
    """Test root."""


def run(*args: str):
    return CliRunner().invoke(root, ["balance", *args], catch_exceptions=True,
                              env={"COLUMNS": "200"})


@pytest.fixture
def trials(tmp_path):
    fs = 100.0
    t = np.arange(3000) / fs
    paths = []
    for i, amp in enumerate((0.003, 0.0032, 0.005, 0.0052)):
        ap = amp * np.sin(2 * np.pi * 0.3 * t + i)
        ml = 0.5 * amp * np.cos(2 * np.pi * 0.2 * t)
        paths.append(write_plate_csv(tmp_path / f"trial{i}.csv", ap, ml, np.full_like(t, 700.0),
                                     fs))
    return paths


def test_measure_writes_summary_findings_and_figures(tmp_path, trials):
    out, db = tmp_path / "out", tmp_path / "log.sqlite"
    res = run(*map(str, trials), "--eyes", "open,open,closed,closed", "--out", str(out),
              "--db", str(db), "--date", "2026-01-05")
    assert res.exit_code == 0, res.output
    assert "Romberg quotient" in res.output and "stored as balance session" in res.output
    doc = json.loads((out / "balance.json").read_text())
    assert doc["schema"] == "stridelab.balance/1" and len(doc["trials"]) == 4
    assert set(doc["conditions"]) == {"double, eyes open", "double, eyes closed"}
    assert doc["romberg_quotient"]["double"]["rms_ap_mm"] == pytest.approx(
        (0.005 + 0.0052) / (0.003 + 0.0032), rel=0.01)
    assert "prediction ellipse" in doc["methods"]["ellipse"]
    findings, notes = read_findings_document(out / "findings.json")
    assert findings == [] and notes["not_assessed"]
    figures = figures_from_folder(out)
    assert [c for c, _ in figures] == ["double, eyes open", "double, eyes closed"]
    assert all(svg.startswith("<svg") and "Statokinesigram" in svg for _, svg in figures)
    assert (out / "balance_double_eyes_open.svg").is_file()


def test_the_first_argument_may_be_an_option(tmp_path, trials):
    res = run("--eyes", "closed", str(trials[0]), "--out", str(tmp_path / "o"), "--no-store")
    assert res.exit_code == 0, res.output
    assert "balance_double_eyes_closed.svg" in res.output


def test_history_shows_the_trend_and_judges_the_retest(tmp_path, trials, db):
    for day, pair in (("2026-01-05", trials[2:]), ("2026-02-09", trials[:2])):
        assert run(*map(str, pair), "--out", str(tmp_path / day), "--db", str(db),
                   "--date", day).exit_code == 0
    res = run("history", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "2026-01-05" in res.output and "2026-02-09" in res.output
    assert "35 days apart" in res.output and "sooner" not in res.output
    assert "rms_ap_mm" in res.output and "better" in res.output  # 5 mm -> 3 mm, 2 trials each
    assert "Weir 2005" in res.output and "Pagnacco" in res.output


def test_a_single_trial_per_session_cannot_be_judged(tmp_path, trials):
    db = tmp_path / "log.sqlite"
    for day, path in (("2026-01-05", trials[2]), ("2026-01-19", trials[0])):
        run(str(path), "--out", str(tmp_path / day), "--db", str(db), "--date", day)
    res = run("history", "--db", str(db))
    assert "unknown error" in res.output and "2 or more trials" in res.output
    assert "sooner than the 4 weeks" in res.output


def test_ybalance_from_the_command_line(tmp_path, db):
    out = tmp_path / "yb"
    res = run("ybalance", "--left", "62,100,96", "--right", "56,99,95", "--limb-length-cm",
              "90", "--out", str(out), "--db", str(db), "--date", "2026-01-05")
    assert res.exit_code == 0, res.output
    assert "composite 95.6 %" in res.output  # (62 + 100 + 96) / 270
    findings, _ = read_findings_document(out / "findings.json")
    asym = next(f for f in findings if f.key == "ybalance_anterior_asymmetry")
    assert asym.value == pytest.approx(6.0) and asym.band == "asymmetric" and asym.side == "R"
    run("ybalance", "--left", "63,101,97", "--right", "62,100,96", "--limb-length-cm", "90",
        "--db", str(db), "--date", "2026-02-05")
    res = run("history", "--db", str(db), "--kind", "ybalance")
    assert "anterior_asymmetry_cm" in res.output and "within measurement error" in res.output
    assert "Shaffer" in res.output


def test_ybalance_from_a_csv(tmp_path):
    path = tmp_path / "yb.csv"
    path.write_text("side,A,PM,PL,LL\nL,60,100,95,90\nL,61,99,94,90\nR,60,100,95,90\n")
    res = run("ybalance", "--csv", str(path), "--no-store")
    assert res.exit_code == 0, res.output
    assert "L: anterior 61 cm" in res.output


@pytest.mark.parametrize("args, words", [
    (["ybalance", "--left", "62,100"], "three reaches"),
    (["ybalance", "--left", "62,100,96"], "no limb length"),
    (["ybalance"], "give the reaches"),
])
def test_bad_ybalance_input_is_one_line(args, words):
    res = run(*args, "--no-store")
    assert res.exit_code != 0 and words in str(res.exception)
    assert "\n" not in str(res.exception)


def test_bad_plate_input_is_one_line_naming_the_file(tmp_path):
    n = 3000
    fz = np.full(n, 700.0)
    fz[2000:] = 3.0
    t = np.arange(n) / 100.0
    path = write_plate_csv(tmp_path / "off.csv", 0.003 * np.sin(t), 0.002 * np.cos(t), fz, 100)
    res = run(str(path), "--no-store", "--out", str(tmp_path / "o"))
    assert isinstance(res.exception, InputFileError)
    assert str(path) in str(res.exception) and "steps off the plate at 20.00 s" in str(
        res.exception)


def test_two_plate_sessions_are_stored_with_their_findings(tmp_path):
    n = 2000
    t = np.arange(n) / 100.0
    sway = 0.003 * np.sin(2 * np.pi * 0.3 * t)
    path = write_two_plates(tmp_path / "two.txt", np.full(n, 450.0), np.full(n, 250.0),
                            0.2 + sway, 0.2 + sway, 100.0)
    db = tmp_path / "log.sqlite"
    assert run(str(path), "--db", str(db), "--out", str(tmp_path / "o")).exit_code == 0
    with BalanceLog(db) as log:
        (record,) = log.sessions()
    assert record.kind == "posturography" and record.condition == "double, eyes open"
    assert record.measures["load_symmetry_index_pct"] == pytest.approx(-57.14, abs=0.01)
    assert [f["key"] for f in record.findings] == ["load_asymmetry"]
    assert record.sources == ["two.txt"]
