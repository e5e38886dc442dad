"""The results contract: Summary and MetricStats, their dicts, the builders, the schema."""

import json

import numpy as np
import pandas as pd
import pytest

from stridelab.gait.strides import build_strides
from stridelab.summary import METRIC_UNITS, SCHEMA, MetricStats, Summary, json_schema, metric_stats
from stridelab.summary.build import symmetry_indices, timing_metrics
from stridelab.symmetry import robinson_si


def _contacts(ic_r, ic_l, ct):
    rows = [("R", t, t + ct) for t in ic_r] + [("L", t, t + ct) for t in ic_l]
    return pd.DataFrame(rows, columns=["side", "ic_s", "to_s"])


def test_symmetry_index_formula():
    assert robinson_si(200.0, 220.0) == pytest.approx(100 * 20 / 210)
    assert robinson_si(None, 220.0) is None
    assert robinson_si(float("nan"), 220.0) is None


def test_timing_metrics_per_side_and_symmetry():
    c = _contacts([0.0, 0.7, 1.4, 2.1], [0.35, 1.05, 1.75], 0.25)
    c.loc[c.side == "L", "to_s"] += 0.02  # left contacts 20 ms longer
    metrics = timing_metrics(build_strides(c))
    ct = metrics["contact_time_ms"]
    assert ct.L == pytest.approx(270) and ct.R == pytest.approx(250)
    assert symmetry_indices(metrics)["contact_time_ms"] == pytest.approx(-7.69, abs=0.01)
    assert metrics["cadence_spm"].mean == pytest.approx(60000 / 350, rel=1e-6)


def test_metric_stats_mean_sd_cv_and_sides():
    m = metric_stats(np.array([1.0, 2.0, 3.0, np.nan]), "ms", sides=["L", "R", "L", "R"])
    assert (m.mean, m.sd, m.count) == (2.0, 1.0, 3)
    assert m.cv_pct == pytest.approx(50.0)
    assert (m.L, m.R) == (2.0, 2.0)
    one = metric_stats([5.0], "ms")
    assert one.sd == 0.0 and one.L is None
    assert metric_stats([np.nan], "ms").mean is None


def test_unknown_metric_key_is_an_error_naming_it():
    with pytest.raises(ValueError, match="cadense_spm"):
        Summary(metrics={"cadense_spm": MetricStats(mean=170.0, count=3, unit="steps/min")})
    doc = {"metrics": {"cadence_spm": {"mean": 170, "count": 3, "unit": "steps/min",
                                       "medain": 1}}}
    with pytest.raises(ValueError, match="medain"):
        Summary.from_dict(doc)
    with pytest.raises(ValueError, match="schema"):
        Summary.from_dict({"schema": "other/2", "metrics": {}})
    with pytest.raises(ValueError, match="colour"):
        Summary.from_dict({"metrics": {}, "colour": "red"})


def test_to_dict_round_trip_and_nan_as_null():
    s = Summary(kind="video", view="side", sampling_rate_hz=60.0,
                metrics={"contact_time_ms": MetricStats(mean=float("nan"), count=0, unit="ms")},
                warnings=["w"])
    doc = s.to_dict()
    assert doc["schema"] == SCHEMA and doc["metrics"]["contact_time_ms"]["mean"] is None
    json.dumps(doc, allow_nan=False)  # strict JSON
    again = Summary.from_dict(doc)
    assert again.to_dict() == doc


def test_json_schema_lists_every_field_and_metric():
    schema = json_schema()
    assert set(schema["properties"]) >= {"schema", "metrics", "phases", "warnings", "scene"}
    assert schema["properties"]["metrics"]["propertyNames"]["enum"] == sorted(METRIC_UNITS)
    assert set(schema["$defs"]["MetricStats"]["properties"]) == {
        "mean", "sd", "cv_pct", "count", "L", "R", "unit", "derived", "confidence",
        "error"}


def test_written_schema_file_is_current():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "docs" / "summary.schema.json"
    assert json.loads(path.read_text()) == json_schema(), (
        "docs/summary.schema.json is stale: python -m stridelab.summary.schema > it")


def test_written_summaries_follow_the_json_schema(shared_file):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the dev extra")
    from pathlib import Path

    from stridelab.assess.watch import summary_from_file

    folder = Path(__file__).resolve().parents[1] / "data" / "snapshots"
    docs = [json.loads(p.read_text()) for p in sorted(folder.glob("*/summary.json"))]
    docs = [{k: ("x" if v == "<volatile>" else v) for k, v in d.items()} for d in docs]
    docs.append(summary_from_file(shared_file("activities/garmin-fenix-5-run.fit")))
    assert len(docs) >= 5  # four recordings and a watch file
    for doc in docs:
        jsonschema.validate(doc, json_schema())
    bad = dict(docs[0], metrics={"cadense_spm": docs[0]["metrics"]["cadence_spm"]})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())
