"""A finding whose measure is doubtful (confidence below one half) does not steer the program."""

from __future__ import annotations

from dataclasses import replace

from stridelab.assess.engine import assess_summary
from stridelab.program.generator import ProgramGenerator
from stridelab.thresholds import threshold

SUMMARY = {"schema": "stridelab.summary/1", "kind": "video", "activity": "running",
           "metrics": {"knee_flexion_peak_stance_deg": {
               "mean": 58.0, "L": 58.0, "R": 58.0, "unit": "deg"}},
           "symmetry_index_pct": {}, "warnings": []}


def _program(findings):
    return ProgramGenerator().generate(findings).program_


def test_a_doubtful_finding_is_listed_not_trained_for():
    found = [f for f in assess_summary(SUMMARY) if f.severity in ("watch", "concern")]
    assert found, "the deep knee bend must be a finding at full confidence"
    trusted = _program(found)
    assert {r["key"] for r in trusted.findings} == {f.key for f in found}
    low = threshold("program.min_finding_confidence")
    doubtful = [replace(f, confidence=low - 0.2) for f in found]
    program = _program(doubtful)
    assert program.findings == []  # no exercise answers it
    note = program.notes[-1]
    assert note.startswith("Not acted on") and found[0].title in note
