"""`stridelab plan` and `stridelab strength` run as a user runs them (subprocesses, real SQLite)."""

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import text
from typer.testing import CliRunner

from stridelab.cli.workout_cmd import app as workout_app
from stridelab.errors import InputFileError, StridelabError
from stridelab.program.findings_files import read_results
from stridelab.program.library import load_library
from stridelab.store import migrations
from stridelab.store.workouts import WorkoutLog


def run_cli(*args, env_db=None):
    env = {**os.environ, "COLUMNS": "200"}
    if env_db is not None:
        env["STRIDELAB_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def results(tmp_path, findings):
    folder = tmp_path / "results"
    folder.mkdir()
    doc = {"schema": "stridelab.findings/1", "findings": [f.to_dict() for f in findings]}
    (folder / "findings.json").write_text(json.dumps(doc))
    return folder


def test_plan_writes_program_and_a_calendar_that_parses_back(results, tmp_path):
    res = run_cli("plan", results, "--weeks", 6, "--start", "2026-12-01", "--days", "tue,fri",
                  "--ics", "--time", "07:15")
    assert res.returncode == 0, res.stderr
    assert "Contralateral pelvic drop" in res.stdout and "Week by week" in res.stdout
    program = json.loads((results / "program.json").read_text())
    assert program["schema"] == "stridelab.program/1"
    assert program["config"]["sessions_per_week"] == 2 and len(program["weeks"]) == 6
    cal = Calendar.from_ical((results / "program.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 6 * 2
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[0] == datetime(2026, 12, 1, 7, 15)
    assert starts[1] == datetime(2026, 12, 4, 7, 15)
    assert starts[-1].date() == date(2026, 12, 1) + timedelta(weeks=5, days=3)
    assert len({str(e["uid"]) for e in events}) == len(events)
    first = min(events, key=lambda e: e.decoded("dtstart"))
    session = program["weeks"][0]["sessions"][0]
    assert first.decoded("duration") == timedelta(minutes=session["duration_min"])
    names = [it["name"] for b in session["blocks"] for it in b["items"]]
    assert all(n in str(first["description"]) for n in names)


def test_plan_in_season_with_questionnaire_and_bare_list(tmp_path, findings):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "findings.json").write_text(json.dumps([f.to_dict() for f in findings]))
    q = tmp_path / "q.toml"
    q.write_text('season = "in"\nexperience = "advanced"\nequipment = "gym"\n'
                 'avoid = ["knee"]\nweeks = 5\nstart = 2027-03-02\n')
    out = tmp_path / "out"
    res = run_cli("plan", folder, "--questionnaire", q, "--experience", "novice", "--out", out,
                  "--ics")
    assert res.returncode == 0, res.stderr
    program = json.loads((out / "program.json").read_text())
    c = program["config"]
    assert (c["season"], c["experience"], c["equipment"], c["avoid"], c["weeks"]) == (
        "in", "novice", "gym", ["knee"], 5)
    assert all(len(w["sessions"]) == 1 for w in program["weeks"])
    lib = load_library()
    used = {it["exercise_id"] for w in program["weeks"] for s in w["sessions"]
            for b in s["blocks"] for it in b["items"]}
    assert not any("knee" in lib[i].avoid for i in used)
    assert len(list(Calendar.from_ical((out / "program.ics").read_bytes()).walk("VEVENT"))) == 5


def test_plan_input_error_is_one_line(tmp_path):
    res = run_cli("plan", tmp_path / "nowhere")
    assert res.returncode == 2
    assert "no such results folder" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("setup, message", [
    ("empty", "neither findings.json nor summary.json"),
    ("bad_json", "not JSON"),
    ("bad_target", "unknown target"),
    ("bad_severity", "severity"),
    ("not_a_list", "not a findings file"),
])
def test_bad_findings_are_named(tmp_path, setup, message):
    folder = tmp_path / "r"
    folder.mkdir()
    bad = {"key": "x", "metric": "m", "title": "X", "value": 1, "unit": "", "side": None,
           "confidence": 1, "band": "high", "severity": "watch", "source": "s",
           "evidence": "moderate", "explanation": "", "targets": ["core"]}
    text = {"empty": None, "bad_json": "{nope",
            "bad_target": json.dumps([{**bad, "targets": ["biceps"]}]),
            "bad_severity": json.dumps({"findings": [{**bad, "severity": "awful"}]}),
            "not_a_list": json.dumps({"results": []})}[setup]
    if text is not None:
        (folder / "findings.json").write_text(text)
    with pytest.raises(InputFileError, match=message):
        read_results(folder)


def test_plan_assesses_a_summary_only_folder(tmp_path):
    pytest.importorskip("stridelab.assess.engine")
    trc = tmp_path / "example.trc"
    folder = tmp_path / "results"
    assert run_cli("example", trc).returncode == 0
    assert run_cli("analyze", trc, "--out", folder).returncode == 0
    (folder / "findings.json").unlink(missing_ok=True)  # analyze may assess already
    res = run_cli("plan", folder, "--weeks", 2)
    assert res.returncode == 0, res.stderr
    assert "assessed now" in res.stdout
    assert json.loads((folder / "program.json").read_text())["weeks"]


def test_strength_log_round_trip_and_next_prescription(tmp_path, db):
    res = run_cli("strength", "log", "--exercise", "str_back_squat", "--sets", 3,
                  "--reps", "9,9,10", "--load", 60, "--rpe", 8, "--date", "2026-12-01",
                  "--target", 8, "--db", db)
    assert res.returncode == 0, res.stderr
    assert "62.5 kg" in res.stdout and "increase load" in res.stdout
    # the target defaults to the last prescription; the database also comes from STRIDELAB_DB
    res = run_cli("strength", "log", "-e", "str_back_squat", "--sets", 3, "--reps", "8,7,5",
                  "--load", 62.5, "--date", "2026-12-04", env_db=db)
    assert res.returncode == 0, res.stderr
    res = run_cli("strength", "log", "-e", "bal_single_firm_eo", "--sets", 2, "--reps", 30,
                  "--date", "2026-12-04", "--db", db)
    assert res.returncode == 0, res.stderr
    with WorkoutLog(db) as log:
        entries = log.entries()
        assert [e.exercise_id for e in entries] == ["str_back_squat", "str_back_squat",
                                                    "bal_single_firm_eo"]
        assert entries[0].reps == (9, 9, 10) and entries[0].loads_kg == (60, 60, 60)
        assert entries[0].rpe == 8 and entries[0].day == date(2026, 12, 1)
        assert entries[1].target_reps == 8 and entries[1].loads_kg == (62.5,) * 3
        assert entries[2].unit == "s" and entries[2].loads_kg == (None, None)
    with WorkoutLog(db).store.reading() as con:
        assert con.execute(text("SELECT MAX(version) FROM schema_version")).scalar() == \
            migrations.LATEST
        assert con.execute(text("SELECT COUNT(*) FROM workout_set")).scalar() == 8
    res = run_cli("strength", "next", "--db", db)
    assert res.returncode == 0, res.stderr
    assert "reduce load" in res.stdout  # missed by 3 at 62.5 kg
    assert "harder variant" in res.stdout
    listed = run_cli("strength", "list", "--db", db)
    assert listed.returncode == 0 and "bal_single_firm_eo" in listed.stdout


def test_strength_log_error_is_one_line(tmp_path):
    res = run_cli("strength", "log", "-e", "str_back_squatt", "--sets", 3, "--reps", 8,
                  "--db", tmp_path / "log.sqlite")
    assert res.returncode == 2
    assert "did you mean str_back_squat" in res.stderr and "Traceback" not in res.stderr


def test_earlier_names_still_log_workouts(tmp_path):
    """`stridelab log workout` and `stridelab strength workout`: hidden, still working."""
    db = tmp_path / "log.sqlite"
    for command in (["log", "workout"], ["strength", "workout"]):
        res = run_cli(*command, "-e", "str_back_squat", "--sets", 2, "--reps", 8, "--load", 40,
                      "--db", db)
        assert res.returncode == 0, res.stderr
        assert "next:" in res.stdout
    res = run_cli("log", "list", "--db", db)
    assert res.returncode == 0 and res.stdout.count("str_back_squat") == 2
    shown = run_cli("strength", "--help")
    assert "│ log " in shown.stdout and "│ workout" not in shown.stdout  # command rows


@pytest.mark.parametrize("args, message", [
    (["-e", "str_back_squat", "--sets", 3, "--reps", "8,8"], "3 sets but 2"),
    (["-e", "str_back_squat", "--sets", 2, "--reps", "8", "--load", "x"], "numbers"),
    (["-e", "str_back_squat", "--sets", 2, "--reps", "8", "--load", "-5"], "negative"),
])
def test_strength_log_bad_values(tmp_path, args, message):
    result = CliRunner().invoke(workout_app, ["log", *map(str, args),
                                              "--db", str(tmp_path / "log.sqlite")])
    assert isinstance(result.exception, StridelabError)
    assert message in str(result.exception)
