"""The event detectors' common contract: parameters, input checks, the EventDetector protocol."""

import inspect
import re

import numpy as np
import pytest

import stridelab.gait
from stridelab.errors import InputFileError
from stridelab.gait.base import CONTACT_COLUMNS, EventDetector
from stridelab.gait.foot_clearance import FootClearanceEventDetection
from stridelab.gait.forceplate import ForcePlateEventDetection
from stridelab.gait.keypoint_events import KeypointEventDetection
from stridelab.io.frame import to_engine_frame
from stridelab.pose.scene import describe_scene
from stridelab.pose.to_recording import keypoints_to_recording
from stridelab.sim import simulate_runner
from stridelab.sim.keypoints import KeypointSpec, simulate_keypoints
from stridelab.thresholds import threshold

DETECTORS = (ForcePlateEventDetection, FootClearanceEventDetection, KeypointEventDetection)

# parameter -> threshold-table key, per detector
TABLE_DEFAULTS = {
    ForcePlateEventDetection: {
        "threshold_n": "gait.forceplate.contact_threshold",
        "min_contact_s": "gait.forceplate.min_contact",
        "min_gap_s": "gait.forceplate.min_gap",
        "lowpass_hz": "gait.forceplate.lowpass_hz",
    },
    FootClearanceEventDetection: {
        "clearance_mm": "gait.kinematic.clearance_mm",
        "toe_extension": "gait.kinematic.toe_extension",
        "min_contact_s": "gait.forceplate.min_contact",
        "min_gap_s": "gait.forceplate.min_gap",
        "cluster_height_fraction": "gait.kinematic.cluster_height_fraction",
    },
    KeypointEventDetection: {
        "landing_mm": "video.events.landing_mm",
        "clearance_mm": "gait.kinematic.clearance_mm",
        "lowpass_hz": "video.events.lowpass_hz",
        "min_contact_s": "gait.forceplate.min_contact",
    },
}


@pytest.fixture(scope="module")
def mocap():
    return to_engine_frame(simulate_runner(duration_s=5.0, noise_mm=0.5).recording)


@pytest.fixture(scope="module")
def keypoints():
    kp, _ = simulate_keypoints(KeypointSpec(view="side", fps=60))
    return keypoints_to_recording(kp, describe_scene(kp, 1.75, view="side"))


def _detected(cls, mocap, keypoints):
    return cls().detect(keypoints if cls is KeypointEventDetection else mocap)


def _documented(doc: str, section: str) -> set[str]:
    """Names listed in a numpydoc section (``a, b`` lines count as two)."""
    body = doc.split(f"{section}\n    {'-' * len(section)}\n", 1)[1]
    body = re.split(r"\n\n    \S[^\n]*\n    -{3,}\n", body, maxsplit=1)[0]
    names = set()
    for line in body.splitlines():
        if re.match(r"    \S", line):
            names |= {n.strip() for n in line.split(",")}
    return names


# --- protocol ------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", DETECTORS)
def test_detectors_conform_to_the_event_detector_protocol(cls, mocap, keypoints):
    det = cls()
    rec = keypoints if cls is KeypointEventDetection else mocap
    assert det.detect(rec) is det  # detect returns the detector itself
    assert isinstance(det, EventDetector)
    assert set(CONTACT_COLUMNS) <= set(det.contacts_.columns)
    assert len(det.contacts_) > 4
    assert det.contacts_.ic_s.is_monotonic_increasing
    assert isinstance(det.warnings_, list)
    assert getattr(stridelab.gait, cls.__name__) is cls


def test_the_protocol_needs_no_inheritance():
    class Mine:
        contacts_ = None
        warnings_ = []

        def detect(self, rec):
            return self

    assert isinstance(Mine(), EventDetector)
    assert not isinstance(object(), EventDetector)


@pytest.mark.parametrize("cls", DETECTORS)
def test_every_parameter_and_result_is_documented(cls, mocap, keypoints):
    params = [p for p in inspect.signature(cls).parameters.values()]
    assert all(p.default is not inspect.Parameter.empty for p in params)
    assert {p.name for p in params} == _documented(cls.__doc__, "Parameters")
    det = _detected(cls, mocap, keypoints)
    results = {k for k in vars(det) if k.endswith("_") and not k.startswith("_")}
    assert results == _documented(cls.__doc__, "Attributes")
    # __init__ only stores: every parameter is an attribute of the same name
    assert all(hasattr(cls(), p.name) for p in params)


# --- parameters ----------------------------------------------------------------------------

@pytest.mark.parametrize("cls", DETECTORS)
def test_table_defaults_are_resolved_at_construction(cls):
    det = cls()
    for name, key in TABLE_DEFAULTS[cls].items():
        assert getattr(det, name) == threshold(key)


@pytest.mark.parametrize("cls", DETECTORS)
def test_an_explicit_zero_stays_zero(cls):
    for name in TABLE_DEFAULTS[cls]:
        assert getattr(cls(**{name: 0}), name) == 0
        assert getattr(cls(**{name: 0.0}), name) == 0.0


def test_an_explicit_zero_is_used_by_detect(mocap):
    default = FootClearanceEventDetection().detect(mocap)
    zero = FootClearanceEventDetection(clearance_mm=0).detect(mocap)
    # clearance 0 mm: contact only while the foot is below its 2nd-percentile floor level
    assert (zero.contacts_.to_s - zero.contacts_.ic_s).mean() < \
        0.5 * (default.contacts_.to_s - default.contacts_.ic_s).mean()
    keep_all = ForcePlateEventDetection(min_contact_s=0, min_gap_s=0).detect(mocap)
    assert keep_all.min_contact_s == 0 and keep_all.min_gap_s == 0
    assert len(keep_all.contacts_) >= len(ForcePlateEventDetection().detect(mocap).contacts_)


# --- input checks --------------------------------------------------------------------------

@pytest.mark.parametrize("cls", DETECTORS)
def test_a_recording_in_lab_axes_is_refused(cls):
    rec = simulate_runner(duration_s=3.0).recording  # frame "lab", not rotated
    with pytest.raises(InputFileError, match=r"engine frame.*to_engine_frame.*from_dataframe"):
        cls().detect(rec)


@pytest.mark.parametrize("cls", DETECTORS)
def test_a_dataframe_is_refused_with_a_pointer(cls):
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="Recording.from_dataframe"):
        cls().detect(pd.DataFrame({"a": [1.0]}))


@pytest.mark.parametrize("cls", [ForcePlateEventDetection, FootClearanceEventDetection])
def test_z_up_data_labelled_engine_is_refused(cls):
    rec = simulate_runner(duration_s=3.0, lab_axes=("+x", "+z")).recording
    rec.frame = "engine"  # claimed, not done: z is up in the data
    with pytest.raises(InputFileError, match=r"vertical axis looks wrong.*vertical='\+z'"):
        cls().detect(rec)


def test_a_wrong_vertical_axis_is_refused_and_the_right_one_named():
    rec = simulate_runner(duration_s=3.0, lab_axes=("+x", "+z"), force_plate=False).recording
    to_engine_frame(rec, vertical="+y", forward="+x")  # the user named the wrong axis
    with pytest.raises(InputFileError, match=r"vertical axis looks wrong.*vertical='\+z'") as e:
        FootClearanceEventDetection().detect(rec)
    assert "\n" not in str(e.value)


def test_missing_keypoints_are_named(keypoints, mocap):
    with pytest.raises(InputFileError, match=r"missing L_hip, L_knee, L_ankle.*'fukuchi'"):
        KeypointEventDetection().detect(mocap)
    points = dict(keypoints.points)
    del points["R_ankle"]
    rec = type(keypoints)(points=points, fs=keypoints.fs, path=keypoints.path,
                          markerset=keypoints.markerset, frame="engine", axes=keypoints.axes)
    with pytest.raises(InputFileError, match=r"missing R_ankle \(marker set 'keypoints'\)"):
        KeypointEventDetection().detect(rec)


def test_no_force_plate_and_no_foot_markers_are_named():
    rec = to_engine_frame(simulate_runner(duration_s=3.0, force_plate=False).recording)
    with pytest.raises(InputFileError, match="has no force platform"):
        ForcePlateEventDetection().detect(rec)
    for name in list(rec.points):
        if "Heel" in name or "MT" in name:
            del rec.points[name]
    with pytest.raises(InputFileError, match=r"no foot markers.*L_foot, R_foot"):
        FootClearanceEventDetection().detect(rec)


def test_forceplate_without_foot_markers_warns_that_sides_are_unknown():
    rec = to_engine_frame(simulate_runner(duration_s=3.0).recording)
    for name in list(rec.points):
        if "Heel" in name or "MT" in name:
            del rec.points[name]
    det = ForcePlateEventDetection().detect(rec)
    assert set(det.contacts_.side) == {"?"}
    assert any("not assigned to a foot" in w for w in det.warnings_)
    assert np.isfinite(det.contacts_.ic_s).all()
