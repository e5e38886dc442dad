"""Band edges: values at, just below and just above every edge of every rule.

The edges are read from the packaged thresholds table, never copied here: moving a row in
thresholds.csv moves the expected band with it.
"""

from __future__ import annotations

import dataclasses

import pytest

from stridelab.assess.engine import Assessment
from stridelab.assess.rules import ASYMMETRY, FOOT_STRIKE, METRIC, RULES
from stridelab.thresholds import load_thresholds

EPS = 1e-3
TABLE = load_thresholds()
METRIC_RULES = [r for r in RULES if r.kind == METRIC]
ASYM_RULES = [r for r in RULES if r.kind == ASYMMETRY]


def _cases(rules):
    for rule in rules:
        for k, key in enumerate(rule.edges):
            edge = TABLE[key].value
            yield pytest.param(rule, edge - EPS, k, id=f"{rule.key}-{key}-below")
            yield pytest.param(rule, edge, k + 1, id=f"{rule.key}-{key}-at")
            yield pytest.param(rule, edge + EPS, k + 1, id=f"{rule.key}-{key}-above")


def _one(summary, key):
    found = [f for f in Assessment().assess(summary).findings_ if f.key == key]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("rule,value,expected", list(_cases(METRIC_RULES)))
def test_metric_band_edges(make_summary, rule, value, expected):
    unit = TABLE[rule.edges[0]].unit
    summary = make_summary({rule.metric: {"mean": value, "L": None, "R": None, "unit": unit}})
    f = _one(summary, rule.key)
    band = rule.bands[expected]
    assert f.band == band.name
    assert f.severity == band.severity
    assert f.value == pytest.approx(value, abs=1e-4)
    assert f.source == TABLE[band.source_key].source
    assert f.evidence == TABLE[band.source_key].evidence
    assert f.side is None


@pytest.mark.parametrize("rule", [r for r in METRIC_RULES if r.per_side], ids=lambda r: r.key)
def test_sided_metrics_give_one_finding_per_side(make_summary, rule):
    edge = TABLE[rule.edges[0]].value
    summary = make_summary({rule.metric: {"mean": edge, "L": edge - EPS, "R": edge + EPS}})
    found = [f for f in Assessment().assess(summary).findings_ if f.key == rule.key]
    assert [f.side for f in found] == ["L", "R"]
    assert [f.band for f in found] == [rule.bands[0].name, rule.bands[1].name]
    assert "left" in found[0].explanation and "right" in found[1].explanation
    # asked for means only, the same summary gives one finding from the mean
    means = [f for f in Assessment(per_side=False).assess(summary).findings_
             if f.key == rule.key]
    assert [(f.side, f.band) for f in means] == [(None, rule.bands[1].name)]


@pytest.mark.parametrize("rule,value,expected", list(_cases(ASYM_RULES)))
@pytest.mark.parametrize("sign", [1, -1])
def test_asymmetry_band_edges_both_directions(make_summary, rule, value, expected, sign):
    summary = make_summary({rule.metric: {"mean": 250.0, "L": None, "R": None}},
                           symmetry_index_pct={rule.metric: sign * value})
    f = _one(summary, rule.key)
    assert f.band == rule.bands[expected].name
    assert f.value == pytest.approx(sign * value, abs=1e-4)
    assert ("right" if sign > 0 else "left") in f.explanation or expected == 0


@pytest.mark.parametrize("share,expected", [(-EPS, "mixed"), (0.0, "rearfoot"),
                                            (EPS, "rearfoot")])
def test_foot_strike_share_edge(make_summary, share, expected):
    rule = next(r for r in RULES if r.kind == FOOT_STRIKE)
    top = TABLE[rule.edges[0]].value + share
    summary = make_summary({"cadence_spm": 170.0}, foot_strike={
        "overall": "rearfoot", "L": "rearfoot", "R": "midfoot",
        "shares": {"rearfoot": top, "midfoot": 1 - top}})
    f = _one(summary, "foot_strike")
    assert f.band == expected
    assert f.value == pytest.approx(top, abs=1e-4)
    assert "left foot rearfoot" in f.explanation


def test_bands_follow_the_table_not_a_copy(make_summary):
    summary = make_summary({"contact_time_ms": 260.0})
    assert _one(summary, "contact_time").band == "typical"
    table = dict(TABLE)
    table["assess.contact_time.long_ms"] = dataclasses.replace(
        TABLE["assess.contact_time.long_ms"], value=250.0)
    found = Assessment(thresholds=table).assess(summary).findings_
    assert [(f.key, f.band) for f in found] == [("contact_time", "long")]


def test_edges_out_of_order_in_the_table_are_reported(make_summary):
    table = dict(TABLE)
    table["assess.cadence.low_spm"] = dataclasses.replace(
        TABLE["assess.cadence.low_spm"], value=TABLE["assess.cadence.high_spm"].value + 1)
    with pytest.raises(ValueError, match="must ascend"):
        Assessment(thresholds=table).assess(make_summary({"cadence_spm": 170.0}))
