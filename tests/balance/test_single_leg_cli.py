"""``stridelab balance CLIP --test single-leg`` end to end on the real beam balance."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from stridelab.cli.main import app


def test_single_leg_clip_gives_lift_off_touch_down_and_findings(shared_file, tmp_path):
    folder = shared_file("balance/video_pose2sim_beam/openpose_body25b/cam03_json")
    out = tmp_path / "slv"
    res = CliRunner().invoke(app, ["balance", str(folder), "--test", "single-leg",
                                   "--rate", "60", "--out", str(out)])
    assert res.exit_code == 0, res.output
    trial = json.loads((out / "single_leg.json").read_text())["trials"][0]
    assert trial["stance_leg"] == "L"
    # by eye (data README): right toe-off frames 13-15, touch-down 72-74 at 60 fps
    assert 12 / 60 <= trial["lift_off_s"] <= 16 / 60
    assert 71 / 60 <= trial["touch_down_s"] <= 75 / 60
    assert (out / "findings.json").exists()


def test_a_plate_file_cannot_be_a_video_test(shared_file, tmp_path):
    res = CliRunner().invoke(app, ["balance", str(shared_file("balance/acuna/eyesOpen_1.csv")),
                                   "--test", "single-leg", "--out", str(tmp_path / "x")])
    assert res.exit_code != 0 and "Traceback" not in res.output
