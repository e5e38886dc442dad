"""The pages: server-rendered (Jinja2) and small scripts (``static/app.js``) that call the API.

Signing in and out, the first account, the athlete list, an athlete's page (analyses,
trends, training load with its guards, the program's current week, workouts, balance),
upload with the filming guidance, an analysis (progress, report, annotated video, findings,
files), logging a workout, API tokens and (admins) accounts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from stridelab.errors import StridelabError
from stridelab.web import api
from stridelab.web.cache import LRUCache, read_json
from stridelab.web.security import (
    COOKIE,
    REPORT_CSP,
    Caller,
    LoginLimiter,
    caller,
    check_csrf,
    require_user,
)
from stridelab.web.settings import Settings

router = APIRouter(include_in_schema=False)
#: Parsed program.json files of analyses (read by the athlete and workouts pages).
PROGRAMS: LRUCache[Any] = LRUCache(256)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))

#: What each result file holds, shown beside its download link.
FILE_NOTES = {
    "report.html": "the report, to open in a browser or print",
    "annotated.mp4": "the clip with body points and each leg's phase drawn on it",
    "summary.json": "every measure with its spread and error",
    "findings.json": "the findings with their evidence",
    "program.json": "the strength & balance program",
    "strides.csv": "one row per stride",
    "angles.csv": "joint angles, frame by frame",
    "keypoints.csv": "body points, frame by frame",
}
#: Units of logged sets, as a person reads them.
SET_UNITS = {"reps": "reps", "s": "s", "m": "m", "contacts": "contacts"}
#: How the sets field is labelled for each unit of an exercise.
UNIT_WORDS = {"reps": "Reps per set", "s": "Seconds per set", "m": "Metres per set",
              "contacts": "Ground contacts per set"}


def _size(size_bytes: float) -> str:
    """A file size as a person reads it (``3.6 MB``)."""
    for unit, step in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size_bytes >= step:
            return f"{size_bytes / step:.1f} {unit}"
    return f"{size_bytes:.0f} bytes"


def _number(value: float | None) -> str:
    """A logged number without a needless ``.0`` (``20``, ``22.5``)."""
    if value is None:
        return ""
    return f"{value:g}"


def _finding_value(finding: dict[str, Any]) -> str:
    """A finding's value with its unit, as the report writes it."""
    from stridelab.units import finite, format_value

    value = finding.get("value")
    if not finite(value):
        return "–"
    return format_value(float(value), str(finding.get("unit") or ""))


def _stage(stage: str | None, status: str = "running") -> str:
    """What a running analysis is doing, in words (the pipeline's stage names are short)."""
    if status == "queued":
        return "waiting for a free worker"
    if not stage or status != "running":
        return ""
    for prefix, words in (("pose ", "finding the body points in "), ("reading ", "reading ")):
        if stage.startswith(prefix):
            return words + stage[len(prefix):]
    return {"starting": "starting", "annotated video": "drawing the annotated video",
            "events, phases and measures": "finding steps, phases and measures"}.get(stage,
                                                                                     stage)


def _sets(entry: dict[str, Any]) -> str:
    """A logged exercise's sets: ``12, 12, 10 reps × 20 kg`` (loads apart when they differ)."""
    unit = SET_UNITS.get(entry.get("unit") or "reps", entry.get("unit") or "")
    reps, loads = entry.get("reps") or [], entry.get("loads_kg") or []
    loads = [*loads, *[None] * len(reps)][:len(reps)]
    if len(set(loads)) <= 1:
        load = f" × {_number(loads[0])} kg" if loads and loads[0] else ""
        return f"{', '.join(_number(r) for r in reps)} {unit}{load}"
    return ", ".join(f"{_number(r)}{f' × {_number(kg)} kg' if kg else ''}"
                     for r, kg in zip(reps, loads, strict=True)) + f" ({unit})"


def _when(timestamp: float | None) -> str:
    """A moment as an ISO date and time (UTC); the page's script shows it in local time."""
    from datetime import datetime, timezone

    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def _duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


templates.env.filters.update(size=_size, number=_number, finding_value=_finding_value,
                             stage=_stage, sets=_sets, when=_when, duration=_duration)
templates.env.globals.update(FILE_NOTES=FILE_NOTES, UNIT_WORDS=UNIT_WORDS)


def limiter(settings: Settings) -> LoginLimiter:
    """The failed-sign-in limiter of an app."""
    return LoginLimiter(settings.login_attempts, settings.login_window_s)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the caller and their CSRF token."""
    who = getattr(request.state, "caller", None) or caller(request)
    return templates.TemplateResponse(request, name, {"who": who, **context},
                                      status_code=status)


def error_page(request: Request, status: int, message: str, headers=None) -> HTMLResponse:
    """An error as a page."""
    response = render(request, "error.html", status=status, status_code=status,
                      message=message)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _same_origin(request: Request) -> None:
    """Refuse a sign-in form posted from another site (login CSRF)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin and urlparse(origin).netloc != request.url.netloc:
        raise HTTPException(403, "this form must be sent from this site")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _cookie(response, settings: Settings, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, secure=settings.secure_cookies,
                        samesite="lax", max_age=12 * 3600, path="/")


# -- signing in -------------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form (or the first account's form, when there is none)."""
    if request.app.state.accounts.count_users() == 0:
        return RedirectResponse("/setup", status_code=303)
    return render(request, "login.html", next=_safe_next(next))


@router.post("/login")
def login(request: Request, email: str = Form(...), password: str = Form(...),
          next: str = Form("/")) -> HTMLResponse:
    """Check the password; limited failed attempts per address and per account."""
    _same_origin(request)
    limit: LoginLimiter = request.app.state.login_limiter
    keys = (f"ip:{request.client.host if request.client else '?'}",
            f"user:{email.strip().lower()}")
    wait = limit.attempt(*keys)  # counted as failed until the password proves right
    if wait > 0:
        return render(request, "login.html", status=429, next=_safe_next(next), email=email,
                      error=f"Too many failed sign-ins: try again in {wait / 60:.0f} min.")
    user = request.app.state.accounts.check_password(email, password)
    if user is None:
        return render(request, "login.html", status=401, next=_safe_next(next), email=email,
                      error="Wrong e-mail address or password.")
    limit.succeeded(keys[1], keys[0])
    session = request.app.state.accounts.start_session(user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _cookie(response, request.app.state.settings, session.token)
    return response


@router.get("/setup")
def setup_page(request: Request) -> HTMLResponse:
    """The first account (an admin), only while there is no account."""
    if request.app.state.accounts.count_users():
        return RedirectResponse("/login", status_code=303)
    return render(request, "setup.html")


@router.post("/setup")
def setup(request: Request, email: str = Form(...), name: str = Form(""),
          password: str = Form(...)) -> HTMLResponse:
    """Create the first account, an admin, and sign it in."""
    _same_origin(request)
    accounts = request.app.state.accounts
    if accounts.count_users():
        raise HTTPException(403, "the first account exists already: sign in")
    try:
        user = accounts.add_user(email, name, "admin", password)
    except StridelabError as exc:
        return render(request, "setup.html", status=422, error=str(exc))
    session = accounts.start_session(user)
    response = RedirectResponse("/", status_code=303)
    _cookie(response, request.app.state.settings, session.token)
    return response


@router.post("/logout")
async def logout(request: Request, who: Caller = Depends(require_user)) -> RedirectResponse:
    """Sign out (the session ends on the server too)."""
    if who.session_token:
        request.app.state.accounts.end_session(who.session_token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# -- athletes -----------------------------------------------------------------------------------

@router.get("/")
def home(request: Request, who: Caller = Depends(require_user)) -> RedirectResponse:
    """A runner's own page; everyone else's athlete list."""
    own = request.app.state.accounts.own_athlete(who.user)
    if who.user.role == "runner" and own is not None:
        return RedirectResponse(f"/athletes/{own.id}", status_code=303)
    return RedirectResponse("/athletes", status_code=303)


@router.get("/athletes")
def athletes_page(request: Request, who: Caller = Depends(require_user)) -> HTMLResponse:
    """The athletes the user looks after, with their latest analysis."""
    athletes = request.app.state.accounts.athletes(who.user)
    latest = request.app.state.analyses.latest_for([a.id for a in athletes])
    return render(request, "athletes.html", rows=[(a, latest.get(a.id)) for a in athletes])


@router.post("/athletes")
async def add_athlete(request: Request, name: str = Form(...), height_cm: str = Form(""),
                      who: Caller = Depends(require_user)) -> RedirectResponse:
    """Add an athlete (clinicians and admins)."""
    if who.user.role == "runner":
        raise HTTPException(403, "a runner's account is their own athlete")
    athlete = request.app.state.accounts.add_athlete(name, clinician_id=who.user.id,
                                                     height_m=_height_m(height_cm))
    return RedirectResponse(f"/athletes/{athlete.id}", status_code=303)


def _height_m(height_cm: str) -> float | None:
    """A height typed in centimetres, in metres (empty: none); 422 when not a height."""
    if not height_cm.strip():
        return None
    try:
        height = float(height_cm) / 100.0
    except ValueError:
        height = float("nan")
    if not 1.0 <= height <= 2.5:
        raise HTTPException(422, f"height {height_cm!r}: give centimetres, 100 to 250")
    return height


@router.get("/athletes/{athlete_id}")
def athlete_page(request: Request, athlete_id: int,
                 who: Caller = Depends(require_user)) -> HTMLResponse:
    """An athlete: analyses, trends, load and guards, program week, workouts, balance."""
    athlete = api.athlete_or_404(request, who, athlete_id)
    rows = request.app.state.analyses.for_athlete(athlete_id)
    workouts = api.workouts_json(request, athlete_id)
    balance = api.balance_json(request, athlete_id)[-5:]
    return render(request, "athlete.html", athlete=athlete, analyses=rows,
                  workouts=workouts[:10], workout_count=len(workouts), balance=balance,
                  program=_program_week(request, rows), names=_exercise_names())


def _exercise_names() -> dict[str, str]:
    from stridelab.program.library import load_library

    return {k: e.name for k, e in load_library().exercises.items()}


def _program_week(request: Request, rows) -> dict[str, Any] | None:
    """The current week of the program of the latest finished analysis (program.json).

    ``rows``: analyses of an athlete the caller may see. The file (~260 kB) is parsed once
    per content (:data:`PROGRAMS`, keyed by the analysis and the file's time and size).
    """
    for row in rows:
        if row.status != "done":
            continue
        program = read_json(PROGRAMS, ("program", row.id),
                            api.results_folder(request, row) / "program.json")
        if program is None:
            continue
        weeks = program.get("weeks") or []
        if not weeks:
            return None
        from datetime import datetime, timezone

        started = datetime.fromtimestamp(row.finished_at or row.created_at, timezone.utc).date()
        number = min(len(weeks), max(1, (date.today() - started).days // 7 + 1))
        return {"analysis": row, "number": number, "of": len(weeks),
                "week": weeks[number - 1]}
    return None


@router.get("/athletes/{athlete_id}/upload")
def upload_page(request: Request, athlete_id: int,
                who: Caller = Depends(require_user)) -> HTMLResponse:
    """Upload files, with the filming guidance beside the form."""
    from stridelab.report.filming import guidance_html

    athlete = api.athlete_or_404(request, who, athlete_id)
    settings = request.app.state.settings
    # the guidance is the command line's too: here the option is the form's field
    guidance = guidance_html().replace(
        "give <code>--capture-fps</code>", "give the frame rate it filmed at (in the form)")
    return render(request, "upload.html", athlete=athlete, guidance=guidance,
                  max_mb=settings.max_upload_mb)


@router.get("/athletes/{athlete_id}/workouts")
def workouts_page(request: Request, athlete_id: int,
                  who: Caller = Depends(require_user)) -> HTMLResponse:
    """Log a strength or balance exercise; the history below."""
    from stridelab.program.library import load_library

    athlete = api.athlete_or_404(request, who, athlete_id)
    library = load_library().exercises
    program = _program_week(request, request.app.state.analyses.for_athlete(athlete_id))
    planned: dict[str, dict[str, Any]] = {}  # this week's exercises, first prescription
    for session in (program or {}).get("week", {}).get("sessions", []):
        for block in session.get("blocks", []):
            for item in block.get("items", []):
                if item.get("exercise_id") in library:
                    planned.setdefault(item["exercise_id"], item)
    groups: dict[str, list] = {}
    for exercise in sorted(library.values(), key=lambda e: e.name):
        if exercise.id not in planned:
            groups.setdefault(exercise.category, []).append(exercise)
    order = ("strength", "balance", "plyometric", "core", "warm-up")

    def rank(category: str) -> tuple[int, str]:
        return (order.index(category) if category in order else len(order), category)

    grouped = sorted(groups.items(), key=lambda kv: rank(kv[0]))
    first = sorted(planned, key=lambda k: rank(library[k].category))  # warm-ups last
    return render(request, "workouts.html", athlete=athlete,
                  entries=api.workouts_json(request, athlete_id),
                  planned=[(library[k], planned[k]) for k in first],
                  program=program, groups=grouped,
                  names={k: e.name for k, e in library.items()}, today=date.today())


# -- analyses ----------------------------------------------------------------------------------

@router.get("/analyses/{analysis_id}")
def analysis_page(request: Request, analysis_id: int,
                  who: Caller = Depends(require_user)) -> HTMLResponse:
    """Progress while it runs; then the report, the annotated video, findings and files."""
    row, athlete = api.analysis_and_athlete_or_404(request, who, analysis_id)
    files = api.result_files(request, row)
    names = {f["name"] for f in files}
    return render(request, "analysis.html", row=row, athlete=athlete, files=files,
                  has_report="report.html" in names, has_video="annotated.mp4" in names,
                  uploads=request.app.state.analyses.uploads(analysis_id))


def _result_file(request: Request, who: Caller, analysis_id: int, name: str, what: str,
                 media_type: str, headers: dict[str, str] | None = None) -> FileResponse:
    """One file of an analysis's results, shown in the page (404 when it has none)."""
    row = api.analysis_or_404(request, who, analysis_id)
    path = api.results_folder(request, row) / name
    if not path.is_file():
        raise HTTPException(404, f"this analysis has no {what}")
    return FileResponse(path, media_type=media_type, headers=headers)


@router.get("/analyses/{analysis_id}/report")
def report(request: Request, analysis_id: int,
           who: Caller = Depends(require_user)) -> FileResponse:
    """The analysis's report.html, with a policy that allows no script."""
    return _result_file(request, who, analysis_id, "report.html", "report", "text/html",
                        {"Content-Security-Policy": REPORT_CSP})


@router.get("/analyses/{analysis_id}/video")
def video(request: Request, analysis_id: int,
          who: Caller = Depends(require_user)) -> FileResponse:
    """The annotated video (byte ranges, so it can be scrubbed)."""
    return _result_file(request, who, analysis_id, "annotated.mp4", "annotated video",
                        "video/mp4")


# -- account ----------------------------------------------------------------------------------

@router.get("/account")
def account_page(request: Request, who: Caller = Depends(require_user)) -> HTMLResponse:
    """API tokens for scripts, and (admins) the accounts."""
    accounts = request.app.state.accounts
    users = accounts.users() if who.user.role == "admin" else []
    return render(request, "account.html", tokens=accounts.tokens(who.user), users=users)


@router.post("/account/users")
async def add_user(request: Request, email: str = Form(...), name: str = Form(""),
                   role: str = Form(...), password: str = Form(...), height_cm: str = Form(""),
                   who: Caller = Depends(require_user)) -> HTMLResponse:
    """Create an account (admins); a runner's height goes on their own athlete record."""
    if who.user.role != "admin":
        raise HTTPException(403, "only an admin creates accounts")
    accounts = request.app.state.accounts
    try:
        accounts.add_user(email, name, role, password, _height_m(height_cm))
    except StridelabError as exc:
        return render(request, "account.html", status=422, error=str(exc),
                      tokens=accounts.tokens(who.user), users=accounts.users())
    return RedirectResponse("/account", status_code=303)


__all__ = ["check_csrf", "error_page", "limiter", "router"]
