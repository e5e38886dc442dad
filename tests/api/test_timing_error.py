"""Video timing errors from the force-plate harness: the table and where summaries carry it."""

from __future__ import annotations

import pytest

from stridelab.summary import MetricStats, Summary
from stridelab.summary.timing_error import load_table, set_timing_errors, timing_error_ms


def test_the_table_covers_each_rate_view_and_metric():
    table = load_table()
    assert set(table.fps) == {30, 60, 120, 240}
    assert set(table.view) == {"side", "side_far", "rear"}
    assert (table.rms_error_ms <= table.max_error_ms + 1e-9).all()
    assert table.source.str.contains("force plate").all()


def test_errors_interpolate_between_rates_and_stop_below_the_lowest():
    e60 = timing_error_ms("contact_time_ms", 60, "side")
    e120 = timing_error_ms("contact_time_ms", 120, "side")
    e90 = timing_error_ms("contact_time_ms", 90, "side")
    assert min(e60, e120) - 0.1 <= e90 <= max(e60, e120) + 0.1
    assert timing_error_ms("contact_time_ms", 20, "side") is None  # not validated
    assert timing_error_ms("contact_time_ms", 1000, "rear") == timing_error_ms(
        "contact_time_ms", 240, "rear")


def test_a_single_side_clip_mixes_its_near_and_far_leg():
    summary = Summary(kind="video", view="side", metrics={
        "contact_time_ms": MetricStats(mean=250.0, unit="ms"),
        "stride_time_ms": MetricStats(mean=700.0, unit="ms"),
        "duty_factor": MetricStats(mean=0.36, unit="ratio")})
    set_timing_errors(summary, 60.0, ("side", "side_far"))
    near, far = (timing_error_ms("contact_time_ms", 60, v) for v in ("side", "side_far"))
    assert summary.metrics["contact_time_ms"].error == pytest.approx(
        ((near ** 2 + far ** 2) / 2) ** 0.5, abs=0.06)
    assert summary.metrics["duty_factor"].error == pytest.approx(
        summary.metrics["contact_time_ms"].error / 700.0, abs=1e-4)
    assert "error" in summary.to_dict()["metrics"]["contact_time_ms"]
