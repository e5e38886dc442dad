"""Shared test fixtures: where the real recordings live (../shared/data beside the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO.parent / "shared" / "data"))


def _shared_file(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real recording {relative} not available ({SHARED_DATA} absent)")
    return path


@pytest.fixture(scope="session")
def shared_file():
    """Return a function giving the path of a shared recording, or skipping with the reason."""
    return _shared_file
