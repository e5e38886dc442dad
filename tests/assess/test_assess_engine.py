"""Assessment behaviour: symmetry indices, confidence, what is absent, walking, bad input."""

from __future__ import annotations

import math

import pytest

from stridelab.assess.engine import Assessment, assess_summary
from stridelab.errors import StridelabError
from stridelab.symmetry import robinson_si, vendor_from_robinson, vendor_si
from stridelab.thresholds import load_thresholds
from stridelab.units import format_value

TABLE = load_thresholds()


def _by_key(findings):
    return {(f.key, f.side): f for f in findings}


def test_symmetry_index_forms():
    assert robinson_si(90.0, 110.0) == pytest.approx(20.0)
    assert vendor_si(90.0, 110.0) == pytest.approx(100 * 20 / 110)
    assert robinson_si(110.0, 90.0) == pytest.approx(-20.0)
    assert robinson_si(None, 90.0) is None and vendor_si(0.0, 0.0) is None
    for left, right in [(244.3, 244.2), (300.0, 250.0), (80.0, 130.0), (1.0, 3.0)]:
        si = robinson_si(left, right)
        assert vendor_from_robinson(si) == pytest.approx(vendor_si(left, right))
    with pytest.raises(ValueError):
        vendor_from_robinson(250.0)


def test_asymmetry_from_sides_gives_both_forms(make_summary):
    summary = make_summary({"contact_time_ms": {"mean": 260.0, "L": 240.0, "R": 280.0},
                            "step_time_ms": {"mean": 350.0, "L": 349.0, "R": 351.0}})
    found = _by_key(Assessment().assess(summary).findings_)
    contact = found[("asymmetry_contact_time", None)]
    assert contact.value == pytest.approx(robinson_si(240.0, 280.0), abs=1e-4)
    assert contact.band == "asymmetric" and contact.severity == "watch"
    assert "+15.4 %" in contact.explanation  # Robinson: 40 / 260
    assert "+14.3 %" in contact.explanation  # vendor: 40 / 280
    assert "right side is longer" in contact.explanation
    assert "no prospective" in contact.explanation
    assert found[("asymmetry_step_time", None)].band == "symmetric"
    assert ("asymmetry_flight_time", None) not in found  # no flight time in the summary


def test_recorded_symmetry_index_wins_and_watch_form_is_derived(make_summary):
    summary = make_summary({"contact_time_ms": {"mean": 280.0, "L": None, "R": None}},
                           symmetry_index_pct={"contact_time_ms": -12.0})
    f = _by_key(Assessment().assess(summary).findings_)[("asymmetry_contact_time", None)]
    assert f.value == -12.0 and f.band == "asymmetric"
    assert f"{vendor_from_robinson(-12.0):+.1f} %" in f.explanation
    assert "left side is longer" in f.explanation


def test_frame_rounding_lowers_confidence_of_borderline_asymmetry(make_summary):
    edge = TABLE["assess.asymmetry.flag_pct"].value
    right = 100.0 * (1 + edge / 200) / (1 - edge / 200) * 1.005  # just above the edge
    metrics = {"flight_time_ms": {"mean": 100.0, "L": 100.0, "R": right, "confidence": 0.9}}
    coarse = make_summary(metrics, sampling_rate_hz=30.0, n_contacts={"L": 10, "R": 10})
    fine = make_summary(metrics, sampling_rate_hz=1000.0, n_contacts={"L": 100, "R": 100})
    f_coarse = _by_key(Assessment().assess(coarse).findings_)[("asymmetry_flight_time", None)]
    f_fine = _by_key(Assessment().assess(fine).findings_)[("asymmetry_flight_time", None)]
    assert f_coarse.band == f_fine.band == "asymmetric"
    assert f_fine.confidence == pytest.approx(0.9)
    assert f_coarse.confidence < 0.9 * 0.6
    assert "30 Hz" in f_coarse.explanation and "30 Hz" not in f_fine.explanation


def test_pelvic_drop_sdd_qualifies_2d_values_only(make_summary):
    watch_edge = TABLE["assess.pelvic_drop.watch_deg"].value
    sdd = TABLE["assess.pelvic_drop.sdd_deg"].value
    near = watch_edge + sdd / 4
    metrics = {"pelvic_drop_deg": {"mean": near, "L": near, "R": sdd / 2, "confidence": 0.8}}
    video = _by_key(Assessment().assess(make_summary(metrics, kind="video",
                                                     view="rear")).findings_)
    mocap = _by_key(Assessment().assess(make_summary(metrics)).findings_)
    left = video[("pelvic_drop", "L")]
    assert left.band == "some drop" and left.confidence == pytest.approx(0.8 * (0.5 + 0.5 / 4))
    assert "assess.pelvic_drop.sdd_deg" in left.threshold_keys
    assert "neighbouring band" in left.explanation
    right = video[("pelvic_drop", "R")]
    assert right.band == "level" and "cannot be told apart from 0" in right.explanation
    assert mocap[("pelvic_drop", "L")].confidence == pytest.approx(0.8)
    assert "tolerance" not in mocap[("pelvic_drop", "L")].explanation
    assert set(left.targets) == {"glute_med", "core", "single_leg_stability"}
    assert "patellofemoral pain" in left.injuries


def test_concern_band_for_marked_pelvic_drop(make_summary):
    value = TABLE["assess.pelvic_drop.concern_deg"].value + 2
    f = _by_key(assess_summary(make_summary({"pelvic_drop_deg": {"mean": value, "L": value,
                                                                 "R": None}})))
    assert f[("pelvic_drop", "L")].severity == "concern"
    assert ("pelvic_drop", "R") not in f


def test_absent_and_unavailable_metrics_give_no_finding(make_summary):
    summary = make_summary({"cadence_spm": 170.0, "heart_rate_bpm": 150.0,
                            "pelvic_drop_deg": {"mean": None, "L": None, "R": None}},
                           unavailable={"pelvic_drop_deg": "needs a rear view",
                                        "trunk_lean_deg": "needs a side view"})
    result = Assessment().assess(summary)
    assert [f.key for f in result.findings_] == ["cadence"]
    assert result.not_measurable_ == {"pelvic_drop_deg": "needs a rear view",
                                      "trunk_lean_deg": "needs a side view"}
    assert "heart_rate_bpm" in result.not_assessed_


def test_walking_gets_only_left_right_findings(make_summary):
    summary = make_summary({"cadence_spm": 120.0,
                            "contact_time_ms": {"mean": 600.0, "L": 590.0, "R": 610.0}},
                           activity="walking")
    result = Assessment().assess(summary)
    assert [f.key for f in result.findings_] == ["asymmetry_contact_time"]
    assert any("walking" in n for n in result.notes_)


def test_wrong_unit_is_not_assessed(make_summary):
    summary = make_summary({"contact_time_ms": {"mean": 0.25, "unit": "s"},
                            "cadence_spm": 170.0})
    result = Assessment().assess(summary)
    assert [f.key for f in result.findings_] == ["cadence"]
    assert any("contact_time_ms" in n for n in result.notes_)


def test_confidence_comes_from_the_metric(make_summary):
    found = _by_key(assess_summary(make_summary({
        "cadence_spm": {"mean": 170.0, "confidence": 0.6}, "contact_time_ms": 250.0})))
    assert found[("cadence", None)].confidence == pytest.approx(0.6)
    assert found[("contact_time", None)].confidence == 1.0


def test_overstriding_reports_distance_and_side(make_summary):
    high = TABLE["assess.overstride.ratio_high"].value + 0.05
    found = _by_key(assess_summary(make_summary({
        "overstride_ratio": {"mean": high, "L": high, "R": 0.2},
        "overstride_cm": {"mean": 30.0, "L": 33.0, "R": 18.0}})))
    assert found[("overstriding", "L")].band == "overstriding"
    assert "33.0 cm" in found[("overstriding", "L")].explanation
    assert found[("overstriding", "R")].band == "typical"


@pytest.mark.parametrize("bad,match", [
    ([1, 2], "JSON object"),
    ({"schema": "stridelab.findings/1", "metrics": {}}, "schema"),
    ({"schema": "stridelab.summary/1"}, "metrics"),
])
def test_not_a_summary(bad, match):
    with pytest.raises(StridelabError, match=match):
        Assessment().assess(bad)


def test_non_finite_values_are_skipped(make_summary):
    summary = make_summary({"cadence_spm": {"mean": math.nan}, "contact_time_ms": 250.0})
    assert [f.key for f in assess_summary(summary)] == ["contact_time"]


def test_package_docstring_example_runs():
    import doctest

    import stridelab.assess

    result = doctest.testmod(stridelab.assess)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("value, unit, signed, text", [
    (244.4, "ms", False, "244 ms"),
    (0.354, "fraction", False, "35 %"),
    (-0.04, "deg", False, "0.0 deg"),  # never "-0.0"
    (3.25, "%", True, "+3.2 %"),
    (3.25, "%", False, "3 %"),
    (1.234, "ratio", False, "1.23"),
    (12345.0, "kg", False, "1.23e+04 kg"),
])
def test_finding_numbers(value, unit, signed, text):
    assert format_value(value, unit, signed=signed) == text


def test_a_measured_error_lowers_confidence_near_an_edge(make_summary):
    edge = TABLE["assess.contact_time.long_ms"].value
    near = {"mean": edge - 4.0, "L": None, "R": None, "unit": "ms"}
    plain = _by_key(Assessment().assess(make_summary({"contact_time_ms": near})).findings_)
    video = _by_key(Assessment().assess(make_summary(
        {"contact_time_ms": {**near, "error": 10.0}}, kind="video",
        sampling_rate_hz=60.0)).findings_)
    assert plain[("contact_time", None)].confidence == 1.0
    f = video[("contact_time", None)]
    assert f.confidence == pytest.approx(0.5 + 0.5 * 4.0 / 10.0)
    assert "error of about +/-10 ms" in f.explanation and "at 60 fps" in f.explanation
    far = {"contact_time_ms": {"mean": edge - 40.0, "error": 10.0}}
    assert _by_key(Assessment().assess(make_summary(far)).findings_)[
        ("contact_time", None)].confidence == 1.0


def test_a_measured_error_widens_the_symmetry_index_margin(make_summary):
    edge = TABLE["assess.asymmetry.flag_pct"].value
    right = 250.0 * (1 + (edge + 2) / 200) / (1 - (edge + 2) / 200)  # SI two points over
    metric = {"mean": 0.5 * (250.0 + right), "L": 250.0, "R": right, "unit": "ms"}
    top = {"sampling_rate_hz": 120.0, "n_contacts": {"L": 40, "R": 40}}
    exact = _by_key(Assessment().assess(make_summary({"contact_time_ms": metric},
                                                     **top)).findings_)
    video = _by_key(Assessment().assess(make_summary(
        {"contact_time_ms": {**metric, "error": 10.0}}, **top)).findings_)
    assert exact[("asymmetry_contact_time", None)].confidence == 1.0
    f = video[("asymmetry_contact_time", None)]
    margin = 100 * math.sqrt(2) * 10.0 / metric["mean"]
    assert f.confidence == pytest.approx(0.5 + 0.5 * 2.0 / margin, abs=0.01)
    assert "carries an error of about +/-10 ms" in f.explanation
