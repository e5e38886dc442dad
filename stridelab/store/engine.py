"""Where the database is and how it is opened: a SQLite file or a PostgreSQL server.

One database holds the training log (activities, workouts, balance tests) for the command
line and the web app alike. It is named by a path (a SQLite file) or by a URL
(``sqlite:///...``, ``postgresql://user@host/db``); ``None`` means ``$STRIDELAB_DB`` or a
SQLite file in the user's data folder. Opening it brings its schema up to date
(:mod:`stridelab.store.migrations`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from stridelab.errors import StridelabError

_ENGINES: dict[str, Engine] = {}
IMMEDIATE = "stridelab_write"
_LOCK = threading.Lock()


def default_db_path() -> Path:
    """``$STRIDELAB_DB`` (when a path) or ``<user data dir>/stridelab/training_log.sqlite``."""
    env = os.environ.get("STRIDELAB_DB")
    if env and not is_url(env):
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("stridelab")) / "training_log.sqlite"


def is_url(target: str | Path) -> bool:
    """Whether ``target`` is a database URL rather than a file path."""
    return isinstance(target, str) and "://" in target


def database_url(target: str | Path | None = None) -> str:
    """The SQLAlchemy URL of a path, a URL or ``None`` (``$STRIDELAB_DB``, else the default).

    ``postgresql://`` and ``postgres://`` URLs use the psycopg 3 driver.

    Raises
    ------
    StridelabError
        For a URL of a database other than SQLite or PostgreSQL, or one that cannot be
        parsed.
    """
    if target is None:
        target = os.environ.get("STRIDELAB_DB") or default_db_path()
    if not is_url(target):
        path = Path(target).expanduser().resolve()
        return f"sqlite:///{path}"
    text = str(target)
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix):]
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StridelabError(f"{target}: not a database URL ({exc})") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StridelabError(f"{target}: stridelab stores its log in SQLite or PostgreSQL, "
                             f"not {url.get_backend_name()}")
    return text


def describe(url: str) -> str:
    """A URL for messages: the password hidden, a SQLite file shown as its path."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def engine_for(url: str) -> Engine:
    """The process's engine for ``url`` (made once; SQLite files get WAL and foreign keys).

    SQLite connections are pooled and set up once (WAL, foreign keys, busy timeout);
    SQLAlchemy emits the transactions' ``BEGIN`` itself, as its pysqlite documentation
    recommends, and those of :func:`writing` take the write lock at once.
    """
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = _make_engine(url)
        return engine


def writing(engine: Engine) -> Engine:
    """The engine for a transaction that writes: on SQLite it takes the write lock at once.

    ``BEGIN IMMEDIATE`` makes a second writer wait (``busy_timeout``) instead of failing
    half-way when its read snapshot turns stale; reads keep a plain ``BEGIN`` and never
    wait for a writer (WAL mode). It shares the engine's connections.
    """
    return engine.execution_options(**{IMMEDIATE: True})


def dispose_all() -> None:
    """Close every pooled connection (before a fork, at exit, between tests)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def _make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    path = Path(make_url(url).database or "")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StridelabError(f"{path}: cannot create the database folder: {exc}") from exc
    engine = create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=False,
                           connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       "busy_timeout=30000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
