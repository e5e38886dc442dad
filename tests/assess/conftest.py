"""Synthetic summaries for the assessment tests (schema stridelab.summary/1)."""

from __future__ import annotations

import copy

import pytest

BASE = {
    "schema": "stridelab.summary/1",
    "activity": "running",
    "kind": "motion capture",
    "source": "synthetic",
    "metrics": {},
    "symmetry_index_pct": {},
    "warnings": [],
}


def summary_with(metrics: dict, **top) -> dict:
    """A summary holding ``metrics`` (name -> dict or plain mean) and top-level keys."""
    doc = copy.deepcopy(BASE)
    for name, value in metrics.items():
        doc["metrics"][name] = value if isinstance(value, dict) else {
            "mean": value, "L": None, "R": None}
    doc.update(top)
    return doc


@pytest.fixture(scope="session")
def make_summary():
    return summary_with
