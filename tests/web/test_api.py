"""The web app's API end to end: uploads analysed in worker processes, progress, results,
the training load of watch files, cancelling, the first account, the OpenAPI document."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest

from stridelab.store.analyses import Analyses
from stridelab.store.db import ActivityStore


@pytest.fixture
def running_web(db, tmp_path):
    """The app with its job runner on: uploads are really analysed (worker processes)."""
    from web_support import Web

    from stridelab.web import Settings, create_app

    settings = Settings(db=db, data_dir=tmp_path / "data", max_upload_mb=20)
    app = create_app(settings)
    web = Web(app, settings)
    with web.client():
        yield web


def _wait(client, analysis_id: int, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/api/analyses/{analysis_id}").json()
        if body["status"] in ("done", "failed", "cancelled"):
            return body
        time.sleep(0.5)
    raise AssertionError(f"analysis {analysis_id} did not end: {body}")


def _athlete(client, name="Runner R", height_m=1.78) -> int:
    made = client.post("/api/athletes", json={"name": name, "height_m": height_m})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_a_lab_trial_is_analysed_outside_the_request_with_progress_and_results(
        running_web, shared_file):
    trial = shared_file("mocap/RBDS001runT35.c3d")
    running_web.user("coach@example.org", "clinician")
    client = running_web.signed_in("coach@example.org")
    athlete = _athlete(client)
    upload = ("trial 35.c3d", trial.read_bytes(), "application/octet-stream")
    sent = client.post(f"/api/athletes/{athlete}/analyses", files=[("files", upload)])
    assert sent.status_code == 201, sent.text
    (queued,) = sent.json()
    assert queued["status"] == "queued" and queued["kind"] == "mocap"
    with client.stream("GET", f"/api/analyses/{queued['id']}/events") as events:
        states = [json.loads(line[6:])["status"] for line in events.iter_lines()
                  if line.startswith("data: ")]
    assert states[-1] == "done" and "running" in states
    done = client.get(f"/api/analyses/{queued['id']}").json()
    names = {f["name"] for f in done["files"]}
    assert {"summary.json", "strides.csv", "findings.json", "report.html"} <= names
    assert done["summary"]["metrics"]["cadence_spm"]["mean"] == pytest.approx(164, abs=8)
    assert [u["name"] for u in done["uploads"]] == ["trial 35.c3d"]
    summary = client.get(f"/api/analyses/{queued['id']}/files/summary.json").json()
    assert summary["metrics"]["contact_time_ms"] == done["summary"]["metrics"]["contact_time_ms"]
    trends = client.get(f"/api/athletes/{athlete}/trends").json()
    assert trends["cadence_spm"]["points"][0]["analysis_id"] == queued["id"]
    report = client.get(f"/analyses/{queued['id']}/report").text
    stored = Analyses(running_web.settings.db).uploads(queued["id"])[0].stored_name
    assert "trial 35.c3d" in report  # the name it was uploaded with, never the server's
    assert str(running_web.settings.data_dir) not in report and stored not in report
    assert summary["file"] == "trial 35.c3d"
    page = client.get(f"/analyses/{queued['id']}")
    assert page.status_code == 200 and f"/analyses/{queued['id']}/report" in page.text


def test_a_wearable_sensor_file_is_analysed_like_a_clip(running_web, shared_file):
    """A real lower-back accelerometer export (Shimmer, running) through the upload page's API."""
    sensor = shared_file("imu/running_sacrum/Sample_test_data.csv")
    running_web.user("coach@example.org", "clinician")
    client = running_web.signed_in("coach@example.org")
    athlete = _athlete(client)
    upload = ("belt sensor.csv", sensor.read_bytes(), "text/csv")
    (queued,) = client.post(f"/api/athletes/{athlete}/analyses",
                            files=[("files", upload)]).json()
    assert queued["kind"] == "sensors"
    done = _wait(client, queued["id"])
    assert done["status"] == "done", done["error"]
    assert done["summary"]["kind"] == "wearable sensors"
    assert "lower_back" in done["summary"]["source"]
    assert {"summary.json", "strides.csv", "report.html"} <= {f["name"] for f in done["files"]}
    trends = client.get(f"/api/athletes/{athlete}/trends").json()
    assert trends["cadence_spm"]["points"][0]["analysis_id"] == queued["id"]
    # a CSV that is not a sensor file is refused by its content, in one line
    other = ("notes.csv", b"date,weight\n2026-11-30,72\n", "text/csv")
    refused = client.post(f"/api/athletes/{athlete}/analyses", files=[("files", other)])
    assert refused.status_code == 415 and "notes.csv" in refused.json()["detail"]


def test_a_watch_file_goes_into_that_athletes_training_load_only(running_web, tmp_path):
    from stridelab.io.activity.synth import encode_run

    running_web.user("runner@example.org", "runner")
    client = running_web.signed_in("runner@example.org")
    athlete = client.get("/api/me").json()["athlete_id"]
    start = datetime.now(timezone.utc).replace(hour=7, minute=0, second=0, microsecond=0)
    fit = encode_run(start, 10000, 3000)
    (queued,) = client.post(f"/api/athletes/{athlete}/analyses",
                            files=[("files", ("morning.fit", fit, "application/octet-stream"))]
                            ).json()
    assert queued["kind"] == "watch"
    done = _wait(client, queued["id"])
    assert done["status"] == "done", done["error"]
    assert "report.html" in {f["name"] for f in done["files"]}
    (run,) = client.get(f"/api/athletes/{athlete}/activities").json()
    assert run["distance_m"] == pytest.approx(10000, rel=0.01)
    load = client.get(f"/api/athletes/{athlete}/load").json()
    assert sum(w["distance_km"] for w in load["weeks"]) == pytest.approx(10, rel=0.01)
    assert ActivityStore(running_web.settings.db).count() == 0  # not in the CLI runner's log


def test_a_failed_analysis_names_the_uploaded_file_never_a_server_path(running_web):
    running_web.user("coach@example.org", "clinician")
    client = running_web.signed_in("coach@example.org")
    athlete = _athlete(client)
    header = bytes([2, 0x50]) + bytes(510) + bytes([1, 0x50, 1, 84])  # a C3D's first bytes
    broken = header + b"and nothing of a C3D after them" * 40
    (queued,) = client.post(f"/api/athletes/{athlete}/analyses",
                            files=[("files", ("lab trial.c3d", broken, "application/octet-stream"))]
                            ).json()
    done = _wait(client, queued["id"])
    assert done["status"] == "failed"
    assert "lab trial.c3d" in done["error"]
    assert str(running_web.settings.data_dir) not in done["error"]
    assert "\n" not in done["error"]


def test_cancelling_a_queued_analysis_and_a_session_needs_two_videos(web):
    clip = b"\x00\x00\x00\x18ftypmp42" + bytes(4096)  # queued only: never decoded here
    web.user("coach@example.org", "clinician")
    client = web.signed_in("coach@example.org")
    athlete = _athlete(client)
    lone = client.post(f"/api/athletes/{athlete}/analyses", data={"session": "true"},
                       files=[("files", ("side.mp4", clip, "video/mp4"))])
    assert lone.status_code == 422 and "session" in lone.json()["detail"]
    pair = client.post(f"/api/athletes/{athlete}/analyses", data={"session": "true"},
                       files=[("files", ("left.mp4", clip, "video/mp4")),
                              ("files", ("right.mp4", clip, "video/mp4"))]).json()
    assert len(pair) == 1 and pair[0]["title"] == "left.mp4 + right.mp4"
    two = client.post(f"/api/athletes/{athlete}/analyses",
                      files=[("files", ("a.mp4", clip, "video/mp4")),
                             ("files", ("b.mp4", clip, "video/mp4"))]).json()
    assert [a["title"] for a in two] == ["a.mp4", "b.mp4"]
    cancelled = client.post(f"/api/analyses/{two[0]['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(f"/api/analyses/{two[0]['id']}/cancel").status_code == 409
    listed = client.get(f"/api/athletes/{athlete}/analyses").json()
    assert [a["status"] for a in listed] == ["queued", "cancelled", "queued"]


def test_the_first_account_is_made_once_and_is_an_admin(web):
    client = web.client()
    assert client.get("/login", follow_redirects=False).headers["location"] == "/setup"
    made = client.post("/setup", data={"email": "Ada@Example.org", "name": "Ada",
                                       "password": "long enough"}, follow_redirects=False)
    assert made.status_code == 303
    assert client.get("/api/me").json()["role"] == "admin"
    again = web.client().post("/setup", data={"email": "eve@example.org",
                                              "password": "long enough"})
    assert again.status_code == 403
    assert [u.email for u in web.app.state.accounts.users()] == ["ada@example.org"]


def test_the_api_is_described_by_openapi(web):
    spec = web.client().get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/athletes", "/api/athletes/{athlete_id}/analyses",
            "/api/analyses/{analysis_id}/events", "/api/tokens"} <= paths
    assert not any(p.startswith("/login") for p in paths)  # pages are not the API


def test_a_token_lets_a_script_use_the_api(web):
    web.user("coach@example.org", "clinician")
    browser = web.signed_in("coach@example.org")
    token = browser.post("/api/tokens", json={"name": "nightly export"}).json()["token"]
    script = web.client()
    script.headers["Authorization"] = f"Bearer {token}"
    made = script.post("/api/athletes", json={"name": "From a script"})
    assert made.status_code == 201  # no CSRF token needed without a cookie
    assert [a["name"] for a in script.get("/api/athletes").json()] == ["From a script"]


def test_an_athletes_height_is_corrected_and_checked(web):
    web.user("coach@example.org", "clinician")
    client = web.signed_in("coach@example.org")
    athlete = _athlete(client, height_m=None)
    fixed = client.patch(f"/api/athletes/{athlete}", json={"height_m": 1.82})
    assert fixed.status_code == 200 and fixed.json()["height_m"] == 1.82
    assert client.patch(f"/api/athletes/{athlete}", json={"height_m": 182}).status_code == 422
    assert client.get(f"/api/athletes/{athlete}").json()["height_m"] == 1.82
    page = client.get(f"/athletes/{athlete}")
    assert "182 cm" in page.text


def test_the_api_docs_are_served_from_this_server_without_inline_scripts(web):
    client = web.client()
    page = client.get("/docs")
    assert page.status_code == 200 and "<script>" not in page.text
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
