"""The public Python API: ``stridelab.analyze``, the pipeline and its swappable steps."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import stridelab
from stridelab.gait.foot_clearance import FootClearanceEventDetection
from stridelab.kinematics.measures import StanceKinematics
from stridelab.pipeline import PRESETS, Pipeline
from stridelab.summary import Summary


@pytest.fixture(scope="module")
def rbds_path(shared_file):
    return shared_file("mocap/RBDS001runT35.c3d")


@pytest.fixture(scope="module")
def rbds_result(rbds_path):
    return stridelab.analyze(rbds_path)


def test_snippet_of_the_readme_runs_as_written(rbds_result, tmp_path):
    result = rbds_result
    assert isinstance(result.strides, pd.DataFrame)
    assert {"side", "ic_s", "to_s", "contact_time_ms", "midstance_pct"} <= set(result.strides)
    assert isinstance(result.summary, Summary)
    assert result.summary.to_dict()["schema"] == "stridelab.summary/1"
    assert 160 < result.summary.metrics["cadence_spm"].mean < 185
    assert result.findings and all(hasattr(f, "to_dict") for f in result.findings)
    paths = result.save(tmp_path / "results")
    assert {"strides", "summary", "angles", "findings", "program", "report"} <= set(paths)
    assert all(p.is_file() for p in paths.values())


def test_save_writes_what_the_command_writes(rbds_path, rbds_result, tmp_path):
    api, cli = tmp_path / "api", tmp_path / "cli"
    rbds_result.save(api)
    subprocess.run([sys.executable, "-m", "stridelab", "analyze", str(rbds_path), "--out",
                    str(cli), "--quiet"], check=True, capture_output=True)
    for name in ("strides.csv", "summary.json", "angles.csv"):
        assert (api / name).read_text() == (cli / name).read_text(), name
    a = (api / "findings.json").read_text().replace(str(api), "X")
    c = (cli / "findings.json").read_text().replace(str(cli), "X")
    assert a == c


def test_options_are_the_command_line_options(rbds_path):
    result = stridelab.analyze(rbds_path, events="kinematic", report=False)
    assert result.summary.source.startswith("kinematics")
    assert result.findings == [] and result.assessment is None
    with pytest.raises(ValueError, match="events must be one of"):
        stridelab.analyze(rbds_path, events="camera")


def test_a_step_is_swapped_for_a_tuned_instance(rbds_path, rbds_result):
    # a tuned detector: foot clearance instead of the force plate
    tuned = FootClearanceEventDetection()
    result = stridelab.analyze(rbds_path, events=tuned, report=False)
    assert result.summary.source.startswith("kinematics")
    assert not hasattr(tuned, "contacts_")  # the caller's instance is left as it was
    n = len(rbds_result.contacts)
    assert abs(len(result.contacts) - n) <= 2
    # a side-view-only kinematics step: the rear-view measures are named unavailable
    side = stridelab.analyze(rbds_path, kinematics=StanceKinematics(view="side"), report=False)
    assert "pelvic_drop_deg" not in side.summary.metrics
    assert "pelvic_drop_deg" in rbds_result.summary.metrics
    assert side.summary.unavailable["pelvic_drop_deg"] == "needs a rear view"


def test_presets_and_pipeline_run(rbds_path):
    assert set(PRESETS) == {"mocap", "keypoints", "video_side", "video_rear", "imu"}
    pipe = Pipeline.from_preset("mocap", assessment=False).run(rbds_path)
    assert pipe.result_.summary.kind == "motion capture"
    with pytest.raises(ValueError, match="unknown preset"):
        Pipeline.from_preset("treadmill")


def test_recording_from_a_dataframe_with_any_axes(shared_file, rbds_result):
    from stridelab.io.c3d import read_c3d

    rec = read_c3d(shared_file("mocap/RBDS001runT35.c3d"))  # lab axes: y up
    columns = {}
    for name, xyz in rec.points.items():
        x, y, z = xyz.T
        # rotate to z up, as many labs store it
        columns.update({f"{name}_x": x, f"{name}_y": -z, f"{name}_z": y})
    df = pd.DataFrame(columns)
    r = stridelab.Recording.from_dataframe(df, sampling_rate_hz=150.0, markerset="fukuchi")
    result = stridelab.analyze(r, report=False)
    # markers only: foot-clearance events, within a frame of the C3D path's kinematic events
    kin = stridelab.analyze(shared_file("mocap/RBDS001runT35.c3d"), events="kinematic",
                            report=False)
    assert len(result.contacts) == len(kin.contacts)
    np.testing.assert_allclose(result.contacts.ic_s, kin.contacts.ic_s, atol=1 / 150)


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(stridelab.InputFileError, match="no such file"):
        stridelab.analyze(tmp_path / "nothing.c3d")


def test_import_stays_light():
    code = ("import sys, stridelab; print(any(m.startswith(('pandas', 'scipy', 'mediapipe')) "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_the_api_refuses_what_the_command_refuses(tmp_path):
    watch = tmp_path / "run.fit"
    watch.write_bytes(b"\x0e\x10")
    with pytest.raises(stridelab.InputFileError, match="stridelab assess"):
        stridelab.analyze(watch)
    odd = tmp_path / "run.xyz"
    odd.write_text("x")
    with pytest.raises(stridelab.InputFileError, match="a video .*OpenPose.*motion capture"):
        stridelab.analyze(odd)


def test_a_reused_folder_loses_the_earlier_runs_outputs(rbds_path, tmp_path):
    (tmp_path / "annotated.mp4").write_bytes(b"an earlier clip")
    (tmp_path / "notes.txt").write_text("mine")
    res = stridelab.analyze(rbds_path, out=tmp_path, report=False)
    assert not (tmp_path / "annotated.mp4").exists() and (tmp_path / "notes.txt").exists()
    assert [p.name for p in res.removed] == ["annotated.mp4"]
