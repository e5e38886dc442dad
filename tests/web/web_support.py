"""Helpers of the web app's tests (a module of its own: tests import it by this name,
which no other folder's module shares)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "correct horse battery"


@dataclass
class Web:
    """An app under test and its settings."""

    app: object
    settings: object

    def client(self):
        """A new browser-like client (its own cookies)."""
        from fastapi.testclient import TestClient

        return TestClient(self.app, base_url="https://testserver",
                          headers={"origin": "https://testserver"})

    def user(self, email: str, role: str = "runner", name: str | None = None):
        """Create an account; returns the user."""
        return self.app.state.accounts.add_user(email, name or email.split("@")[0], role,
                                                PASSWORD)

    def signed_in(self, email: str):
        """A client signed in as ``email``, with its CSRF token in ``client.csrf``."""
        client = self.client()
        response = client.post("/login", data={"email": email, "password": PASSWORD},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        page = client.get("/account")
        client.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        client.headers["X-CSRF-Token"] = client.csrf
        return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """``stridelab serve`` in a subprocess."""

    url: str
    db: str
    data_dir: Path
    process: subprocess.Popen
    port: int
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


def start_server(db: str, data_dir: Path, port: int | None = None,
                 log: Path | None = None, workers: int = 2) -> LiveServer:
    """Start ``stridelab serve`` and wait until it answers."""
    import urllib.request

    port = port or free_port()
    log = log or data_dir.parent / f"server-{port}.log"
    env = {**os.environ, "STRIDELAB_DB": db, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "stridelab", "serve", "--port", str(port), "--data-dir",
         str(data_dir), "--workers", str(workers)],
        stdout=open(log, "ab"), stderr=subprocess.STDOUT, env=env,  # noqa: SIM115
        start_new_session=True)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stridelab serve exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url + "/login", timeout=2)
            return LiveServer(url, db, data_dir, process, port, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"stridelab serve did not answer: {log.read_text()[-2000:]}")
