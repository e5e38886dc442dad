"""``stridelab user``, ``stridelab db`` and ``stridelab serve`` from the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def _cli(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_accounts_are_made_and_listed_from_the_command_line(db):
    made = _cli("user", "add", "Coach@Example.org", "--role", "clinician", "--name", "Coach",
                "--db", db, env={"STRIDELAB_PASSWORD": "long enough"})
    assert made.returncode == 0, made.stderr
    assert "created clinician account coach@example.org" in made.stdout
    twice = _cli("user", "add", "coach@example.org", "--db", db,
                 env={"STRIDELAB_PASSWORD": "long enough"})
    assert twice.returncode == 2 and "already exists" in twice.stderr
    assert "Traceback" not in twice.stderr
    short = _cli("user", "add", "r@example.org", "--db", db, env={"STRIDELAB_PASSWORD": "short"})
    assert short.returncode == 2 and "at least 8" in short.stderr
    listed = _cli("user", "list", "--db", db)
    assert "clinician" in listed.stdout and "coach@example.org" in listed.stdout


def test_db_upgrade_brings_an_old_log_up_to_date(tmp_path):
    old = shutil.copy(DATA / "training_log_v4.sqlite", tmp_path / "log.sqlite")
    done = _cli("db", "upgrade", "--db", old)
    assert done.returncode == 0, done.stderr
    assert "schema version 5" in done.stdout


def test_a_database_url_of_another_kind_is_refused_in_one_line(tmp_path):
    res = _cli("runs", "list", "--db", "mysql://u@localhost/x")
    assert res.returncode == 2
    assert "SQLite or PostgreSQL" in res.stderr and "Traceback" not in res.stderr


def test_serve_starts_answers_and_stops_leaving_nothing_running(db, tmp_path):
    from web_support import start_server

    server = start_server(db, tmp_path / "data")
    try:
        import urllib.request

        with urllib.request.urlopen(server.url + "/login") as page:
            assert page.url.endswith("/setup")  # no account yet: the first one is offered
            assert "Create the first account" in page.read().decode()
    finally:
        server.stop()
    assert server.process.returncode in (0, 143, -15)  # stopped by SIGTERM, cleanly
    assert "Traceback" not in server.log.read_text()
    assert "no account yet" in server.log.read_text()
    with pytest.raises(ProcessLookupError):  # nothing of its process group is left
        os.killpg(server.process.pid, 0)
