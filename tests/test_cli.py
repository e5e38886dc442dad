"""The command line, run as a user runs it (a subprocess of the installed entry point)."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_commands(shared_file):
    res = run_cli("--help")
    assert res.returncode == 0
    assert "analyze" in res.stdout


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
