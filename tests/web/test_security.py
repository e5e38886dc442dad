"""Security of the web app: who may see what, passwords, sessions, CSRF, sign-in limits,
uploads, headers and API tokens.

The authorization matrix walks every route of the app that takes a path parameter (found in
``app.routes``, so a new route with an id cannot be forgotten): the users who may see an
object get it, everyone else gets the 404 a missing id gets (same body), and a caller who is
not signed in gets 401 (API) or is sent to the sign-in page (pages). Every test runs on
SQLite and, with ``$STRIDELAB_TEST_PG``, on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sys
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from stridelab.store import schema
from stridelab.store.analyses import Analyses
from stridelab.store.balance import BalanceLog
from stridelab.store.db import ActivityStore
from stridelab.store.workouts import WorkoutLog
from stridelab.web import security
from stridelab.web.security import COOKIE, LoginLimiter

#: The first bytes of an MP4 (ISO base media, ``ftyp``): uploads are told apart by content.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(4096)
#: An id no row has (fits a PostgreSQL ``integer``).
MISSING = 2_000_000_000
HTML = {"accept": "text/html,application/xhtml+xml"}
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(mp4|mov|webm|avi|c3d|trc|fit|gpx|tcx)")


def password(web) -> str:
    """The password ``web.user`` gives every account (tests/web/conftest.py)."""
    return sys.modules[type(web).__module__].PASSWORD


def exercise_id() -> str:
    from stridelab.program.library import load_library

    return sorted(load_library().exercises)[0]


def count(web, table) -> int:
    with web.app.state.accounts.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def fit_run(days_ago: int = 1) -> bytes:
    from stridelab.io.activity.synth import encode_run

    start = (datetime.now(timezone.utc) - timedelta(days=days_ago)).replace(
        hour=7, minute=0, second=0, microsecond=0)
    return encode_run(start, 8000, 2600)


# -- a clinic: two clinicians, two runners, an admin, and objects of every type ---------------

@dataclass
class Owned:
    """One athlete and one object of each type that belongs to them."""

    athlete: int
    analysis: int  # done, with report, video and files
    queued: int  # still queued: the one to cancel
    upload: int  # a file uploaded for ``analysis``
    workout: int
    balance: int
    activity: int
    tag: str = ""
    allowed: tuple[str, ...] = ()  # who may see them
    owner: str = ""  # who may also change them


@dataclass
class Clinic:
    web: object
    clients: dict
    x: Owned  # clinician A's athlete X
    r: Owned  # runner R's own athlete record
    users: dict = field(default_factory=dict)

    @property
    def missing(self) -> Owned:
        return Owned(*(MISSING,) * 7)


def make_objects(web, athlete_id: int, created_by: int, tmp_path: Path, tag: str) -> Owned:
    """An analysis (done) with its result files and upload, a queued one, a workout, a
    balance test and an imported watch activity, all of ``athlete_id``."""
    settings = web.settings
    store = Analyses(settings.db)
    stored = secrets.token_hex(16) + ".mp4"
    content = MP4 + tag.encode()
    (settings.uploads_dir / stored).write_bytes(content)
    row = {"original_name": f"{tag} side.mp4", "stored_name": stored, "kind": "video",
           "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    result_dir = secrets.token_hex(16)
    folder = settings.results_dir / result_dir
    folder.mkdir(parents=True)
    (folder / "report.html").write_text(f"<html><body><h1>report of {tag}</h1></body></html>")
    (folder / "annotated.mp4").write_bytes(MP4)
    summary = {"metrics": {"cadence_spm": {"mean": 171.0, "error": 1.5}}}
    (folder / "summary.json").write_text(json.dumps(summary))
    (folder / "error.log").write_text("Traceback: /srv/secret/path\n")  # never served
    (folder / ".partial").write_text("hidden")  # never served
    analysis = store.create(athlete_id, created_by, f"{tag} run", "video", {}, result_dir,
                            [row])
    store.finish(analysis, summary, [])
    queued = store.create(athlete_id, created_by, f"{tag} queued", "video", {},
                          secrets.token_hex(16), [row])
    upload = store.uploads(analysis)[0].id
    workout = WorkoutLog(settings.db, athlete_id).add(
        date.today(), exercise_id(), 10, "reps", [10, 8], [None, 20.0], rpe=6).id
    balance = BalanceLog(settings.db, athlete_id).add(
        date.today(), "posturography", "double, eyes open", {"sway_area_mm2": 120.0},
        {"sway_area_mm2": [110.0, 130.0]}, [], ["trial.c3d"]).id
    from stridelab.load.log import import_paths

    fit = tmp_path / f"{tag}.fit"
    fit.write_bytes(fit_run())
    (outcome,) = import_paths(ActivityStore(settings.db, athlete_id), [fit])
    assert outcome.activity_id is not None, outcome
    return Owned(athlete_id, analysis, queued, upload, workout, balance,
                 outcome.activity_id, tag)


@pytest.fixture
def clinic(web, tmp_path) -> Clinic:
    accounts = web.app.state.accounts
    users = {"A": web.user("a@example.org", "clinician"),
             "B": web.user("b@example.org", "clinician"),
             "R": web.user("r@example.org", "runner"),
             "S": web.user("s@example.org", "runner"),
             "admin": web.user("admin@example.org", "admin")}
    x = accounts.add_athlete("Xavier Athlete", clinician_id=users["A"].id, height_m=1.8)
    accounts.add_athlete("Bea's Athlete", clinician_id=users["B"].id)
    r = accounts.own_athlete(users["R"])
    owned_x = replace(make_objects(web, x.id, users["A"].id, tmp_path, "xavier"),
                      allowed=("A", "admin"), owner="A")
    owned_r = replace(make_objects(web, r.id, users["R"].id, tmp_path, "rosa"),
                      allowed=("R", "admin"), owner="R")
    clients = {who: web.signed_in(user.email) for who, user in users.items()}
    clients["anon"] = web.client()
    return Clinic(web, clients, owned_x, owned_r, users)


# -- the authorization matrix -------------------------------------------------------------

def app_routes(app) -> list[tuple[str, str, list[str]]]:
    """(method, path, path parameters) of every route, through included routers."""

    def walk(routes, prefix=""):
        for route in routes:
            if hasattr(route, "original_router"):  # newer FastAPI: included routers stay nested
                yield from walk(route.original_router.routes,
                                prefix + route.include_context.prefix)
                continue
            path = prefix + getattr(route, "path_format", route.path)  # a mount: /static/{path}
            params = re.findall(r"{(\w+)(?::\w+)?}", path)
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                if method != "HEAD":
                    yield method, path, params

    return list(walk(app.routes))


#: Path parameter -> the object of :class:`Owned` it names (``name``: a result file).
PARAM_OBJECT = {"athlete_id": "athlete", "analysis_id": "analysis", "upload_id": "upload",
                "activity_id": "activity", "entry_id": "workout", "record_id": "balance"}
#: Routes that change something: only their denial is in the matrix (and the owner's
#: success after it); the object the change is aimed at, and the request's body.
WRITES = {
    ("POST", "/api/athletes/{athlete_id}/analyses"):
        ({}, lambda: {"files": [("files", ("clip.mp4", MP4, "video/mp4"))]}, 201),
    ("POST", "/api/athletes/{athlete_id}/workouts"):
        ({}, lambda: {"json": {"day": date.today().isoformat(), "exercise_id": exercise_id(),
                               "sets": [{"reps": 12}]}}, 201),
    ("POST", "/api/analyses/{analysis_id}/cancel"): ({"analysis_id": "queued"}, dict, 200),
    ("DELETE", "/api/workouts/{entry_id}"): ({}, dict, 204),
    ("PATCH", "/api/athletes/{athlete_id}"): ({}, lambda: {"json": {"height_m": 1.81}}, 200),
}
#: Routes with a path parameter that the matrix leaves to another test, and why.
LISTED = {
    ("GET", "/static/{path}"): "static files of the pages: nobody's objects",
    ("GET", "/docs-assets/{path}"): "Swagger UI's files for /docs: nobody's objects",
    ("DELETE", "/api/tokens/{token_id}"): "tokens belong to users, not athletes: "
                                          "test_api_tokens (nobody, not even an admin, "
                                          "revokes another user's token)",
}


#: What those who may see an object are shown: it is that athlete's (a few routes, by path).
SHOWN = {
    "/api/athletes/{athlete_id}": lambda r, o: r.json()["id"] == o.athlete,
    "/api/athletes/{athlete_id}/analyses":
        lambda r, o: {a["id"] for a in r.json()} == {o.analysis, o.queued},
    "/api/analyses/{analysis_id}": lambda r, o: r.json()["athlete_id"] == o.athlete,
    "/api/athletes/{athlete_id}/activities":
        lambda r, o: [a["id"] for a in r.json()] == [o.activity],
    "/api/athletes/{athlete_id}/workouts": lambda r, o: [w["id"] for w in r.json()] == [o.workout],
    "/api/athletes/{athlete_id}/balance": lambda r, o: [b["id"] for b in r.json()] == [o.balance],
    "/api/analyses/{analysis_id}/uploads/{upload_id}":
        lambda r, o: r.content.endswith(o.tag.encode()),
    "/analyses/{analysis_id}/report": lambda r, o: f"report of {o.tag}" in r.text,
    "/athletes/{athlete_id}": lambda r, o: f"{o.tag} run" in r.text,
}


def matrix_routes(app) -> list[tuple[str, str, list[str]]]:
    return [(m, p, params) for m, p, params in app_routes(app)
            if params and (m, p) not in LISTED]


def url_for(path: str, owned: Owned, overrides: dict | None = None) -> str:
    def value(match):
        name = match.group(1)
        if name == "name":
            return "summary.json"
        attribute = (overrides or {}).get(name) or PARAM_OBJECT[name]
        return str(getattr(owned, attribute))

    return re.sub(r"{(\w+)}", value, path)


def call(client, method: str, path: str, url: str, extra: dict | None = None):
    headers = dict(HTML) if not path.startswith("/api/") else {}
    return client.request(method, url, headers=headers, follow_redirects=False,
                          **(extra or {}))


def test_every_route_with_an_id_is_in_the_matrix_or_listed(web):
    routes = {(m, p): params for m, p, params in app_routes(web.app) if params}
    assert set(LISTED) <= set(routes), "a listed route is gone: update LISTED"
    assert set(WRITES) <= set(routes), "a write route is gone: update WRITES"
    unknown = {f"{m} {p}": params for (m, p), params in routes.items() if (m, p) not in LISTED
               and not set(params) <= {*PARAM_OBJECT, "name"}}
    assert not unknown, f"routes whose ids the matrix cannot fill: {unknown}"
    unsafe = {f"{m} {p}" for (m, p) in routes if m not in ("GET", "*")
              and (m, p) not in LISTED and (m, p) not in WRITES}
    assert not unsafe, f"routes that change something but are not in WRITES: {unsafe}"
    # the list, so that the matrix provably covers it
    expected = {
        "/api/athletes/{athlete_id}", "/api/analyses/{analysis_id}",
        "/api/analyses/{analysis_id}/events", "/api/analyses/{analysis_id}/cancel",
        "/api/analyses/{analysis_id}/files/{name}",
        "/api/analyses/{analysis_id}/uploads/{upload_id}",
        "/api/athletes/{athlete_id}/trends", "/api/athletes/{athlete_id}/load",
        "/api/athletes/{athlete_id}/activities", "/api/activities/{activity_id}",
        "/api/athletes/{athlete_id}/workouts", "/api/workouts/{entry_id}",
        "/api/athletes/{athlete_id}/balance", "/api/balance/{record_id}",
        "/api/tokens/{token_id}", "/athletes/{athlete_id}", "/athletes/{athlete_id}/upload",
        "/athletes/{athlete_id}/workouts", "/analyses/{analysis_id}",
        "/analyses/{analysis_id}/report", "/analyses/{analysis_id}/video"}
    assert expected <= {p for _, p in routes}


def test_authorization_matrix_over_every_route_with_an_id(clinic):
    """B and S (and the other owner) get A's and R's objects as 404, exactly like a missing id;
    A and R get their own, the admin everything; nobody signed in gets 401 or the sign-in
    page. Writes are refused to the others and leave nothing changed."""
    web, clients = clinic.web, clinic.clients
    routes = matrix_routes(web.app)
    problems: list[str] = []
    missing_cache: dict[tuple[str, str, str], tuple[int, str]] = {}

    def expect(condition: bool, what: str) -> None:
        if not condition:
            problems.append(what)

    def missing_answer(who: str, method: str, path: str, overrides, extra):
        key = (who, method, path)
        if key not in missing_cache:
            r = call(clients[who], method, path, url_for(path, clinic.missing, overrides),
                     extra)
            missing_cache[key] = (r.status_code, r.text)
        return missing_cache[key]

    before = {"analyses": count(web, schema.analysis),
              "workouts": count(web, schema.workout_entry),
              "uploads": files_under(web.settings.uploads_dir)}
    for owned in (clinic.x, clinic.r):
        for method, path, _ in routes:
            overrides, body, ok = WRITES.get((method, path), ({}, dict, 200))
            url = url_for(path, owned, overrides)
            label = f"{method} {url} ({path}, {owned.tag}'s)"
            for who in clients:
                if (method, path) in WRITES and who in owned.allowed:
                    continue  # the owner's change comes after every refusal
                r = call(clients[who], method, path, url, body())
                if who == "anon":
                    if path.startswith("/api/"):
                        expect(r.status_code == 401, f"{label} anonymous: {r.status_code}")
                    else:
                        expect(r.status_code == 303
                               and r.headers["location"].startswith("/login"),
                               f"{label} anonymous: {r.status_code} {r.headers}")
                elif who in owned.allowed:
                    expect(r.status_code == ok, f"{label} as {who}: {r.status_code} "
                                                f"{r.text[:200]}")
                    expect(r.status_code != ok or path not in SHOWN or SHOWN[path](r, owned),
                           f"{label} as {who}: not {owned.tag}'s: {r.text[:200]}")
                else:
                    expect(r.status_code == 404, f"{label} as {who}: {r.status_code} "
                                                 f"{r.text[:200]}")
                    expect((r.status_code, r.text) == missing_answer(
                        who, method, path, overrides, body()),
                        f"{label} as {who}: answered unlike a missing id: {r.text[:200]} "
                        f"vs {missing_answer(who, method, path, overrides, body())}")
    # nothing the refused writes aimed at has changed
    expect(count(web, schema.analysis) == before["analyses"], "a refused upload was stored")
    expect(count(web, schema.workout_entry) == before["workouts"],
           "a refused workout was logged or deleted")
    expect(files_under(web.settings.uploads_dir) == before["uploads"],
           "a refused upload left a file")
    expect(not files_under(web.settings.partial_dir), "a refused upload left a partial file")
    store = Analyses(web.settings.db)
    expect(store.status(clinic.x.queued) == "queued", "a refused cancel cancelled")
    assert not problems, "\n".join(problems)

    # the owners (and only they) make the changes that were refused to the others
    for owned in (clinic.x, clinic.r):
        client = clients[owned.owner]
        for (method, path), (overrides, body, ok) in WRITES.items():
            r = call(client, method, path, url_for(path, owned, overrides), body())
            assert r.status_code == ok, (owned.owner, method, path, r.text)
        assert store.status(owned.queued) == "cancelled"
        assert owned.workout not in {e.id for e in WorkoutLog(web.settings.db,
                                                              owned.athlete).entries()}


def test_lists_show_only_what_the_caller_may_see(clinic):
    c = clinic.clients
    names = {who: {a["name"] for a in c[who].get("/api/athletes").json()}
             for who in ("A", "B", "R", "S", "admin")}
    assert names["A"] == {"Xavier Athlete"}
    assert names["B"] == {"Bea's Athlete"}
    assert names["R"] == {"r"} and names["S"] == {"s"}  # a runner sees only their own record
    assert {"Xavier Athlete", "Bea's Athlete", "r", "s"} <= names["admin"]
    assert "Xavier" not in c["B"].get("/athletes").text
    assert "Xavier" in c["A"].get("/athletes").text
    assert c["R"].get("/api/me").json()["athlete_id"] == clinic.r.athlete
    assert c["R"].post("/api/athletes", json={"name": "Someone"}).status_code == 403
    for who in ("A", "B", "R", "S"):
        assert c[who].get("/api/users").status_code == 403
    assert len(c["admin"].get("/api/users").json()) == 5


def test_an_upload_id_is_checked_against_its_analysis_and_odd_ids_are_404(clinic):
    c, x, r = clinic.clients, clinic.x, clinic.r
    # R's own analysis, X's file: the file is not R's analysis's, for R and for an admin
    for who in ("R", "admin"):
        response = c[who].get(f"/api/analyses/{r.analysis}/uploads/{x.upload}")
        assert response.status_code == 404, (who, response.text)
    assert c["A"].get(f"/api/analyses/{x.analysis}/uploads/{x.upload}").content.endswith(
        b"xavier")
    for odd in ("0", "-1", "2147483648", "9223372036854775807", "99999999999999999999",
                "-99999999999999999999"):
        for url in (f"/api/athletes/{odd}", f"/api/analyses/{odd}", f"/api/workouts/{odd}",
                    f"/api/activities/{odd}", f"/api/balance/{odd}",
                    f"/api/analyses/{x.analysis}/uploads/{odd}", f"/athletes/{odd}"):
            response = c["admin"].get(url)
            assert response.status_code == 404, (url, response.status_code, response.text)
        assert c["A"].delete(f"/api/tokens/{odd}").status_code == 404


# -- passwords, sessions, CSRF, sign-in limits ----------------------------------------------

def test_passwords_are_argon2id_hashes_salted_per_account(web):
    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError

    accounts = web.app.state.accounts
    a = web.user("a@example.org", "clinician")
    b = web.user("b@example.org", "clinician")  # the same password
    user = schema.user_account
    with accounts.engine.connect() as conn:
        hashes = dict(conn.execute(select(user.c.email, user.c.password_hash)).all())
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert hashes["a@example.org"] != hashes["b@example.org"]  # a random salt each
    assert password(web) not in hashes["a@example.org"]
    params = dict(p.split("=") for p in hashes["a@example.org"].split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2  # OWASP's least for Argon2id
    assert PasswordHasher().verify(hashes["a@example.org"], password(web))
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(hashes["a@example.org"], password(web) + "!")
    assert accounts.check_password("A@Example.org ", password(web)) == a
    assert accounts.check_password("b@example.org", password(web)) == b
    assert accounts.check_password("a@example.org", password(web) + "x") is None
    assert accounts.check_password("nobody@example.org", password(web)) is None
    assert accounts.check_password("not an address", password(web)) is None


def test_the_session_cookie_is_secure_httponly_lax_and_sign_out_ends_it(web):
    web.user("a@example.org", "clinician")
    client = web.client()
    wrong = client.post("/login", data={"email": "a@example.org", "password": "nope nope"},
                        follow_redirects=False)
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    signed = client.post("/login", data={"email": "a@example.org", "password": password(web)},
                         follow_redirects=False)
    assert signed.status_code == 303
    (cookie,) = [c for c in signed.headers.get_list("set-cookie") if c.startswith(COOKIE + "=")]
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "httponly" in flags and "secure" in flags
    assert flags["samesite"].lower() == "samesite=lax" and flags["path"] == "Path=/"
    token = client.cookies[COOKIE]
    with web.app.state.accounts.engine.connect() as conn:  # only its hash is kept
        stored = conn.execute(select(schema.web_session.c.token_hash)).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]

    old = web.client()
    old.headers["cookie"] = f"{COOKIE}={token}"
    assert old.get("/api/me").json()["email"] == "a@example.org"
    page = client.get("/account")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    assert client.post("/logout", follow_redirects=False).status_code == 403  # CSRF
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert any(c.startswith(COOKIE + "=") and "Max-Age=0" in c
               for c in out.headers.get_list("set-cookie"))
    assert old.get("/api/me").status_code == 401  # ended on the server, not only in the browser
    home = old.get("/athletes", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"].startswith("/login")
    assert count(web, schema.web_session) == 0
    forged = web.client()
    forged.headers["cookie"] = f"{COOKIE}={secrets.token_urlsafe(32)}"
    assert forged.get("/api/me").status_code == 401


def test_changes_made_with_the_cookie_need_the_sessions_csrf_token(web):
    web.user("a@example.org", "clinician")
    web.user("b@example.org", "clinician")
    client = web.signed_in("a@example.org")
    csrf = client.headers.pop("X-CSRF-Token")
    other = web.signed_in("b@example.org").csrf  # a real token, of another session
    athlete = web.app.state.accounts.add_athlete("X", clinician_id=client.get(
        "/api/me").json()["id"]).id
    entry = WorkoutLog(web.settings.db, athlete).add(date.today(), exercise_id(), 5, "reps",
                                                     [5], [None]).id
    upload = {"files": [("files", ("clip.mp4", MP4, "video/mp4"))]}

    def state():
        return (count(web, schema.athlete), count(web, schema.analysis),
                count(web, schema.workout_entry), count(web, schema.api_token),
                count(web, schema.web_session), files_under(web.settings.uploads_dir))

    cases = [  # (method, url, request arguments, status when the token is right)
        ("POST", "/athletes", {"data": {"name": "By form"}}, 303),  # a page's form
        ("POST", "/api/athletes", {"json": {"name": "By script"}}, 201),  # JSON API
        ("POST", f"/api/athletes/{athlete}/analyses", upload, 201),  # multipart upload
        ("POST", "/api/tokens", {"json": {"name": "t"}}, 201),
        ("DELETE", f"/api/workouts/{entry}", {}, 204),
        ("POST", "/logout", {"data": {}}, 303),  # last: it ends the session
    ]
    for method, url, kwargs, ok in cases:
        before = state()
        for bad in (None, "", "wrong-" + csrf, other):
            headers = {} if bad is None else {"X-CSRF-Token": bad}
            r = client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
            assert r.status_code == 403 and "CSRF" in r.text, (method, url, bad, r.text)
            if "data" in kwargs and bad is not None:  # a wrong token in the form's field
                r = client.request(method, url, data={**kwargs["data"], "csrf_token": bad},
                                   follow_redirects=False)
                assert r.status_code == 403 and "CSRF" in r.text, (method, url, bad, r.text)
        assert state() == before, (method, url)
        if "data" in kwargs:  # a page's form sends the token in a field
            r = client.request(method, url, data={**kwargs["data"], "csrf_token": csrf},
                               follow_redirects=False)
        else:  # the pages' scripts send it in a header
            r = client.request(method, url, headers={"X-CSRF-Token": csrf},
                               follow_redirects=False, **kwargs)
        assert r.status_code == ok, (method, url, r.status_code, r.text)
        assert state() != before, (method, url)
    # a script's bearer token needs none
    browser = web.signed_in("a@example.org")
    token = browser.post("/api/tokens", json={"name": "s"}).json()["token"]
    script = web.client()
    script.headers["Authorization"] = f"Bearer {token}"
    assert script.post("/api/athletes", json={"name": "From a script"}).status_code == 201
    assert script.post(f"/api/athletes/{athlete}/analyses", **upload).status_code == 201
    # reading needs no token
    browser.headers.pop("X-CSRF-Token")
    assert browser.get(f"/api/athletes/{athlete}/analyses").status_code == 200


def test_a_sign_in_form_from_another_site_is_refused(web):
    web.user("a@example.org", "clinician")
    form = {"email": "a@example.org", "password": password(web)}
    for headers in ({"origin": "https://evil.example"}, {"origin": "null"},
                    {"origin": "http://testserver.evil.example"},
                    {"origin": "", "referer": "https://evil.example/login"}):
        client = web.client()
        r = client.post("/login", data=form, headers=headers, follow_redirects=False)
        assert r.status_code == 403, (headers, r.status_code)
        assert COOKIE not in client.cookies
    r = web.client().post("/login", data=form, follow_redirects=False)  # the site's own form
    assert r.status_code == 303
    assert web.client().post("/setup", data=form, headers={"origin": "https://evil.example"}
                             ).status_code == 403


def test_failed_sign_ins_are_limited_per_address_and_per_account(web, monkeypatch):
    from fastapi.testclient import TestClient

    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(security, "time", SimpleNamespace(monotonic=lambda: clock.now))
    attempts, window = web.settings.login_attempts, web.settings.login_window_s
    web.app.state.login_limiter = LoginLimiter(attempts, window)  # a fresh one, on that clock
    web.user("a@example.org", "clinician")
    web.user("b@example.org", "clinician")

    def sign_in(email, pw, address="203.0.113.5"):
        client = TestClient(web.app, base_url="https://testserver", client=(address, 40000),
                            headers={"origin": "https://testserver"})
        return client.post("/login", data={"email": email, "password": pw},
                           follow_redirects=False)

    for _ in range(attempts):
        assert sign_in("a@example.org", "wrong password").status_code == 401
    locked = sign_in("a@example.org", password(web))  # right password, still refused
    assert locked.status_code == 429 and "set-cookie" not in locked.headers
    assert "Too many" in locked.text
    assert sign_in("b@example.org", password(web)).status_code == 429  # same address
    assert sign_in("a@example.org", password(web), "198.51.100.9").status_code == 429  # account
    assert sign_in("b@example.org", password(web), "198.51.100.9").status_code == 303
    clock.now += window - 1
    assert sign_in("a@example.org", password(web)).status_code == 429
    clock.now += 2  # the window has passed
    assert sign_in("a@example.org", password(web)).status_code == 303


def test_wrong_guesses_sent_all_at_once_are_limited_too(web):
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    web.user("a@example.org", "clinician")
    client = TestClient(web.app, base_url="https://testserver",
                        headers={"origin": "https://testserver"})

    def guess(k):
        return client.post("/login", data={"email": "a@example.org", "password": f"guess {k}"},
                           follow_redirects=False).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(guess, range(24)))
    assert codes.count(401) == web.settings.login_attempts  # checked: only as many as allowed
    assert codes.count(429) == 24 - web.settings.login_attempts


def test_the_sign_in_limiter_forgets_and_keeps_no_entry_for_addresses_that_did_not_fail(
        monkeypatch):
    clock = SimpleNamespace(now=50.0)
    monkeypatch.setattr(security, "time", SimpleNamespace(monotonic=lambda: clock.now))
    limiter = LoginLimiter(3, 60.0)
    for i in range(1000):  # a flood of tries at accounts (each looked up, none failed)
        assert limiter.retry_after("ip:203.0.113.5", f"user:{i}@example.org") == 0
    assert len(limiter.failures) == 0
    for i in range(1000):
        limiter.failed(f"ip:192.0.2.{i % 250}", f"user:{i}@example.org")
    clock.now += 61
    limiter.failed("ip:203.0.113.5", "user:late@example.org")
    assert set(limiter.failures) == {"ip:203.0.113.5", "user:late@example.org"}
    limiter.failed("ip:203.0.113.5", "user:late@example.org")
    limiter.failed("ip:203.0.113.5", "user:late@example.org")
    assert limiter.retry_after("ip:203.0.113.5") == pytest.approx(60.0)
    clock.now += 30
    assert limiter.retry_after("user:late@example.org") == pytest.approx(30.0)


# -- uploads --------------------------------------------------------------------------------

@pytest.fixture
def coach(web):
    web.user("coach@example.org", "clinician")
    client = web.signed_in("coach@example.org")
    athlete = client.post("/api/athletes", json={"name": "Athlete"}).json()["id"]
    return client, athlete


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(web, coach):
    client, athlete = coach
    limit = int(web.settings.max_upload_mb * 1e6)
    url = f"/api/athletes/{athlete}/analyses"
    big = MP4 + bytes(limit + 1 - len(MP4))
    r = client.post(url, files=[("files", ("big.mp4", big, "video/mp4"))])
    assert r.status_code == 413, r.text
    half = MP4 + bytes(limit // 2 + 1000 - len(MP4))  # each fits, the two together do not
    r = client.post(url, files=[("files", ("a.mp4", half, "video/mp4")),
                                ("files", ("b.mp4", half, "video/mp4"))])
    assert r.status_code == 413, r.text
    assert not files_under(web.settings.uploads_dir)
    assert not files_under(web.settings.partial_dir)
    assert count(web, schema.analysis) == 0 and count(web, schema.upload) == 0
    lone = client.post(url, data={"session": "true"},  # refused after it was received
                       files=[("files", ("side.mp4", MP4, "video/mp4"))])
    assert lone.status_code == 422
    mixed = client.post(url, data={"session": "true"},
                        files=[("files", ("side.mp4", MP4, "video/mp4")),
                               ("files", ("run.fit", fit_run(), "application/octet-stream"))])
    assert mixed.status_code == 422
    assert not files_under(web.settings.uploads_dir)
    assert not files_under(web.settings.partial_dir)
    exact = MP4 + bytes(limit - len(MP4))  # the limit itself is allowed
    assert client.post(url, files=[("files", ("ok.mp4", exact, "video/mp4"))]
                       ).status_code == 201


def test_an_upload_is_told_by_its_content_not_its_name(web, coach):
    client, athlete = coach
    url = f"/api/athletes/{athlete}/analyses"
    for name, content in (("clip.mp4", b"this is only text, not a video\n" * 20),
                          ("clip.mp4", b"<html><script>alert(1)</script></html>"),
                          ("run.fit", b"#!/bin/sh\nrm -rf /\n"),
                          ("trial.c3d", b"MZ\x90\x00" + bytes(100))):
        r = client.post(url, files=[("files", (name, content, "video/mp4"))])
        assert r.status_code == 415, (name, r.status_code, r.text)
    assert client.post(url, files=[("files", ("empty.mp4", b"", "video/mp4"))]
                       ).status_code == 400
    assert not files_under(web.settings.uploads_dir) and count(web, schema.analysis) == 0
    (made,) = client.post(url, files=[("files", ("clip.mp4", fit_run(), "video/mp4"))]).json()
    assert made["kind"] == "watch"  # a FIT named .mp4 is a FIT
    (upload,) = client.get(f"/api/analyses/{made['id']}").json()["uploads"]
    assert upload["kind"] == "fit" and upload["name"] == "clip.mp4"
    (stored,) = files_under(web.settings.uploads_dir)
    assert STORED_NAME.fullmatch(stored.name) and stored.suffix == ".fit"


def _multipart(names: list[bytes], content: bytes) -> tuple[bytes, str]:
    """A multipart body whose file names are sent byte for byte (httpx would escape them)."""
    boundary = "stridelab" + secrets.token_hex(12)
    body = b""
    for name in names:
        body += (b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; '
                 b'name="files"; filename="' + name + b'"\r\nContent-Type: '
                 b"application/octet-stream\r\n\r\n" + content + b"\r\n")
    body += b"--" + boundary.encode() + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary}"


def test_hostile_file_names_are_only_shown_and_sanitized(web, coach, tmp_path):
    client, athlete = coach
    def outside():  # files written anywhere but the data folder (and the database's own)
        return {p for p in files_under(tmp_path)
                if web.settings.data_dir not in p.parents and ".sqlite" not in p.name}

    before = outside()
    names = [b"../../etc/passwd", b"..\\..\\x.c3d", b"/etc/shadow", b"C:\\Windows\\win.ini",
             b"clip\x00.mp4.php", b"cl\x01ip\x1b[31m\x7f.mp4", b"\xe2\x80\xaegpj.mp4",
             b"A" * 4000 + b".mp4", b"..", b"...", b".htaccess",
             b"<img src=x onerror=alert(1)>.mp4", b"page.html"]
    body, content_type = _multipart(names, MP4)
    r = client.post(f"/api/athletes/{athlete}/analyses", content=body,
                    headers={"content-type": content_type})
    assert r.status_code == 201, r.text
    made = r.json()
    assert len(made) == len(names)
    stored = files_under(web.settings.uploads_dir)
    assert len(stored) == len(names)
    assert all(STORED_NAME.fullmatch(p.name) and p.parent == web.settings.uploads_dir
               for p in stored)
    assert outside() == before
    shown = []
    for analysis in made:
        (upload,) = client.get(f"/api/analyses/{analysis['id']}").json()["uploads"]
        shown.append(upload["name"])
        name = upload["name"]
        assert name and len(name) <= 120 and not name.startswith(".")
        assert not set(name) & {"/", "\\"} and all(c.isprintable() for c in name)
        assert "\u202e" not in name
        download = client.get(f"/api/analyses/{analysis['id']}/uploads/{upload['id']}")
        assert download.status_code == 200 and download.content == MP4
        disposition = unquote(download.headers["content-disposition"])
        assert disposition.startswith("attachment")
        assert not set(disposition) & {"/", "\\", "\x00"}
        assert "html" not in download.headers["content-type"]  # never rendered
    assert shown[:4] == ["passwd", "x.c3d", "shadow", "win.ini"]
    assert shown[8] == shown[9] == "upload" and shown[10] == "htaccess"
    page = client.get(f"/analyses/{made[-2]['id']}")
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;.mp4" in page.text


def test_result_files_are_reached_by_their_names_only(clinic):
    web, client, x = clinic.web, clinic.clients["A"], clinic.x
    secret = web.settings.data_dir / "secret.txt"
    secret.write_text("secret")
    base = f"/api/analyses/{x.analysis}/files/"
    assert client.get(base + "summary.json").status_code == 200
    report = client.get(base + "report.html")
    assert report.headers["content-disposition"].startswith("attachment")
    for name in ("..%2f..%2fsecret.txt", "%2e%2e%2f%2e%2e%2fsecret.txt", "%2e%2e", "%2e",
                 "..%5c..%5csecret.txt", "%252e%252e%252fsecret.txt", "%2fetc%2fpasswd",
                 "..%2f..%2f..%2fsecret.txt", "error.log", ".partial",
                 "summary.json%00.txt"):
        r = client.get(base + name)
        assert r.status_code == 404, (name, r.status_code, r.text[:200])
        assert b"secret" not in r.content and b"Traceback" not in r.content
    for url in (f"/analyses/{x.analysis}/report/..%2f..%2fsecret.txt",
                f"/analyses/{x.analysis}/video%2f..%2f..%2fsecret.txt"):
        assert client.get(url).status_code == 404


# -- headers -------------------------------------------------------------------------------

def _policy(header: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2]
            for d in header.split(";") if d.strip()}


def test_security_headers_on_pages_and_api_and_a_report_runs_no_script(clinic):
    web, client, x = clinic.web, clinic.clients["A"], clinic.x
    anon = web.client()
    answers = {"login page": anon.get("/login"), "page": client.get(f"/athletes/{x.athlete}"),
               "page 404": client.get("/athletes/2000000000", headers=HTML),
               "API": client.get("/api/me"), "API 401": anon.get("/api/me"),
               "API 404": client.get("/api/athletes/2000000000"),
               "file": client.get(f"/api/analyses/{x.analysis}/files/summary.json"),
               "video": client.get(f"/analyses/{x.analysis}/video")}
    for what, r in answers.items():
        assert r.headers["x-content-type-options"] == "nosniff", what
        assert r.headers["x-frame-options"] in ("DENY", "SAMEORIGIN"), what
        assert r.headers["referrer-policy"] in ("same-origin", "no-referrer",
                                                "strict-origin-when-cross-origin"), what
        assert "max-age=" in r.headers["strict-transport-security"], what
        csp = _policy(r.headers["content-security-policy"])
        assert csp["script-src"] == "'self'", what  # no inline script, nothing from elsewhere
        assert csp["frame-ancestors"] in ("'self'", "'none'"), what
        assert csp["object-src"] == "'none'" and "base-uri" in csp, what
    for what in ("API", "API 401", "API 404", "file", "page", "login page"):
        assert "no-store" in answers[what].headers["cache-control"], what
    report = client.get(f"/analyses/{x.analysis}/report")
    assert report.status_code == 200 and "report of xavier" in report.text
    csp = _policy(report.headers["content-security-policy"])
    assert "script-src" not in csp and csp["default-src"] == "'none'"
    assert csp["frame-ancestors"] in ("'self'", "'none'") and csp["form-action"] == "'none'"
    assert report.headers["x-content-type-options"] == "nosniff"


# -- API tokens ------------------------------------------------------------------------------

def test_api_tokens_work_are_revoked_and_are_each_users_own(clinic):
    web, c, users = clinic.web, clinic.clients, clinic.users
    for _ in range(users["R"].id - 1):  # A's token gets R's user id as its own id
        c["admin"].post("/api/tokens", json={"name": "filler"})
    made = c["A"].post("/api/tokens", json={"name": "nightly"}).json()
    token, token_id = made["token"], made["id"]
    assert token_id == users["R"].id != users["A"].id
    with web.app.state.accounts.engine.connect() as conn:  # only its hash is kept
        kept = conn.execute(select(schema.api_token.c.token_hash)
                            .where(schema.api_token.c.id == token_id)).scalar_one()
    assert kept != token and token not in json.dumps(c["A"].get("/api/tokens").json())
    script = web.client()
    script.headers["Authorization"] = f"Bearer {token}"
    me = script.get("/api/me").json()
    assert (me["id"], me["email"], me["role"]) == (users["A"].id, "a@example.org", "clinician")
    assert script.get(f"/api/athletes/{clinic.x.athlete}").status_code == 200  # A's, not R's
    assert script.get(f"/api/athletes/{clinic.r.athlete}").status_code == 404
    assert [a["id"] for a in script.get("/api/athletes").json()] == [clinic.x.athlete]
    # nobody else revokes it, not even an admin; same answer as a token that is not there
    for who in ("B", "R", "S", "admin"):
        r = c[who].delete(f"/api/tokens/{token_id}")
        assert r.status_code == 404, (who, r.status_code)
        assert r.json() == c[who].delete(f"/api/tokens/{MISSING}").json()
    b_token = c["B"].post("/api/tokens", json={"name": "b"}).json()["token"]
    b_script = web.client()
    b_script.headers["Authorization"] = f"Bearer {b_token}"
    assert b_script.delete(f"/api/tokens/{token_id}").status_code == 404
    assert {t["id"] for t in c["B"].get("/api/tokens").json()}.isdisjoint({token_id})
    assert script.get("/api/me").status_code == 200  # still works
    # its owner revokes it (the script itself, no CSRF token: no cookie)
    assert script.delete(f"/api/tokens/{token_id}").status_code == 204
    assert script.get("/api/me").status_code == 401
    assert script.delete(f"/api/tokens/{token_id}").status_code == 401
    for bad in ("", "slt_", "slt_" + secrets.token_urlsafe(32), token + "x", b_token[:-1]):
        other = web.client()
        other.headers["Authorization"] = f"Bearer {bad}"
        assert other.get("/api/me").status_code == 401, bad
    assert b_script.get("/api/me").json()["email"] == "b@example.org"


def test_a_body_past_the_limit_is_refused_while_it_arrives_even_unsigned(live_server):
    """The limit applies to the request as it streams in (a real server), before sign-in."""
    import select
    import socket
    from urllib.parse import urlparse

    url = urlparse(live_server.url)
    offered, chunk = 2000 * (1 << 20), bytes(1 << 20)  # 2 GB offered; the limit is 500 MB
    sent, answer = 0, b""
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(f"POST /api/athletes/1/analyses HTTP/1.1\r\nHost: {url.netloc}\r\n"
                     f"Content-Type: multipart/form-data; boundary=x\r\n"
                     f"Content-Length: {offered}\r\n\r\n".encode())
        try:
            while sent < offered and not answer:
                sock.sendall(chunk)
                sent += len(chunk)
                if select.select([sock], [], [], 0)[0]:
                    answer = sock.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            pass
        if not answer:
            answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413") or answer.startswith(b"HTTP/1.1 401"), answer[:80]
    assert sent < offered / 2  # refused long before the body's end
