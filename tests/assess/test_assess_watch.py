"""Watch files (real FIT files from ../shared/data) turned into summaries and findings."""

from __future__ import annotations

import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from stridelab.assess.engine import Assessment
from stridelab.assess.sources import load_input
from stridelab.assess.watch import summary_from_file
from stridelab.errors import InputFileError
from stridelab.summary.build import NO_BALANCE
from stridelab.summary.build import WATCH_CANNOT as KINEMATIC_METRICS
from stridelab.thresholds import threshold


def _reference_records(path):
    """Running records decoded by Garmin's own SDK (the reference decoder)."""
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert not errors
    spm_min = threshold("gait.activity.cadence_min_spm")
    out = []
    for r in messages["record_mesgs"]:
        spm = 2 * (r.get("cadence", 0) + r.get("fractional_cadence", 0.0))
        if r.get("stance_time") and spm >= spm_min:
            out.append((spm, r["stance_time"], r.get("stance_time_percent"),
                        r.get("stance_time_balance")))
    return np.array(out, dtype=float)


def test_fenix5_run_summary_matches_the_device(shared_file):
    path = shared_file("activities/garmin-fenix-5-run.fit")
    summary = summary_from_file(path)
    ref = _reference_records(path)
    m = summary["metrics"]
    assert summary["schema"] == "stridelab.summary/1" and summary["kind"] == "watch"
    assert m["contact_time_ms"]["mean"] == pytest.approx(ref[:, 1].mean(), abs=0.01)
    # duty factor derived from cadence and contact time vs the device's own stance-time
    # percentage (stance / stride), recorded per record by the watch
    assert m["duty_factor"]["mean"] == pytest.approx(ref[:, 2].mean() / 100, abs=0.01)
    step = 60000 / ref[:, 0]
    assert m["flight_time_ms"]["mean"] == pytest.approx((step - ref[:, 1]).mean(), abs=0.5)
    # left share of contact time b -> Robinson SI = 200 (1 - 2 b) for equal-weighted means
    b = ref[:, 3].mean() / 100
    assert summary["symmetry_index_pct"]["contact_time_ms"] == pytest.approx(
        200 * (1 - 2 * b), abs=0.5)
    assert set(KINEMATIC_METRICS) <= set(summary["unavailable"])


def test_fenix5_run_findings(shared_file):
    summary = summary_from_file(shared_file("activities/garmin-fenix-5-run.fit"))
    result = Assessment().assess(summary)
    keys = [f.key for f in result.findings_]
    assert keys == ["cadence", "contact_time", "duty_factor", "flight_time",
                    "vertical_oscillation", "asymmetry_contact_time"]
    asym = result.findings_[-1]
    assert asym.value == summary["symmetry_index_pct"]["contact_time_ms"]
    left, right = (summary["metrics"]["contact_time_ms"][s] for s in "LR")
    assert f"{100 * (right - left) / max(left, right):+.1f} %" in asym.explanation
    assert asym.band == ("asymmetric" if abs(asym.value) >= threshold("assess.asymmetry.flag_pct")
                         else "symmetric")
    assert "pelvic_drop_deg" in result.not_measurable_
    assert {"heart_rate_bpm", "step_length_m", "vertical_ratio_pct"} <= set(result.not_assessed_)


def test_fenix2_run_without_balance(shared_file):
    summary = summary_from_file(shared_file("activities/activity-small-fenix2-run.fit"))
    assert summary["unavailable"]["contact_time_balance_left_pct"] == NO_BALANCE
    assert any("records below" in w for w in summary["warnings"])
    keys = [f.key for f in Assessment().assess(summary).findings_]
    assert "cadence" in keys and "vertical_oscillation" in keys
    assert not [k for k in keys if k.startswith("asymmetry")]


def test_walk_is_assessed_as_walking(shared_file):
    summary = summary_from_file(shared_file("activities/garmin-fenix-5-walk.fit"))
    assert summary["activity"] == "walking"
    result = Assessment().assess(summary)
    assert [f.key for f in result.findings_] == ["asymmetry_contact_time"]


def test_file_without_gait_data_is_an_input_error(shared_file):
    with pytest.raises(InputFileError, match="nothing to assess"):
        load_input(shared_file("activities/Activity.fit"))


def test_malformed_fit_is_an_input_error(shared_file):
    with pytest.raises(InputFileError):
        load_input(shared_file("activities/strava-android-app-201.10-b1218918.fit"))
