"""The web app's settings: where the database and the data folder are, and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from stridelab.store.engine import database_url

#: Types an upload may have, by what its content is (see :mod:`stridelab.web.uploads`).
UPLOAD_KINDS = ("video", "c3d", "trc", "fit", "gpx", "tcx")


def default_data_dir() -> Path:
    """``$STRIDELAB_DATA_DIR`` or ``<user data dir>/stridelab/web``."""
    env = os.environ.get("STRIDELAB_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("stridelab")) / "web"


@dataclass
class Settings:
    """How one server runs.

    Attributes
    ----------
    db
        Database URL or SQLite file (``None``: ``$STRIDELAB_DB`` or the user data folder).
    data_dir
        Uploaded files and results, under random names (never served as a folder).
    max_jobs
        Analyses run at once; more wait in the queue.
    max_upload_mb
        Largest upload, all files of one request together.
    secure_cookies
        Send the sign-in cookie over HTTPS only (off only for plain-HTTP use on a
        trusted network; ``localhost`` counts as secure for browsers).
    login_attempts, login_window_s
        Failed sign-ins allowed per address and per account within the window.
    analysis_workers
        Worker processes an analysis itself may use.
    """

    db: str | None = None
    data_dir: Path = field(default_factory=default_data_dir)
    max_jobs: int = 2
    max_upload_mb: float = 500.0
    secure_cookies: bool = True
    login_attempts: int = 5
    login_window_s: float = 900.0
    analysis_workers: int = 1

    def __post_init__(self) -> None:
        self.db = database_url(self.db)
        self.data_dir = Path(self.data_dir).expanduser().resolve()

    @property
    def uploads_dir(self) -> Path:
        """Uploaded files, each under a random name."""
        return self.data_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        """One random-named folder of result files per analysis."""
        return self.data_dir / "results"

    @property
    def partial_dir(self) -> Path:
        """Uploads still being received (removed at start: an interrupted upload)."""
        return self.data_dir / "partial"

    def make_dirs(self) -> None:
        """Create the data folders, readable by this user only."""
        for folder in (self.data_dir, self.uploads_dir, self.results_dir, self.partial_dir):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
