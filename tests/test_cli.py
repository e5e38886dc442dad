"""The command line, run as a user runs it (a subprocess of the installed entry point)."""

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone

import pandas as pd
import pytest


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_commands(shared_file):
    res = run_cli("--help")
    assert res.returncode == 0
    assert "analyze" in res.stdout
    rows = [line.strip("│ ").split(" ")[0] for line in res.stdout.splitlines()]
    assert "runs" in rows and "strength" in rows
    assert "load" not in rows and "log" not in rows  # earlier names: hidden aliases


def test_analyze_rbds_writes_strides_and_summary(shared_file, tmp_path):
    res = run_cli("analyze", shared_file("mocap/RBDS001runT35.c3d"), "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Cadence" in res.stdout
    strides = pd.read_csv(tmp_path / "strides.csv")
    for col in ["side", "ic_s", "to_s", "next_ic_s", "contact_time_ms", "flight_time_ms",
                "swing_time_ms", "step_time_ms", "initial_contact_start_s", "initial_contact_pct",
                "midstance_start_s", "takeoff_pct", "initial_swing_pct", "midswing_start_s",
                "terminal_swing_pct"]:
        assert col in strides.columns
    assert strides.ic_s.is_monotonic_increasing
    assert set(strides.side) == {"L", "R"}
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["activity"] == "running"
    for metric in ["cadence_spm", "contact_time_ms", "flight_time_ms", "duty_factor",
                   "step_time_ms"]:
        m = summary["metrics"][metric]
        assert {"mean", "sd", "count", "L", "R"} <= set(m)
    assert "Robinson" in summary["symmetry_index_formula"]


def test_kinematic_events_option(shared_file, tmp_path):
    res = run_cli("analyze", shared_file("mocap/RBDS001runT35.c3d"), "--out", tmp_path,
                  "--events", "kinematic", "-q")
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["source"].startswith("kinematics")


@pytest.mark.parametrize("content,expect", [
    (None, "no such file"),
    (b"hello, this is not motion capture", "not a C3D file"),
])
def test_bad_files_give_one_line_errors(shared_file, tmp_path, content, expect):
    path = tmp_path / "trial.c3d"
    if content is not None:
        path.write_bytes(content)
    res = run_cli("analyze", path, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert expect in res.stderr
    assert str(path.name) in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_unsupported_extension(shared_file, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x")
    res = run_cli("analyze", path)
    assert res.returncode == 2 and "unsupported file type" in res.stderr


def test_standing_trial_is_refused_clearly(shared_file, tmp_path):
    res = run_cli("analyze", shared_file("mocap/RBDS001static.c3d"), "--out", tmp_path)
    assert res.returncode == 2
    assert "RBDS001static.c3d" in res.stderr
    assert "Traceback" not in res.stderr


def test_example_then_analyze_recovers_the_true_events(tmp_path):
    trc = tmp_path / "example.trc"
    res = run_cli("example", trc, "--duration", "8")
    assert res.returncode == 0, res.stderr
    res = run_cli("analyze", trc, "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    truth = pd.read_csv(tmp_path / "example_events.csv")
    strides = pd.read_csv(tmp_path / "out" / "strides.csv")
    assert len(strides) == len(truth)
    assert (strides.side.to_numpy() == truth.side.to_numpy()).all()
    assert (strides.ic_s - truth.ic_s).abs().max() < 1 / 150


def test_trc_without_feet_is_refused_clearly(tmp_path):
    from stridelab.sim import simulate_runner, write_trc

    run = simulate_runner(duration_s=3.0, force_plate=False)
    for side in "LR":
        for m in ("Heel.Bottom", "Heel.Lateral", "Heel.Top", "MT1", "MT5"):
            del run.recording.points[f"{side}.{m}"]
    path = write_trc(run.recording, tmp_path / "nofeet.trc")
    res = run_cli("analyze", path, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert "nofeet.trc" in res.stderr and "foot" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("code, status", [(None, 0), (0, 0), (2, 2), ("stopped", 1)])
def test_exit_status_as_python_gives_it(code, status, capsys):
    from stridelab.__main__ import _exit_code

    assert _exit_code(code) == status
    assert ("stopped" in capsys.readouterr().err) == isinstance(code, str)


def test_output_is_complete_when_piped(tmp_path):
    # the process ends without Python's teardown: what it printed must still all arrive
    res = run_cli("example", tmp_path / "sim.trc", "--duration", "4")
    assert res.returncode == 0 and "sim.trc" in res.stdout.replace("\n", "")
    slow = subprocess.run([sys.executable, "-m", "stridelab", "example", str(tmp_path / "b.trc"),
                           "--duration", "4"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "STRIDELAB_SLOW_EXIT": "1"})
    assert slow.returncode == 0
    assert len(res.stdout.splitlines()) == len(slow.stdout.splitlines())


def _all_commands():
    """Every command path of the app, hidden aliases included, e.g. ('runs', 'import')."""
    import typer

    from stridelab.cli.main import app

    def walk(command, path):
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    return list(walk(typer.main.get_command(app), ()))


COMMANDS = _all_commands()


def test_the_commands_and_their_aliases():
    assert {("runs",), ("strength",), ("load",), ("log",)} <= set(COMMANDS)
    for sub in ("import", "list", "summary", "sport", "rpe", "status"):
        assert ("runs", sub) in COMMANDS and ("load", sub) in COMMANDS
    for sub in ("log", "next", "list", "workout"):
        assert ("strength", sub) in COMMANDS and ("log", sub) in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "stridelab")
def test_help_shows_readable_placeholders(command):
    from typer.testing import CliRunner

    from stridelab.cli.main import app

    res = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "Usage: stridelab" in res.output
    for placeholder in ("<bool>", "{path}", "list[", "{"):
        assert placeholder not in res.output, placeholder
    assert not re.search(r"<(str|int|float|path|datetime|%Y)", res.output), res.output


def test_flags_take_no_value(tmp_path):
    res = run_cli("report", tmp_path, "--pdf", "true")
    assert res.returncode == 2 and "true" in res.stderr  # an unexpected extra argument


def test_runs_and_the_earlier_load_name(tmp_path, db):
    from stridelab.io.activity.synth import encode_run

    run = tmp_path / "morning.fit"
    run.write_bytes(encode_run(datetime(2026, 5, 4, 6, 0, tzinfo=timezone.utc), 8000.0, 2640.0,
                               step_s=60))
    res = run_cli("runs", "import", run, "--db", db)
    assert res.returncode == 0, res.stderr
    assert "imported" in res.stdout
    for group in ("runs", "load"):
        res = run_cli(group, "list", "--db", db)
        assert res.returncode == 0, res.stderr
        assert "Training log (1 activities)" in res.stdout and "running" in res.stdout
    res = run_cli("load", "import", run, "--db", db)
    assert res.returncode == 0 and "already present" in res.stdout


def test_help_does_not_promise_imu_input():
    res = run_cli("--help")
    assert res.returncode == 0
    assert "IMU" not in res.stdout
    assert "video" in res.stdout and "watch files" in res.stdout


def test_unsupported_file_names_everything_analyze_reads(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x")
    res = run_cli("analyze", path, "--out", tmp_path / "out")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    message = res.stderr
    for words in ("unsupported file type .txt", "video", ".mp4", ".mov", "OpenPose",
                  "Sports2D", ".c3d", ".trc"):
        assert words in message, words


@pytest.mark.parametrize("name", ["morning.fit", "route.gpx", "run.tcx"])
def test_a_watch_file_is_pointed_to_assess_and_the_training_log(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"not read: the suffix says what it is")
    res = run_cli("analyze", path, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert f"stridelab assess {path}" in res.stderr
    assert f"stridelab runs import {path}" in res.stderr
    assert not (tmp_path / "out").exists()


def test_a_reused_folder_keeps_no_output_of_an_earlier_run(tmp_path):
    trc, out = tmp_path / "example.trc", tmp_path / "out"
    assert run_cli("example", trc, "--duration", "4").returncode == 0
    out.mkdir()
    stale = {name: out / name for name in ("annotated.mp4", "report.pdf", "program.ics")}
    for path in stale.values():
        path.write_bytes(b"from an earlier run of another clip")
    mine = out / "my notes.txt"
    mine.write_text("the runner's own file")
    (out / "annotated.mp4.bak").write_text("not a name stridelab writes")
    res = run_cli("analyze", trc, "--out", out, "--no-report")
    assert res.returncode == 0, res.stderr
    for path in stale.values():
        assert not path.exists(), path.name
    assert mine.read_text() == "the runner's own file"
    assert (out / "annotated.mp4.bak").exists()
    assert (out / "strides.csv").exists() and (out / "summary.json").exists()
    assert not (out / "report.html").exists()  # --no-report: none is written
    assert "annotated.mp4" in " ".join(res.stdout.split())
    # a second run with the report writes it and keeps what the run wrote
    res = run_cli("analyze", trc, "--out", out)
    assert res.returncode == 0, res.stderr
    assert (out / "report.html").exists() and (out / "findings.json").exists()
    assert "removed" not in res.stdout


def test_remove_stale_touches_only_stridelab_names(tmp_path):
    from stridelab.io.results import remove_stale

    for name in ("summary.json", "annotated.mp4", "other.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "report.html").mkdir()  # not a file: stays
    removed = remove_stale(tmp_path, [tmp_path / "summary.json"])
    assert [p.name for p in removed] == ["annotated.mp4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.csv", "report.html",
                                                          "summary.json"]
