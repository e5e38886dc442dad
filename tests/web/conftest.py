"""Fixtures of the web app's tests: an app on a fresh database, signed-in users, a live server.

``web`` is the app in-process (FastAPI's TestClient over HTTPS, so the Secure cookie is
sent) on the ``db`` fixture's database: every web test runs on SQLite and on PostgreSQL.
``live_server`` starts ``stridelab serve`` itself in a subprocess on a free port, for the
browser and restart tests.
"""

from __future__ import annotations

import pytest
from web_support import Web, start_server


@pytest.fixture
def web(db, tmp_path):
    """The app on a fresh database, analyses off (they stay queued) unless a test runs them."""
    from stridelab.web import Settings, create_app

    settings = Settings(db=db, data_dir=tmp_path / "data", max_upload_mb=5)
    app = create_app(settings, run_jobs=False)
    with Web(app, settings).client():  # runs the app's start-up (folders, accounts)
        yield Web(app, settings)


@pytest.fixture
def live_server(db, tmp_path):
    """A real server on a free port (``stridelab serve``), stopped after the test."""
    server = start_server(db, tmp_path / "data")
    try:
        yield server
    finally:
        server.stop()
