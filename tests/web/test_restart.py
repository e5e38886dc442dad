"""The server killed (SIGKILL) during an upload and during an analysis, then started again.

Real ``stridelab serve`` processes on one database and data folder (SQLite, then
PostgreSQL): nothing already stored is lost, an upload cut off leaves neither a file nor a
row, no analysis process outlives the killed server, and an interrupted analysis is run
again (and finishes) or, once it has been interrupted ``MAX_ATTEMPTS`` times, failed with the
reason. Each test prints its figures (``fault:`` lines: what was checked, how long recovery
took); ``pytest -s`` shows them.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from web_support import PASSWORD, LiveServer, start_server

from stridelab.store.accounts import Accounts
from stridelab.store.analyses import MAX_ATTEMPTS, Analyses

COOKIE = "stridelab_session"


# -- helpers ------------------------------------------------------------------------------------


def sign_in(url: str, email: str) -> httpx.Client:
    """A client signed in through the form (the Secure cookie is sent by hand over http)."""
    client = httpx.Client(base_url=url, timeout=30, headers={"Accept": "application/json"})
    response = client.post("/login", data={"email": email, "password": PASSWORD},
                           headers={"Origin": url, "Accept": "text/html"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    token = response.cookies[COOKIE]
    client.cookies.clear()
    return with_session(client, token)


def with_session(client: httpx.Client, token: str) -> httpx.Client:
    """Send the session cookie by hand; the CSRF token read from a page."""
    client.headers["Cookie"] = f"{COOKIE}={token}"
    page = client.get("/account", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    client.headers["X-CSRF-Token"] = re.search(
        r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    client.token = token
    return client


def moved(client: httpx.Client, server: LiveServer) -> httpx.Client:
    """The same session (cookie) against a restarted server."""
    fresh = httpx.Client(base_url=server.url, timeout=30, headers={"Accept": "application/json"})
    return with_session(fresh, client.token)


def restart(server: LiveServer, servers: list[LiveServer]) -> tuple[LiveServer, float]:
    """Start the server again on the same database and data folder; seconds it took."""
    t0 = time.monotonic()
    again = start_server(server.db, server.data_dir)
    servers.append(again)
    return again, time.monotonic() - t0


def kill(server: LiveServer) -> None:
    """``kill -9`` the server process itself (its analyses must end by themselves)."""
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


def wait_for(client: httpx.Client, analysis_id: int, test, timeout_s: float = 180,
             every_s: float = 0.1) -> dict:
    deadline = time.monotonic() + timeout_s
    body = None
    while time.monotonic() < deadline:
        body = client.get(f"/api/analyses/{analysis_id}").json()
        if test(body):
            return body
        time.sleep(every_s)
    raise AssertionError(f"analysis {analysis_id} did not get there: {body}")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(pid: int) -> dict[int, str]:
    """The processes under ``pid`` (children, theirs...), with their command lines."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                cmd = b""
            found[child] = cmd.decode(errors="replace")
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as ended)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def gone_within(processes: dict[int, str], timeout_s: float = 10) -> float:
    """Seconds until none of ``processes`` runs; fails naming those still running."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if not any(alive(p) for p in processes):
            return time.monotonic() - t0
        time.sleep(0.02)
    left = {p: cmd[:200] for p, cmd in processes.items() if alive(p)}
    for pid in left:  # not left behind for the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    raise AssertionError(f"still running {timeout_s:.0f} s after the server was killed: {left}")


def analysis_workers(server: LiveServer) -> dict[int, str]:
    """The server's analysis processes (spawned by multiprocessing), with what they run."""
    return {pid: cmd for pid, cmd in descendants(server.process.pid).items()
            if "spawn_main" in cmd}


def kill_during_analysis(server: LiveServer, client: httpx.Client, analysis_id: int,
                         frames: bool) -> dict:
    """Kill the server while the analysis runs; check that its processes end with it."""
    running = wait_for(client, analysis_id, lambda b: b["status"] == "running" and (
        b["frames_done"] > 0 or not frames), timeout_s=120, every_s=0.05)
    deadline = time.monotonic() + 30
    while not (workers := analysis_workers(server)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "no analysis process found under the server"
    everything = descendants(server.process.pid)  # workers, their children, helpers
    kill(server)
    ended_s = gone_within(everything)
    return {"at": running, "workers": sorted(workers), "processes": len(everything),
            "ended_s": round(ended_s, 2)}


def backend(db: str) -> str:
    return "postgresql" if "://" in db else "sqlite"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its content."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def servers():
    """Servers a test starts; any still running is stopped at the end."""
    started: list[LiveServer] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.stop(signal.SIGKILL)


@pytest.fixture
def clinic(db, tmp_path):
    """A clinician with an athlete, a runner, and a finished analysis stored earlier."""
    accounts = Accounts(db)
    coach = accounts.add_user("coach@example.org", "Coach", "clinician", PASSWORD)
    accounts.add_user("runner@example.org", "Runner", "runner", PASSWORD, 1.8)
    athlete = accounts.add_athlete("Athlete A", clinician_id=coach.id, height_m=1.8)
    data = tmp_path / "data"
    (data / "uploads").mkdir(parents=True)
    (data / "results" / "earlier").mkdir(parents=True)
    (data / "uploads" / "earlier.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + os.urandom(4000))
    (data / "results" / "earlier" / "summary.json").write_text('{"metrics": {}}')
    analyses = Analyses(db)
    earlier = analyses.create(
        athlete.id, coach.id, "earlier run.mp4", "video", {"height_m": 1.8}, "earlier",
        [{"original_name": "earlier run.mp4", "stored_name": "earlier.mp4", "kind": "video",
          "size_bytes": 4012, "sha256": sha256(data / "uploads" / "earlier.mp4")}])
    analyses.finish(earlier, {"metrics": {"cadence_spm": {"mean": 172.0}}},
                    [{"title": "Cadence", "severity": "ok"}])
    return {"db": db, "data": data, "athlete": athlete.id, "earlier": earlier}


def stored(client: httpx.Client, clinic: dict) -> dict:
    """What the server shows of the stored data (to compare before and after)."""
    athlete = clinic["athlete"]
    return {"analyses": client.get(f"/api/athletes/{athlete}/analyses").json(),
            "earlier": client.get(f"/api/analyses/{clinic['earlier']}").json(),
            "workouts": client.get(f"/api/athletes/{athlete}/workouts").json(),
            "athletes": client.get("/api/athletes").json(),
            "uploads": folder_state(clinic["data"] / "uploads"),
            "results": folder_state(clinic["data"] / "results")}


# -- killed during an upload --------------------------------------------------------------------


def _upload_request(port: int, client: httpx.Client, athlete: int, size: int,
                    boundary: str = "----stridelab-test") -> tuple[bytes, bytes, bytes]:
    """A multipart upload of ``size`` bytes, as (headers and preamble, the file, the end)."""
    preamble = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                f"filename=\"big run.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode()
    end = f"\r\n--{boundary}--\r\n".encode()
    content = b"\0\0\0\x18ftypmp42" + bytes(size - 12)  # a video by its first bytes
    head = (f"POST /api/athletes/{athlete}/analyses HTTP/1.1\r\nHost: localhost:{port}\r\n"
            f"Cookie: {client.headers['Cookie']}\r\n"
            f"X-CSRF-Token: {client.headers['X-CSRF-Token']}\r\nAccept: application/json\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(preamble) + size + len(end)}\r\n\r\n").encode()
    return head + preamble, content, end


def test_a_server_killed_during_an_upload_loses_nothing_stored_and_keeps_no_part_of_it(
        clinic, servers):
    server = start_server(clinic["db"], clinic["data"])
    servers.append(server)
    client = sign_in(server.url, "coach@example.org")
    athlete = clinic["athlete"]
    for day, reps in (("2026-03-01", [12, 10]), ("2026-03-03", [15, 15, 12])):
        logged = client.post(f"/api/athletes/{athlete}/workouts", json={
            "day": day, "exercise_id": "wu_leg_swings", "sets": [{"reps": r} for r in reps]})
        assert logged.status_code == 201, logged.text
    before = stored(client, clinic)
    assert before["earlier"]["status"] == "done" and len(before["workouts"]) == 2
    figures = {}

    # 1. cut off while the body streams in (a slow link): 40 MB, killed after ~8 MB
    head, content, end = _upload_request(server.port, client, athlete, 40_000_000)
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(head)
    for k in range(8):
        sock.sendall(content[k * 1_000_000:(k + 1) * 1_000_000])
        time.sleep(0.05)
    kill(server)
    sock.close()
    server, figures["restart_after_cut_stream_s"] = restart(server, servers)
    client = moved(client, server)  # the session outlived the server
    assert stored(client, clinic) == before

    # 2. cut off while the server writes the received file into data/partial (a window of
    # ~0.1 s for 100 MB): killed as soon as the part file appears
    head, content, end = _upload_request(server.port, client, athlete, 100_000_000)
    partial = clinic["data"] / "partial"
    seen: list[Path] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set():
            found = list(partial.iterdir())
            if found:
                seen.extend(found)
                kill(server)
                return
            time.sleep(0.002)

    watcher = threading.Thread(target=killer, daemon=True)
    watcher.start()
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        sock.sendall(head + content + end)
        sock.settimeout(30)
        reply = sock.recv(200)
    except OSError:
        reply = b""
    finally:
        stop.set()
        watcher.join()
        sock.close()
    assert seen, f"the upload ended before it could be cut off: {reply[:80]!r}"
    assert reply == b"", reply[:200]
    assert all(p.exists() for p in seen), "the killed server left no part file (test too slow)"
    server, figures["restart_after_cut_write_s"] = restart(server, servers)
    assert list(partial.iterdir()) == []  # removed at start
    client = moved(client, server)
    after = stored(client, clinic)
    assert after == before  # no row, no file, nothing else changed

    # the server works: a new sign-in, pages, a change
    fresh = sign_in(server.url, "coach@example.org")
    assert fresh.get(f"/athletes/{athlete}", headers={"Accept": "text/html"}).status_code == 200
    logged = fresh.post(f"/api/athletes/{athlete}/workouts", json={
        "day": "2026-03-05", "exercise_id": "wu_leg_swings", "sets": [{"reps": 10}]})
    assert logged.status_code == 201, logged.text
    print(f"\nfault: upload cut while streaming and while writing ({backend(clinic['db'])}):"
          f" restart {figures['restart_after_cut_stream_s']:.1f} s and "
          f"{figures['restart_after_cut_write_s']:.1f} s; part file {seen[0].name} removed; "
          f"{len(before['analyses'])} analysis, {len(before['workouts'])} workouts, "
          f"{len(before['uploads'])} upload and {len(before['results'])} result files and the "
          "session unchanged; no analysis row for the cut upload")


# -- killed during an analysis -------------------------------------------------------------------


def _analysing(clinic, servers, clip):
    """A new server, signed in, with ``clip`` uploaded: (server, client, analysis id)."""
    server = start_server(clinic["db"], clinic["data"])
    servers.append(server)
    client = sign_in(server.url, "coach@example.org")
    sent = client.post(f"/api/athletes/{clinic['athlete']}/analyses",
                       files=[("files", ("treadmill.mp4", clip.read_bytes(), "video/mp4"))])
    assert sent.status_code == 201, sent.text
    analysis_id = sent.json()[0]["id"]
    return server, client, analysis_id


def test_an_analysis_cut_off_by_a_killed_server_runs_again_and_finishes(
        clinic, servers, shared_file):
    clip = shared_file("video/treadmill_side_60fps.mp4")
    server, client, analysis_id = _analysing(clinic, servers, clip)
    before = stored(client, clinic)
    (upload,) = Analyses(clinic["db"]).uploads(analysis_id)
    kept = clinic["data"] / "uploads" / upload.stored_name

    cut = kill_during_analysis(server, client, analysis_id, frames=True)
    row = Analyses(clinic["db"]).get(analysis_id)
    assert row.status == "running" and row.attempts == 1  # as the killed server left it

    t0 = time.monotonic()
    server, restart_s = restart(server, servers)
    client = moved(client, server)
    done = wait_for(client, analysis_id, lambda b: b["status"] in ("done", "failed"),
                    timeout_s=300, every_s=0.5)
    recovered_s = time.monotonic() - t0
    assert done["status"] == "done", done["error"]
    assert Analyses(clinic["db"]).get(analysis_id).attempts == 2
    assert done["summary"]["metrics"] and {"summary.json", "report.html"} <= {
        f["name"] for f in done["files"]}
    assert sha256(kept) == upload.sha256 == hashlib.sha256(clip.read_bytes()).hexdigest()
    copy = client.get(f"/api/analyses/{analysis_id}/uploads/{upload.id}")
    assert copy.status_code == 200 and copy.content == clip.read_bytes()
    after = stored(client, clinic)
    assert after["earlier"] == before["earlier"] and after["workouts"] == before["workouts"]
    assert not analysis_workers(server)  # it ended, and its process with it
    print(f"\nfault: analysis killed at {cut['at']['frames_done']}/{cut['at']['frames_total']} "
          f"frames ({backend(clinic['db'])}): {cut['processes']} processes under the "
          f"server (worker {cut['workers']}) ended {cut['ended_s']:.2f} s after the kill; "
          f"restart {restart_s:.1f} s; queued again and done {recovered_s:.1f} s after the "
          "restart (attempt 2); upload kept (same SHA-256)")


def test_an_analysis_cut_off_twice_is_failed_with_the_reason_and_its_upload_kept(
        clinic, servers, shared_file):
    # killed soon after each start: its length costs nothing, and it is still running when the
    # restarted server is asked (a short clip could end, failed, before that)
    clip = shared_file("video/treadmill_side_60fps.mp4")
    server, client, analysis_id = _analysing(clinic, servers, clip)
    (upload,) = Analyses(clinic["db"]).uploads(analysis_id)
    cuts = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        cuts.append(kill_during_analysis(server, client, analysis_id, frames=False))
        assert Analyses(clinic["db"]).get(analysis_id).attempts == attempt
        t0 = time.monotonic()
        server, _ = restart(server, servers)
        client = moved(client, server)
        if attempt < MAX_ATTEMPTS:
            taken = wait_for(client, analysis_id, lambda b: b["status"] != "queued")
            assert taken["status"] == "running", taken["error"]  # queued again, taken at once
    failed = wait_for(client, analysis_id, lambda b: b["status"] != "running", timeout_s=10)
    decided_s = time.monotonic() - t0
    assert failed["status"] == "failed"
    assert "server stopped" in failed["error"] and "kept" in failed["error"]
    assert f"{MAX_ATTEMPTS} times" in failed["error"]
    assert sha256(clinic["data"] / "uploads" / upload.stored_name) == upload.sha256
    copy = client.get(f"/api/analyses/{analysis_id}/uploads/{upload.id}")
    assert copy.status_code == 200 and copy.content == clip.read_bytes()
    time.sleep(1.5)  # the dispatcher would have taken it again by now
    assert client.get(f"/api/analyses/{analysis_id}").json()["status"] == "failed"
    assert not analysis_workers(server)
    print(f"\nfault: analysis killed {MAX_ATTEMPTS} times ({backend(clinic['db'])}): "
          f"processes ended {', '.join(str(c['ended_s']) for c in cuts)} s after the "
          f"kills; failed at the last start ({decided_s:.1f} s after it began): "
          f"{failed['error']!r}; "
          "upload kept")
