"""Findings built the way the assessment stage builds them (the program's input contract)."""

from __future__ import annotations

import pytest

from stridelab.assess.model import Finding


def make_finding(key: str, targets: tuple[str, ...], severity: str = "concern",
                 side: str | None = None, title: str | None = None) -> Finding:
    return Finding(key=key, metric=f"{key}_metric", title=title or key.replace("_", " "),
                   value=1.0, unit="deg", side=side, confidence=1.0, band="high",
                   severity=severity, source="test", evidence="moderate",
                   explanation="built in a test", targets=targets,
                   injuries=("patellofemoral pain",))


@pytest.fixture
def findings() -> list[Finding]:
    return [
        make_finding("pelvic_drop", ("glute_med", "core", "single_leg_stability"), side="R",
                     title="Contralateral pelvic drop"),
        make_finding("cadence", ("calf_achilles", "quadriceps"), severity="watch",
                     title="Low cadence"),
        make_finding("trunk_lean", ("core", "glute_max"), severity="ok", title="Trunk lean"),
    ]


@pytest.fixture
def finding():
    """Factory: ``finding(key, targets, severity="concern", side=None, title=None)``."""
    return make_finding
