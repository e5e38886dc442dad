"""Recording.from_dataframe: markers in a pandas DataFrame, any axes, straight to the detectors."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InputFileError
from stridelab.gait.foot_clearance import FootClearanceEventDetection
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.io.c3d import read_c3d
from stridelab.io.frame import to_engine_frame
from stridelab.io.markerset import load_markerset
from stridelab.io.recording import Recording
from stridelab.sim import simulate_runner

Y_UP_TO_Z_UP = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])
"""Rows: new axes in old coordinates (a proper rotation: x stays, old y becomes z)."""


def _frame(points: dict[str, np.ndarray], rot: np.ndarray = np.eye(3),
           scale: float = 1.0) -> pd.DataFrame:
    cols = {}
    for name, xyz in points.items():
        for i, axis in enumerate("xyz"):
            cols[f"{name}_{axis}"] = (xyz @ rot.T)[:, i] * scale
    return pd.DataFrame(cols)


def _same_contacts(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) == len(b) > 0
    assert (a.side.to_numpy() == b.side.to_numpy()).all()
    np.testing.assert_allclose(a.ic_s, b.ic_s, atol=1e-9)
    np.testing.assert_allclose(a.to_s, b.to_s, atol=1e-9)


@pytest.fixture(scope="module")
def rbds_c3d(shared_file):
    return read_c3d(shared_file("mocap/RBDS001runT35.c3d"))


@pytest.fixture(scope="module")
def rbds_contacts(rbds_c3d):
    import copy

    rec = to_engine_frame(copy.deepcopy(rbds_c3d))
    return (FootClearanceEventDetection().detect(rec).contacts_,
            ForcePlateEventDetection().detect(rec).contacts_)


def test_rbds_dataframe_z_up_gives_the_contacts_of_the_c3d(rbds_c3d, rbds_contacts):
    df = _frame(rbds_c3d.points, Y_UP_TO_Z_UP)
    rec = Recording.from_dataframe(df, rbds_c3d.fs, markerset="fukuchi")
    assert rec.frame == "engine" and rec.path == Path("<DataFrame>")
    assert rec.axes["vertical"] == "+z" and rec.axes["forward"] == "+x"
    found = FootClearanceEventDetection().detect(rec).contacts_
    _same_contacts(found, rbds_contacts[0])
    # and they agree with the force plate of the C3D, as the C3D's own kinematic events do
    assert len(found) == len(rbds_contacts[1]) == 85


def test_rbds_dataframe_in_mm_with_given_axes_and_a_markerset_object(rbds_c3d, rbds_contacts):
    df = _frame(rbds_c3d.points, Y_UP_TO_Z_UP, scale=1000.0)
    df.insert(0, "time", np.arange(len(df)) / rbds_c3d.fs)  # other columns are ignored
    rec = Recording.from_dataframe(df, rbds_c3d.fs, markerset=load_markerset("fukuchi"),
                                   vertical="+z", forward="+x", path="rbds.csv", unit="mm")
    assert rec.path == Path("rbds.csv")
    assert 0.8 < np.nanmedian(rec.landmark("pelvis")[:, 1]) < 1.2  # metres, y up
    _same_contacts(FootClearanceEventDetection().detect(rec).contacts_, rbds_contacts[0])


@pytest.mark.parametrize("lab_axes", [("+x", "+y"), ("-z", "+y"), ("+y", "+z")])
def test_synthetic_dataframe_in_any_axes_matches_the_recording_path(lab_axes):
    run = simulate_runner(duration_s=5.0, force_plate=False, lab_axes=lab_axes)
    df = _frame(run.recording.points)
    rec = Recording.from_dataframe(df, run.recording.fs)
    ref = to_engine_frame(run.recording)
    assert rec.axes == ref.axes
    _same_contacts(FootClearanceEventDetection().detect(rec).contacts_,
                   FootClearanceEventDetection().detect(ref).contacts_)


@pytest.fixture(scope="module")
def small():
    run = simulate_runner(duration_s=2.0, force_plate=False)
    return _frame(run.recording.points), run.recording.fs


def test_a_marker_without_its_z_column_is_named(small):
    df, fs = small
    with pytest.raises(InputFileError, match=r"<DataFrame>: .*L\.MT1 has no L\.MT1_z"):
        Recording.from_dataframe(df.drop(columns=["L.MT1_z"]), fs)


def test_non_numeric_columns_are_named(small):
    df, fs = small
    df = df.astype({"R.MT5_y": object})
    df.loc[3, "R.MT5_y"] = "n/a"
    with pytest.raises(InputFileError, match=r"'R\.MT5_y' is not numeric.*'n/a'"):
        Recording.from_dataframe(df, fs)


def test_empty_and_unmatched_tables_are_refused(small):
    df, fs = small
    with pytest.raises(InputFileError, match="no rows"):
        Recording.from_dataframe(df.iloc[:0], fs)
    with pytest.raises(InputFileError, match="no marker columns"):
        Recording.from_dataframe(pd.DataFrame({"time": [0.0, 0.1]}), fs)
    renamed = df.rename(columns=lambda c: "X" + c)
    with pytest.raises(InputFileError, match="no column matches a marker of the marker set"):
        Recording.from_dataframe(renamed, fs, path="trial.csv")


def test_bad_arguments_are_value_errors(small):
    df, fs = small
    with pytest.raises(ValueError, match="sampling_rate_hz"):
        Recording.from_dataframe(df, 0)
    with pytest.raises(ValueError, match="unit"):
        Recording.from_dataframe(df, fs, unit="inch")
    with pytest.raises(ValueError, match="axis"):
        Recording.from_dataframe(df, fs, vertical="up")
    with pytest.raises(TypeError, match="DataFrame"):
        Recording.from_dataframe(df.to_numpy(), fs)
