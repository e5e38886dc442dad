"""Exercise ids in every output, and findings answered by exercises that train their targets.

Issue 13, point 2: the ids ``strength log`` needs appeared nowhere; "Easy jog" answered
"deepest knee bend" and the contact-time asymmetry; a plank with leg lift came first for a
quadriceps finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

from stridelab.program.generator import answers_finding, generate_program
from stridelab.program.library import load_library
from stridelab.program.model import GENERAL
from stridelab.program.render import program_html

LIB = load_library()


def _cli(*args, db=None):
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("STRIDELAB_PROGRAM", None)
    if db is not None:
        env["STRIDELAB_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


def _text(res) -> str:
    """The output with the 80-column wrapping undone."""
    return " ".join(res.stdout.split())


def _findings(finding):
    return [finding("knee_flexion_peak_stance", ("quadriceps", "glute_max"), "watch",
                    title="Deepest knee bend"),
            finding("asymmetry_contact_time", ("single_leg_stability", "glute_max",
                                               "calf_achilles"), "watch",
                    title="Contact time asymmetry"),
            finding("knee_flexion_ic", ("quadriceps", "glute_max"), "watch",
                    title="Knee bend at landing")]


def test_warm_ups_answer_no_finding(finding):
    p = generate_program(_findings(finding), equipment="gym", experience="advanced")
    for it in (it for s in p.sessions for it in s.items if it.category == "warm-up"):
        assert it.answers == [GENERAL] and it.why.startswith("Warm-up"), it.exercise_id
    for row in p.findings:
        assert not [i for i in row["answered_by"] if LIB[i].category == "warm-up"]


def test_a_quadriceps_finding_is_answered_first_by_quadriceps_work(finding):
    for experience in ("novice", "intermediate", "advanced"):
        for equipment in ("home", "gym"):
            p = generate_program(_findings(finding), equipment=equipment,
                                 experience=experience)
            rows = {r["key"]: r for r in p.findings}
            for key in ("knee_flexion_peak_stance", "knee_flexion_ic"):
                first = LIB[rows[key]["answered_by"][0]]
                assert first.targets[0] == "quadriceps", (experience, equipment, first.id)
                assert not [i for i in rows[key]["answered_by"]
                            if LIB[i].category == "core"], rows[key]["answered_by"]


def test_the_answer_relation_uses_main_targets():
    plank = LIB["core_plank_leg_lift"]
    assert not answers_finding(plank, ("quadriceps", "glute_max"))
    assert answers_finding(plank, ("core", "glute_max", "hamstrings"))
    assert answers_finding(LIB["str_glute_bridge"], ("quadriceps", "glute_max"))
    assert not answers_finding(LIB["wu_easy_jog"], ("quadriceps", "glute_max"))


def test_every_exercise_id_is_in_the_html(finding):
    p = generate_program(_findings(finding), weeks=3)
    html = program_html(p)
    for it in (it for s in p.sessions for it in s.items):
        assert f'<code class="sl-id">{it.exercise_id}</code>' in html
    assert "stridelab strength log --program" in html


def test_plan_output_shows_ids_and_log_enforces_the_plan(tmp_path, finding):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "findings.json").write_text(json.dumps([f.to_dict() for f in
                                                      _findings(finding)]))
    res = _cli("plan", folder, "--start", "2027-01-04", "--equipment", "home",
               "--single-leg-stance-s", 12)
    assert res.returncode == 0, res.stderr
    program = json.loads((folder / "program.json").read_text())
    assert program["config"]["single_leg_stance_s"] == 12
    week1 = {it["exercise_id"] for s in program["weeks"][0]["sessions"] for b in s["blocks"]
             for it in b["items"]}
    for exercise_id in week1:
        assert exercise_id in res.stdout, exercise_id
    assert f"--program {folder / 'program.json'}" in _text(res)
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    # a loaded exercise of week 1 (novice: 2 x 12): 12 on every set holds the load
    item = next(it for s in program["weeks"][0]["sessions"] for b in s["blocks"]
                for it in b["items"] if LIB[it["exercise_id"]].external_load
                and it["unit"] == "reps" and LIB[it["exercise_id"]].needs & {"dumbbell"})
    assert (item["sets"], item["reps"]) == (2, 12)
    db = tmp_path / "log.sqlite"
    res = _cli("strength", "log", "--program", folder, "-e", item["exercise_id"], "--sets", 2,
               "--reps", 12, "--load", 16, "--date", "2027-01-04", db=db)
    assert res.returncode == 0, res.stderr
    assert "target 12 (the plan's target" in _text(res) and "(hold)" in res.stdout
    res = _cli("strength", "log", "--program", folder, "-e", item["exercise_id"], "--sets", 2,
               "--reps", 13, "--load", 40, "--date", "2027-01-07", db=db)
    assert "target 12 (the plan's target" in _text(res) and "(increase load)" in res.stdout


def test_log_with_a_program_offers_variants_within_its_limits(tmp_path):
    p = generate_program([], equipment="home", avoid="achilles", start=date(2027, 1, 4))
    path = tmp_path / "program.json"
    path.write_text(json.dumps(p.to_dict()))
    db = tmp_path / "log.sqlite"
    res = _cli("strength", "log", "--program", path, "-e", "str_single_leg_bridge", "--sets",
               3, "--reps", 12, "--date", "2027-01-05", db=db)
    assert res.returncode == 0, res.stderr
    assert "Barbell" not in res.stdout and "(more volume)" in res.stdout
    res = _cli("strength", "log", "--program", path, "-e", "str_soleus_raise", "--sets", 2,
               "--reps", 12, db=db)
    assert res.returncode == 0, res.stderr
    assert "outside the program's limits (loads the Achilles tendon)" in _text(res)
    assert "machine" not in res.stdout
    res = _cli("strength", "next", "--program", tmp_path / "nowhere.json", db=db)
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_a_band_exercise_is_logged_and_progressed_by_band(tmp_path):
    from typer.testing import CliRunner

    from stridelab.cli.workout_cmd import app

    res = CliRunner().invoke(app, ["log", "-e", "str_band_row", "--sets", "3", "--reps", "13",
                                   "--db", str(tmp_path / "log.sqlite")],
                             env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "at a band" in res.output and "with the next stronger band" in res.output
    assert "bodyweight" not in res.output
