"""Schema migrations of the stridelab database, by Alembic (``stridelab/store/revisions``).

A database is brought up to date when it is opened. A log made by stridelab 0.1's
hand-written SQLite layer (a ``schema_version`` table, no ``alembic_version``) is stamped at
its version first, then upgraded in place. A database from a newer stridelab (a revision or
a ``schema_version`` this one does not know) is refused, not altered.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from stridelab.errors import StridelabError
from stridelab.store.engine import IMMEDIATE

REVISIONS = Path(__file__).with_name("revisions")
#: The number of the newest revision (also written to ``schema_version``).
LATEST = 5
_DONE: set[str] = set()
_LOCK = threading.Lock()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(REVISIONS))
    config.attributes["connection"] = connection
    return config


def _newer(version: int | str) -> StridelabError:
    return StridelabError(f"the training log has schema version {version}, newer than this "
                          f"stridelab knows ({LATEST}): update stridelab")


def current_version(connection: Connection) -> int:
    """The schema version of an open database (0 for an empty one)."""
    if not inspect(connection).has_table("schema_version"):
        return 0
    return int(connection.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
               or 0)


def migrate(engine: Engine) -> int:
    """Apply every revision newer than the database's, in one transaction.

    Parameters
    ----------
    engine
        The database (:func:`stridelab.store.engine.engine_for`).

    Returns
    -------
    int
        The schema version after migrating.

    Raises
    ------
    StridelabError
        When the database comes from a newer stridelab.
    """
    key = str(engine.url)
    with _LOCK:
        if key in _DONE:  # checked in this process: only refuse a newer one written since
            with engine.connect() as connection:
                version = current_version(connection)
            if version > LATEST:
                raise _newer(version)
            return version
        with engine.connect() as connection:
            sqlite = engine.dialect.name == "sqlite"
            if sqlite:  # a copied table must not cascade-delete its children (SQLite docs)
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                version = _upgrade(connection)
            finally:
                if sqlite:
                    connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
        _DONE.add(key)
        return version


def _upgrade(connection: Connection) -> int:
    connection = connection.execution_options(**{IMMEDIATE: True})
    version = current_version(connection)
    if version > LATEST:
        raise _newer(version)
    config = _config(connection)
    tables = set(inspect(connection).get_table_names())
    script = ScriptDirectory.from_config(config)
    stamped = None
    if "alembic_version" in tables:
        stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    connection.commit()  # end the reading transaction before the migrating one
    if stamped is not None:
        try:
            script.get_revision(stamped)
        except Exception as exc:  # alembic raises several types for an unknown revision
            raise _newer(stamped) from exc
    elif version:  # a log from stridelab 0.1: its schema is revision `version`
        with connection.begin():
            command.stamp(config, f"{version:04d}")
    with connection.begin():
        command.upgrade(config, "head")
    return current_version(connection)


def forget() -> None:
    """Check again on the next open (tests that change a database's schema under the app)."""
    with _LOCK:
        _DONE.clear()
