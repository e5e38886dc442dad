"""No finding without a source: every band of every rule, on every kind of input."""

from __future__ import annotations

import re

import pytest

from stridelab.assess.engine import Assessment
from stridelab.assess.model import SEVERITIES, TARGETS, Finding
from stridelab.assess.rules import ASYMMETRY, FOOT_STRIKE, RULES
from stridelab.thresholds import EVIDENCE_GRADES, load_thresholds

TABLE = load_thresholds()


def _summaries(make_summary):
    """Summaries that, together, reach every band of every rule (and the 2D qualifiers)."""
    for kind in ("motion capture", "video", "keypoints", "watch"):
        for offset in (-1e-3, 0.0, 1e-3, -0.5, 0.5):
            for k in range(3):
                metrics, si = {}, {}
                for rule in RULES:
                    if k >= len(rule.edges):
                        continue
                    edge = TABLE[rule.edges[k]].value + offset
                    if rule.kind == ASYMMETRY:
                        si[rule.metric] = edge
                        metrics.setdefault(rule.metric, {"mean": 250.0, "L": None, "R": None})
                    elif rule.kind != FOOT_STRIKE:
                        metrics[rule.metric] = {"mean": edge, "L": edge - 0.01,
                                                "R": edge + 0.01, "confidence": 0.8}
                share = TABLE["assess.foot_strike.consistent_share"].value + offset / 10
                yield make_summary(metrics, kind=kind, symmetry_index_pct=si,
                                   sampling_rate_hz=30.0, n_contacts={"L": 10, "R": 10},
                                   foot_strike={"overall": "forefoot",
                                                "shares": {"forefoot": share,
                                                           "rearfoot": 1 - share}})


@pytest.fixture(scope="module")
def all_findings(make_summary):
    findings = []
    for summary in _summaries(make_summary):
        findings += Assessment().assess(summary).findings_
        walking = dict(summary, activity="walking")
        findings += Assessment().assess(walking).findings_
    return findings


def test_every_band_of_every_rule_is_reached(all_findings):
    reached = {(f.key, f.band) for f in all_findings}
    for rule in RULES:
        names = ([b.name for b in rule.bands] if rule.kind != FOOT_STRIKE
                 else ["mixed", "forefoot"])
        for name in names:
            assert (rule.key, name) in reached, (rule.key, name)


def test_no_finding_without_source_and_grade(all_findings):
    assert len(all_findings) > 300
    for f in all_findings:
        assert f.source.strip(), f
        assert f.evidence in EVIDENCE_GRADES, f
        assert f.threshold_keys, f
        assert all(k in TABLE for k in f.threshold_keys), f
        rows = [TABLE[k] for k in f.threshold_keys]
        assert any(r.source == f.source and r.evidence == f.evidence for r in rows), f
        assert f.severity in {s for s in SEVERITIES}
        assert set(f.targets) <= set(TARGETS), f
        assert 0.0 <= f.confidence <= 1.0
        assert f.explanation and not re.search(r"[{}]", f.explanation), f.explanation
        assert Finding.from_dict(f.to_dict()) == f


def test_wording_says_associated_never_causes(all_findings):
    texts = [f.explanation for f in all_findings] + [f.other_view or "" for f in all_findings]
    texts += [b.text for r in RULES for b in r.bands]
    for text in texts:
        assert not re.search(r"\bcaus(e|es|ed|ing)\b", text, re.IGNORECASE), text


def test_injuries_only_on_bands_worth_watching(all_findings):
    for f in all_findings:
        if f.injuries:
            assert f.severity in ("watch", "concern"), f


def test_every_assess_row_is_graded_and_used():
    used = set()
    for rule in RULES:
        used |= set(rule.edges) | set(rule.extra_keys) | {b.source_key for b in rule.bands}
        if rule.tolerance_key:
            used.add(rule.tolerance_key)
    rows = {k: t for k, t in TABLE.items() if k.startswith("assess.")}
    assert used == set(rows)
    for row in rows.values():
        assert row.source.strip() and row.evidence in EVIDENCE_GRADES and row.description


def test_article_and_evidence_shown_side_by_side(make_summary):
    summary = make_summary({"trunk_lean_deg": 7.0, "trunk_lean_midstance_deg": 12.0,
                            "cadence_spm": 165.0})
    found = {f.key: f for f in Assessment().assess(summary).findings_}
    lo = TABLE["assess.trunk_lean.article_low_deg"].value
    hi = TABLE["assess.trunk_lean.article_high_deg"].value
    lean = found["trunk_lean"].other_view
    assert f"{lo:.0f}-{hi:.0f} deg" in lean and "inside" in lean and "Carson" in lean
    assert "Teng & Powers" in found["trunk_lean"].explanation
    # one finding for the lean: the mid-stance value is read beside the stride's
    assert "trunk_lean_midstance" not in found
    assert "12.0 deg forward at mid-stance" in found["trunk_lean"].explanation
    convention = TABLE["assess.cadence.convention_spm"].value
    cadence = found["cadence"].other_view
    assert f"{convention:.0f} steps/min" in cadence and "171 +/- 8" in cadence
    assert f"{convention - 165:.0f} below" in cadence
    assert TABLE["assess.cadence.convention_spm"].evidence == "contested"


@pytest.mark.parametrize("change, error, words", [
    ({"severity": "awful"}, ValueError, "severity 'awful'"),
    ({"targets": ["biceps"]}, ValueError, "unknown target(s) biceps"),
    ({"extra": 1}, ValueError, "unknown key(s) extra"),
    ({"title": None}, ValueError, "missing key(s) title"),
])
def test_from_dict_names_the_bad_key(all_findings, change, error, words):
    d = {**all_findings[0].to_dict(), **change}
    d = {k: v for k, v in d.items() if v is not None or k != "title"}
    with pytest.raises(error, match=re.escape(words)):
        Finding.from_dict(d)
    with pytest.raises(TypeError, match="not an object"):
        Finding.from_dict([d])
