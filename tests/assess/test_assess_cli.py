"""``stridelab assess`` run as a user runs it: a subprocess of ``python -m stridelab``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from stridelab.assess.model import FINDINGS_SCHEMA, Finding
from stridelab.assess.sources import load_input
from stridelab.errors import InputFileError


def run_cli(*args, cwd=None, columns=160):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "COLUMNS": str(columns)})


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """`stridelab example` + `stridelab analyze`, as in the README."""
    work = tmp_path_factory.mktemp("assess_cli")
    for args in (("example", "example.trc", "--duration", "8"),
                 ("analyze", "example.trc", "--out", "results", "-q")):
        res = run_cli(*args, cwd=work)
        assert res.returncode == 0, res.stderr
    return work / "results"


def test_assess_results_folder(results):
    res = run_cli("assess", results)
    assert res.returncode == 0, res.stderr
    assert "Cadence" in res.stdout and "what it means" in res.stdout
    doc = json.loads((results / "findings.json").read_text())
    assert doc["schema"] == FINDINGS_SCHEMA
    findings = [Finding.from_dict(d) for d in doc["findings"]]
    summary = json.loads((results / "summary.json").read_text())
    by_key = {f.key: f for f in findings}
    assert by_key["cadence"].value == pytest.approx(summary["metrics"]["cadence_spm"]["mean"],
                                                    abs=1e-3)
    assert {"cadence", "contact_time", "duty_factor", "flight_time",
            "asymmetry_contact_time"} <= set(by_key)
    assert all(f.source and f.evidence for f in findings)


def test_assess_summary_file_to_chosen_json(results, tmp_path):
    out = tmp_path / "sub" / "mine.json"
    res = run_cli("assess", results / "summary.json", "--json", out, "-q")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    assert json.loads(out.read_text())["findings"]


def test_narrow_terminal_lists_meanings_below_the_table(results, tmp_path):
    res = run_cli("assess", results, "--json", tmp_path / "f.json", columns=80)
    assert res.returncode == 0, res.stderr
    assert "What it means" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


def test_assess_watch_file(shared_file, tmp_path):
    fit = shared_file("activities/activity-small-fenix2-run.fit")
    res = run_cli("assess", fit, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Not measurable from this input" in res.stdout
    doc = json.loads((tmp_path / "activity-small-fenix2-run.findings.json").read_text())
    assert "pelvic_drop_deg" in doc["not_measurable"]
    assert not any(f["metric"] == "pelvic_drop_deg" for f in doc["findings"])


@pytest.mark.parametrize("name,content,expect", [
    ("missing.json", None, "no such file"),
    ("summary.json", "{not json", "not JSON"),
    ("summary.json", "[1, 2]", "expected a JSON object"),
    ("summary.json", '{"schema": "stridelab.summary/1", "activity": "running"}', "metrics"),
    ("summary.json", '{"schema": "other/2", "metrics": {"cadence_spm": {"mean": 170}}}',
     "schema"),
    ("summary.json", '{"schema": "stridelab.summary/1", "metrics": {}}', "nothing to assess"),
    ("trial.c3d", "x", "expected a results folder"),
])
def test_bad_input_messages(tmp_path, name, content, expect):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputFileError, match=expect) as info:
        load_input(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("content,expect", [
    (None, "no such file"),
    ('{"schema": "stridelab.summary/1"}', "no 'metrics' block"),
])
def test_bad_input_is_a_one_line_error(tmp_path, content, expect):
    path = tmp_path / "summary.json"
    if content is not None:
        path.write_text(content)
    res = run_cli("assess", path)
    assert res.returncode == 2
    assert expect in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (tmp_path / "findings.json").exists()


def test_folder_without_summary(tmp_path):
    with pytest.raises(InputFileError, match="no summary.json"):
        load_input(tmp_path)
