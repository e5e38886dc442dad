import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO / ".." / "shared" / "data")).resolve()
ACTIVITIES = SHARED / "activities"


@pytest.fixture
def activities_dir() -> Path:
    if not (ACTIVITIES / "activity-small-fenix2-run.fit").exists():
        pytest.skip(f"shared activity files not found at {ACTIVITIES} (set STRIDELAB_SHARED_DATA)")
    return ACTIVITIES


@pytest.fixture
def db_path(db) -> str:
    """The test's database (a SQLite file, then a PostgreSQL URL: the ``db`` fixture)."""
    return db
