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


def _write_clip(path: Path, frames, fps: float = 30, rotation: float | None = None,
                **options: str) -> Path:
    """Encode RGB ``frames`` as an H.264 MP4 (``options``: libx264 settings such as ``g``;
    ``rotation``: a display matrix turning the picture that many degrees counter-clockwise)."""
    import av
    import numpy as np

    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "20", "preset": "ultrafast", **options}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for img in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def write_clip():
    """Return a function that encodes RGB frames as an MP4 clip (see ``_write_clip``)."""
    return _write_clip


#: Admin URL of a PostgreSQL server the tests may create databases on (``.ci/run`` starts one
#: and sets it); without it the PostgreSQL half of the database tests skips.
TEST_PG = os.environ.get("STRIDELAB_TEST_PG")


def _fresh_pg_database() -> tuple[str, str]:
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"stridelab_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(TEST_PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(TEST_PG).set(database=name).render_as_string(hide_password=False)
    return name, url


def _drop_pg_database(name: str) -> None:
    import psycopg

    from stridelab.store.engine import dispose_all

    dispose_all()
    with psycopg.connect(TEST_PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch) -> str:
    """A new empty database for one test: a SQLite file, then a PostgreSQL database.

    Also ``$STRIDELAB_DB``, so nothing a test runs touches the user's real log. The
    PostgreSQL run needs ``$STRIDELAB_TEST_PG`` (the admin URL of a server) and skips
    without it.
    """
    if request.param == "sqlite":
        target = str(tmp_path / "log.sqlite")
        monkeypatch.setenv("STRIDELAB_DB", target)
        yield target
        return
    if not TEST_PG:
        pytest.skip("no PostgreSQL server for the tests: set STRIDELAB_TEST_PG "
                    "(.ci/run starts one)")
    name, url = _fresh_pg_database()
    monkeypatch.setenv("STRIDELAB_DB", url)
    try:
        yield url
    finally:
        _drop_pg_database(name)
