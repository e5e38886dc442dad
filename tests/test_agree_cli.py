"""``stridelab agree`` on the shared run recorded by a chest strap and a foot pod at once."""

from __future__ import annotations

import json
import subprocess
import sys

SHARED_RUN = "dynamics/hrm_pro_and_stryd/V01_course_run_2023_03_08_processed.csv"


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_agree_on_the_shared_run(shared_file, tmp_path):
    res = run_cli("agree", shared_file(SHARED_RUN), "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "out" / "agreement.json").read_text("utf-8"))
    assert doc["devices"] == ["hrm", "stryd"]
    assert set(doc["channels"]) == {"contact_time_ms", "vertical_oscillation_cm", "cadence_spm"}
    vo = doc["channels"]["vertical_oscillation_cm"]
    assert 2.0 < vo["bias"] < 4.0 and vo["lower"] < vo["bias"] < vo["upper"]
    ct = doc["channels"]["contact_time_ms"]
    assert ct["lower_ci"][0] < ct["lower"] < ct["lower_ci"][1] and ct["n_eff"] < ct["n"]
    html = (tmp_path / "out" / "agreement.html").read_text("utf-8")
    assert html.count("<svg") == 3
    assert "reads vertical oscillation 3.0 cm higher than the foot pod" in res.stdout
    assert "limits" in res.stdout


def test_agree_refuses_a_file_with_one_device_in_one_line(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("elapsed_seconds,hrm_stance_time,hrm_cadence\n0,250,82\n1,251,82\n")
    res = run_cli("agree", path, "--out", tmp_path / "out")
    assert res.returncode == 2
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "one.csv" in lines[0] and "two devices" in lines[0]
    assert "Traceback" not in res.stderr
