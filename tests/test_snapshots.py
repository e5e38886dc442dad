"""Regression snapshots: the outputs on the shared recordings equal the recorded ones.

``tests/data/snapshots/<case>/`` holds what ``benchmarks/snapshots.py --write`` recorded
(``strides.csv``, ``summary.json``, ``findings.json``, ``program.json``, a digest of
``angles.csv``, the exit code and the error line). A change to any of them must be deliberate:
record again and say why in the commit. The cases that run the pose model on a clip are
compared by the benchmark script (``--compare``), not here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

_spec = importlib.util.spec_from_file_location("snapshots", REPO / "benchmarks" / "snapshots.py")
snapshots = importlib.util.module_from_spec(_spec)
sys.modules["snapshots"] = snapshots
_spec.loader.exec_module(snapshots)

FOLDER = REPO / "tests" / "data" / "snapshots"
FAST = [name for name in snapshots.CASES if name not in snapshots.SLOW]


@pytest.mark.parametrize("case", FAST)
def test_outputs_equal_the_recorded_snapshot(case):
    if not snapshots.SHARED.exists():
        pytest.skip(f"real recordings not available ({snapshots.SHARED} absent)")
    assert (FOLDER / case).is_dir(), f"no snapshot recorded for {case}"
    assert snapshots.compare(FOLDER, case) == []
