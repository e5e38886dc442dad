"""A watch file reaches a report: ``runs import`` -> ``runs summary`` -> assess -> plan -> report.

The summary of a watch file has no ``strides.csv`` (averages per run, no single strides): the
report leaves out the stride sections and says that they need a video or motion capture.
Runs the installed command line on the shared FIT files, with a temporary training log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from stridelab.errors import InputFileError
from stridelab.report.results_folder import load_results

FENIX2 = "activity-small-fenix2-run.fit"


def run_cli(*args, db, cwd):
    env = {**os.environ, "STRIDELAB_DB": str(db), "COLUMNS": "100"}
    res = subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                         capture_output=True, text=True, timeout=180, env=env, cwd=cwd)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def test_watch_summary_goes_through_assess_plan_and_report(activities_dir, db_path, tmp_path):
    folder = tmp_path / "run"
    run_cli("runs", "import", activities_dir / FENIX2, db=db_path, cwd=tmp_path)
    run_cli("runs", "summary", "1", "--out", folder, db=db_path, cwd=tmp_path)
    run_cli("assess", folder, db=db_path, cwd=tmp_path)
    run_cli("plan", folder, db=db_path, cwd=tmp_path)
    hint = run_cli("runs", "summary", "1", "--out", folder, db=db_path, cwd=tmp_path)
    assert f"`stridelab report {folder}`" in hint
    out = run_cli("report", folder, db=db_path, cwd=tmp_path)
    assert "report.html" in out
    assert not (folder / "strides.csv").exists()
    page = (folder / "report.html").read_text(encoding="utf-8")
    findings = json.loads((folder / "findings.json").read_text())["findings"]
    assert findings
    for finding in findings:
        assert f'data-key="{finding["key"]}"' in page
    assert 'id="program"' in page and "Week 8" in page
    # the stride sections are left out, with what they need
    for section in ("phases", "angles", "symmetry"):
        assert f'id="{section}"' not in page
    assert "need the strides of a video" in page and "motion-capture recording" in page
    assert FENIX2 in page and "2015-08-15 16:45" in page
    assert ">Left</th>" not in page  # no side values in this watch file


def test_a_video_folder_without_strides_is_still_refused(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"kind": "video", "metrics": {}}))
    with pytest.raises(InputFileError, match="strides.csv.*stridelab analyze"):
        load_results(tmp_path)
