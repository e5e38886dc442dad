import json
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from stridelab.cli.load_cmd import app
from stridelab.io.activity.synth import encode_run, shift_fit

MALFORMED = "strava-android-app-201.10-b1218918.fit"  # both common parsers reject it

runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_import_list_and_summary(activities_dir, db_path, tmp_path):
    out = invoke("import", activities_dir, "--db", db_path)
    assert "imported" in out and "already present" in out
    assert MALFORMED in out and "corrupt FIT file" in out
    assert "sport 'walking': listed, left out of running load" in out
    listed = invoke("list", "--db", db_path)
    assert "activity-small-fenix2-run.fit" in listed and "not in running load" in listed
    invoke("summary", "3", "--out", tmp_path / "s", "--db", db_path)
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert summary["file"].endswith("garmin-fenix-5-run.fit")
    assert summary["schema"] == "stridelab.summary/1" and summary["kind"] == "watch"
    assert summary["activity"] == "running"
    assert summary["start_time"] == "2017-06-11T07:34:09-07:00"
    assert set(summary["metrics"]) == {"cadence_spm", "contact_time_ms",
                                       "vertical_oscillation_cm", "vertical_ratio_pct",
                                       "step_length_m", "heart_rate_bpm", "pace_s_per_km"}
    for metric in summary["metrics"].values():
        assert set(metric) == {"mean", "sd", "cv_pct", "count", "L", "R", "unit"}
    ct = summary["metrics"]["contact_time_ms"]
    assert ct["L"] > ct["R"]  # balance 52 % left: the left stance is longer
    assert summary["contact_time_balance_left_pct"] == pytest.approx(52.4, abs=0.5)
    assert summary["symmetry_index_pct"]["contact_time_ms"] < 0
    assert 0.5 < summary["metrics"]["step_length_m"]["mean"] < 1.5
    assert 5 < summary["metrics"]["vertical_oscillation_cm"]["mean"] < 12
    again = invoke("import", activities_dir, "--db", db_path)
    assert "│ imported        │     0 │" in again


def test_summary_warns_when_a_run_has_no_running_dynamics(activities_dir, db_path, tmp_path):
    invoke("import", activities_dir / "no_hr.tcx", "--db", db_path)
    invoke("summary", "1", "--out", tmp_path, "--db", db_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert any("no running dynamics" in w for w in summary["warnings"])
    assert "heart_rate_bpm" not in summary["metrics"]


def test_status_shows_the_guards_and_writes_a_plot(db_path, tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    start = datetime(2026, 9, 28, 6, 0, tzinfo=timezone.utc)  # a Monday
    for week in range(6):
        for day, km in ((0, 8 + week), (3, 8 + week), (6, 16 + 2 * week)):
            when = start + timedelta(days=7 * week + day)
            (folder / f"{when:%Y%m%d}.fit").write_bytes(
                encode_run(when, km * 1000.0, km * 330.0, utc_offset_s=7200, step_s=60))
    big = start + timedelta(days=7 * 6)
    (folder / "spike.fit").write_bytes(encode_run(big, 40_000.0, 13_000.0, step_s=60))
    invoke("import", folder, "--db", db_path)
    plot = tmp_path / "status.png"
    out = invoke("status", "--db", db_path, "--week-of", f"{big:%Y-%m-%d}", "--plot", plot)
    assert "Buist 2008" in out and "10 % rule" in out
    assert "Frandsen 2025" in out and "> 30-100 %" in out and "1.52" in out  # 40 vs 26 km
    assert "ACWR" in out and "contested" in out
    assert "monotony" in out and "strain" in out
    assert "Trend" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_status_counts_walks_only_when_asked(activities_dir, db_path, tmp_path):
    walk = activities_dir / "garmin-fenix-5-walk.fit"
    shutil.copy(walk, tmp_path / "walk.fit")
    (tmp_path / "walk2.fit").write_bytes(shift_fit(walk.read_bytes(), -1))
    invoke("import", tmp_path / "walk.fit", tmp_path / "walk2.fit", "--db", db_path)
    out = invoke("status", "--db", db_path, "--plot", tmp_path / "p.png")
    assert "no runs yet" in out
    out = invoke("status", "--db", db_path, "--week-of", "2017-06-10", "--include-non-running",
                 "--plot", tmp_path / "p.png")
    assert "2 activities" in out


def test_a_single_bad_file_is_an_error(activities_dir, db_path, tmp_path):
    from stridelab.errors import InputFileError, StridelabError

    result = runner.invoke(app, ["import", str(activities_dir / MALFORMED), "--db", str(db_path)])
    assert isinstance(result.exception, InputFileError)
    assert "corrupt FIT file" in result.exception.problem
    (tmp_path / "empty.gpx").write_bytes(b"")
    (tmp_path / "empty.tcx").write_bytes(b"")
    result = runner.invoke(app, ["import", str(tmp_path), "--db", str(db_path)])
    assert isinstance(result.exception, StridelabError)
    assert "empty file (0 bytes)" in result.output
