"""The JSON API (``/api``), documented by OpenAPI at ``/docs``; the pages use it too.

Every object is reached through the athlete it belongs to, and
:meth:`~stridelab.store.accounts.Accounts.athlete_for` decides who may see an athlete. An
object the caller may not see is answered 404, exactly as one that does not exist.
"""

from __future__ import annotations

import json
import math
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from stridelab.errors import StridelabError
from stridelab.store import schema
from stridelab.store.accounts import ROLES, Accounts, Athlete, NotFoundError
from stridelab.store.analyses import Analyses, AnalysisRow
from stridelab.store.balance import BalanceLog
from stridelab.store.db import ActivityStore
from stridelab.store.workouts import WorkoutLog
from stridelab.web.cache import LRUCache
from stridelab.web.progress import ProgressFeed
from stridelab.web.security import Caller, require_user
from stridelab.web.uploads import CHUNK, UploadError, UploadWriter

router = APIRouter(prefix="/api", tags=["api"])
Who = Annotated[Caller, Depends(require_user)]
#: Measures followed over time on an athlete's page: summary metric -> label.
TRENDS = {"cadence_spm": "Cadence (steps/min)", "contact_time_ms": "Contact time (ms)",
          "knee_flexion_ic_deg": "Knee bend at landing (°)",
          "trunk_lean_deg": "Trunk lean (°)", "pelvic_drop_deg": "Pelvic drop (°)",
          "overstride_cm": "Overstride (cm)"}
#: Largest id a row can have (``Integer`` ids: 32 bits on PostgreSQL). A larger or a
#: non-positive one names nothing, and would fail in the database (PostgreSQL: integer out
#: of range; SQLite past 64 bits: OverflowError), a 500 instead of a 404.
MAX_ID = 2**31 - 1
#: Weekly load tables and spikes, keyed by the athlete, the day and every run they come from.
LOAD_CACHE: LRUCache[dict[str, Any]] = LRUCache(512)
L = TypeVar("L", ActivityStore, WorkoutLog, BalanceLog)


# -- access -------------------------------------------------------------------------------------

def accounts(request: Request) -> Accounts:
    """The app's accounts."""
    return request.app.state.accounts


def analyses(request: Request) -> Analyses:
    """The app's analyses."""
    return request.app.state.analyses


def log_of(request: Request, kind: type[L], athlete_id: int) -> L:
    """An athlete's part of the training log (runs, workouts, balance), opened once per app.

    Opening one checks the database's schema (a query); the objects hold nothing but the
    engine and the athlete's id, so each app keeps one per athlete and kind. Callers check
    the caller's right to the athlete first.
    """
    logs: dict[tuple[type, int], Any] | None = getattr(request.app.state, "logs", None)
    if logs is None:
        logs = request.app.state.logs = {}
    log = logs.get((kind, athlete_id))
    if log is None:
        log = logs[(kind, athlete_id)] = kind(request.app.state.settings.db, athlete_id)
    return log


def _id_or_404(object_id: int, what: str) -> None:
    if not 1 <= object_id <= MAX_ID:
        raise HTTPException(404, f"no such {what}")


def athlete_or_404(request: Request, who: Caller, athlete_id: int) -> Athlete:
    """The athlete when the caller may see them; 404 otherwise."""
    _id_or_404(athlete_id, "athlete")
    try:
        return accounts(request).athlete_for(who.user, athlete_id)
    except NotFoundError:
        raise HTTPException(404, "no such athlete") from None


def analysis_or_404(request: Request, who: Caller, analysis_id: int) -> AnalysisRow:
    """The analysis when the caller may see its athlete; 404 otherwise."""
    return analysis_and_athlete_or_404(request, who, analysis_id)[0]


def analysis_and_athlete_or_404(request: Request, who: Caller,
                                analysis_id: int) -> tuple[AnalysisRow, Athlete]:
    """The analysis and its athlete when the caller may see the athlete; 404 otherwise."""
    _id_or_404(analysis_id, "analysis")
    try:
        row = analyses(request).get(analysis_id)
        athlete = accounts(request).athlete_for(who.user, row.athlete_id)
    except NotFoundError:
        raise HTTPException(404, "no such analysis") from None
    return row, athlete


def _owner_of(request: Request, table, object_id: int, who: Caller, what: str) -> int:
    """The athlete an object belongs to, when the caller may see them; 404 otherwise.

    The answer is the same whether the object is missing or another's (not "no such
    athlete", which would tell that it exists).
    """
    _id_or_404(object_id, what)
    with accounts(request).engine.connect() as conn:
        owner = conn.execute(select(table.c.athlete_id).where(table.c.id == object_id)).first()
    try:
        if owner is None or owner[0] is None:
            raise NotFoundError(f"no {what} {object_id}")
        accounts(request).athlete_for(who.user, owner[0])
    except NotFoundError:
        raise HTTPException(404, f"no such {what}") from None
    return owner[0]


def results_folder(request: Request, row: AnalysisRow) -> Path:
    """Where an analysis's result files are."""
    return request.app.state.settings.results_dir / row.result_dir


def result_files(request: Request, row: AnalysisRow) -> list[dict[str, Any]]:
    """The result files of an analysis that may be downloaded (names and sizes)."""
    folder = results_folder(request, row)
    if not folder.is_dir():
        return []
    return [{"name": p.name, "size_bytes": p.stat().st_size}
            for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")
            and p.name != "error.log"]


# -- models --------------------------------------------------------------------------------------

class AthleteIn(BaseModel):
    """A new athlete."""

    name: str = Field(min_length=1, max_length=200)
    height_m: float | None = Field(default=None, ge=1.0, le=2.5)


class UserIn(BaseModel):
    """A new account (admins only)."""

    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    role: str
    password: str = Field(min_length=8, max_length=1000)
    height_m: float | None = Field(default=None, ge=1.0, le=2.5)


class SetIn(BaseModel):
    """One set of an exercise."""

    reps: int = Field(ge=0, le=1000)
    load_kg: float | None = Field(default=None, ge=0, le=1000)


class WorkoutIn(BaseModel):
    """One exercise done on one day."""

    day: date
    exercise_id: str = Field(min_length=1, max_length=100)
    sets: list[SetIn] = Field(min_length=1, max_length=20)
    target_reps: int | None = Field(default=None, ge=1, le=1000)
    rpe: float | None = Field(default=None, ge=0, le=10)
    note: str | None = Field(default=None, max_length=1000)


class TokenIn(BaseModel):
    """A new API token."""

    name: str = Field(default="script", max_length=200)


def _athlete_json(a: Athlete) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "height_m": a.height_m,
            "has_account": a.user_id is not None}


def analysis_json(request: Request, row: AnalysisRow, full: bool = False) -> dict[str, Any]:
    """An analysis as the API shows it."""
    out = {"id": row.id, "athlete_id": row.athlete_id, "title": row.title, "kind": row.kind,
           "created_at": row.created_at, "finished_at": row.finished_at, **row.progress()}
    if full:
        out["files"] = result_files(request, row)
        out["uploads"] = [{"id": u.id, "name": u.original_name, "kind": u.kind,
                           "size_bytes": u.size_bytes}
                          for u in analyses(request).uploads(row.id)]
        out["findings"] = row.findings or []
        out["summary"] = row.summary
    return out


# -- who am I, accounts, tokens -------------------------------------------------------------

@router.get("/me")
def me(request: Request, who: Who) -> dict[str, Any]:
    """The signed-in user and their own athlete record (runners)."""
    own = accounts(request).own_athlete(who.user)
    return {"id": who.user.id, "email": who.user.email, "name": who.user.name,
            "role": who.user.role, "athlete_id": own.id if own else None}


@router.get("/users")
def list_users(request: Request, who: Who) -> list[dict[str, Any]]:
    """Every account (admins only)."""
    if who.user.role != "admin":
        raise HTTPException(403, "only an admin lists accounts")
    return [u.__dict__ for u in accounts(request).users()]


@router.post("/users", status_code=201)
def add_user(request: Request, who: Who, body: UserIn) -> dict[str, Any]:
    """Create an account (admins only); a runner gets their own athlete record."""
    if who.user.role != "admin":
        raise HTTPException(403, "only an admin creates accounts")
    if body.role not in ROLES:
        raise HTTPException(422, f"role must be one of {', '.join(ROLES)}")
    try:
        user = accounts(request).add_user(body.email, body.name, body.role, body.password,
                                          body.height_m)
    except StridelabError as exc:
        raise HTTPException(409, str(exc)) from None
    return user.__dict__


@router.get("/tokens")
def list_tokens(request: Request, who: Who) -> list[dict[str, Any]]:
    """The caller's API tokens (never the tokens themselves)."""
    return accounts(request).tokens(who.user)


@router.post("/tokens", status_code=201)
def add_token(request: Request, who: Who, body: TokenIn) -> dict[str, Any]:
    """A new token for scripts (``Authorization: Bearer ...``), shown this once."""
    token_id, token = accounts(request).add_token(who.user, body.name)
    return {"id": token_id, "name": body.name, "token": token}


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(request: Request, who: Who, token_id: int) -> None:
    """Revoke one of the caller's tokens."""
    _id_or_404(token_id, "token")
    try:
        accounts(request).revoke_token(who.user, token_id)
    except NotFoundError:
        raise HTTPException(404, "no such token") from None


# -- athletes ----------------------------------------------------------------------------------

@router.get("/athletes")
def list_athletes(request: Request, who: Who) -> list[dict[str, Any]]:
    """The athletes the caller may see."""
    return [_athlete_json(a) for a in accounts(request).athletes(who.user)]


@router.post("/athletes", status_code=201)
def add_athlete(request: Request, who: Who, body: AthleteIn) -> dict[str, Any]:
    """Add an athlete to the caller's list (clinicians and admins)."""
    if who.user.role == "runner":
        raise HTTPException(403, "a runner's account is their own athlete")
    athlete = accounts(request).add_athlete(body.name, clinician_id=who.user.id,
                                            height_m=body.height_m)
    return _athlete_json(athlete)


class AthletePatch(BaseModel):
    """Changes to an athlete: a name, a height (``null`` clears it)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    height_m: float | None = Field(default=None, ge=1.0, le=2.5)


@router.patch("/athletes/{athlete_id}")
def update_athlete(request: Request, who: Who, athlete_id: int,
                   body: AthletePatch) -> dict[str, Any]:
    """Correct an athlete's name or height (the height scales video measures)."""
    athlete_or_404(request, who, athlete_id)
    changes = body.model_dump(exclude_unset=True)
    updated = accounts(request).update_athlete(athlete_id, **changes)
    return _athlete_json(updated)


@router.get("/athletes/{athlete_id}")
def get_athlete(request: Request, who: Who, athlete_id: int) -> dict[str, Any]:
    """One athlete."""
    return _athlete_json(athlete_or_404(request, who, athlete_id))


# -- analyses -----------------------------------------------------------------------------------

@router.get("/athletes/{athlete_id}/analyses")
def list_analyses(request: Request, who: Who, athlete_id: int) -> list[dict[str, Any]]:
    """An athlete's analyses, newest first."""
    athlete_or_404(request, who, athlete_id)
    return [analysis_json(request, r) for r in analyses(request).for_athlete(athlete_id)]


@router.post("/athletes/{athlete_id}/analyses", status_code=201)
async def upload(request: Request, who: Who, athlete_id: int,
                 files: Annotated[list[UploadFile], File(description="Clips, lab trials or "
                                                         "watch files")],
                 session: Annotated[bool, Form(description="The clips are one run filmed "
                                                           "from several sides")] = False,
                 height_m: Annotated[float | None, Form(ge=1.0, le=2.5)] = None,
                 capture_fps: Annotated[float | None, Form(gt=0, le=2000)] = None,
                 view: Annotated[Literal["side", "rear"] | None,
                                 Form(description="Camera view; empty: detected")] = None,
                 ) -> list[dict[str, Any]]:
    """Upload files and queue their analyses: one per file, or one for a session of clips.

    Each file's type is told from its content; the name sent is only shown. The request
    is limited in size (``--max-upload-mb``).
    """
    athlete = athlete_or_404(request, who, athlete_id)
    settings = request.app.state.settings
    budget = int(settings.max_upload_mb * 1e6)
    stored = []
    writer = None
    try:
        for part in files:
            writer = UploadWriter(part.filename, settings.partial_dir, settings.uploads_dir,
                                  budget)
            while chunk := await part.read(CHUNK):
                writer.write(chunk)
            stored.append(writer.finish())
            budget -= stored[-1].size_bytes
        kinds = {s.analysis_kind for s in stored}
        if session and (len(kinds) != 1 or kinds - {"video", "sensors"} or len(stored) < 2):
            raise HTTPException(422, "a session is two or three clips of one run (videos "
                                     "only), or the sensor files of one run (CSV only)")
    except BaseException as exc:  # refused or cut off: keep none of the request's files
        if writer is not None:
            writer.abort()
        for s in stored:
            (settings.uploads_dir / s.stored_name).unlink(missing_ok=True)
        if isinstance(exc, UploadError):
            raise HTTPException(exc.status, str(exc)) from None
        raise
    groups = [stored] if session else [[s] for s in stored]
    options = {"height_m": height_m or athlete.height_m, "capture_fps": capture_fps,
               "view": view}
    made = []
    for group in groups:
        title = " + ".join(s.original_name for s in group)
        analysis_id = analyses(request).create(
            athlete.id, who.user.id, title, group[0].analysis_kind, options,
            secrets.token_hex(16), [s.row() for s in group])
        made.append(analysis_json(request, analyses(request).get(analysis_id)))
    request.app.state.jobs.notify()
    return made


@router.get("/analyses/{analysis_id}")
def get_analysis(request: Request, who: Who, analysis_id: int) -> dict[str, Any]:
    """One analysis: its state, findings, summary and files."""
    return analysis_json(request, analysis_or_404(request, who, analysis_id), full=True)


@router.post("/analyses/{analysis_id}/cancel")
def cancel_analysis(request: Request, who: Who, analysis_id: int) -> dict[str, Any]:
    """Stop a queued or running analysis."""
    row = analysis_or_404(request, who, analysis_id)
    if row.final:
        raise HTTPException(409, f"the analysis has already ended ({row.status})")
    request.app.state.jobs.cancel(analysis_id)
    return analysis_json(request, analyses(request).get(analysis_id))


@router.get("/analyses/{analysis_id}/events")
async def analysis_events(request: Request, who: Who, analysis_id: int) -> StreamingResponse:
    """Server-Sent Events: the analysis's progress (each change within half a second).

    One reader per analysis serves every page that follows it (:mod:`stridelab.web.progress`).
    """
    analysis_or_404(request, who, analysis_id)
    feed = getattr(request.app.state, "progress", None)
    if feed is None:
        feed = request.app.state.progress = ProgressFeed(analyses(request))

    async def stream():
        async for state in feed.follow(analysis_id, request.is_disconnected):
            yield f"data: {json.dumps(state)}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/analyses/{analysis_id}/files/{name}")
def result_file(request: Request, who: Who, analysis_id: int, name: str) -> FileResponse:
    """One result file (only names the analysis wrote; no paths)."""
    row = analysis_or_404(request, who, analysis_id)
    if name not in {f["name"] for f in result_files(request, row)}:
        raise HTTPException(404, "no such file")
    return FileResponse(results_folder(request, row) / name, filename=name,
                        content_disposition_type="attachment")


@router.get("/analyses/{analysis_id}/uploads/{upload_id}")
def uploaded_file(request: Request, who: Who, analysis_id: int, upload_id: int) -> FileResponse:
    """An uploaded file as it was received, under the name it was sent with."""
    analysis_or_404(request, who, analysis_id)
    _id_or_404(upload_id, "file")
    try:
        row = analyses(request).upload(upload_id)
    except NotFoundError:
        raise HTTPException(404, "no such file") from None
    if row.analysis_id != analysis_id:
        raise HTTPException(404, "no such file")
    # the type is not guessed from the name the uploader chose ("x.html")
    return FileResponse(request.app.state.settings.uploads_dir / row.stored_name,
                        filename=row.original_name, media_type="application/octet-stream",
                        content_disposition_type="attachment")


# -- trends, load, workouts, balance ------------------------------------------------------------

@router.get("/athletes/{athlete_id}/trends")
def trends(request: Request, who: Who, athlete_id: int) -> dict[str, Any]:
    """Measures over time from the athlete's finished analyses and balance tests.

    Each point carries the measure's validated error (``error``, video) where known, so a
    chart can show what a change must exceed to be real.
    """
    athlete_or_404(request, who, athlete_id)
    series: dict[str, dict[str, Any]] = {}
    for row in reversed(analyses(request).for_athlete(athlete_id)):
        metrics = (row.summary or {}).get("metrics") or {}
        for key, label in TRENDS.items():
            value = (metrics.get(key) or {}).get("mean")
            if value is None or not math.isfinite(value):
                continue
            error = (metrics.get(key) or {}).get("error")
            series.setdefault(key, {"label": label, "points": []})["points"].append(
                {"t": row.finished_at or row.created_at, "value": value,
                 "error": error if isinstance(error, int | float) else None,
                 "analysis_id": row.id, "kind": row.kind})
    for record in log_of(request, BalanceLog, athlete_id).sessions():
        for key, value in record.measures.items():
            if isinstance(value, int | float) and math.isfinite(value):
                name = f"balance:{record.condition}:{key}"
                series.setdefault(name, {"label": f"{key} ({record.condition})",
                                         "points": []})["points"].append(
                    {"day": record.day.isoformat(), "value": value, "balance_id": record.id})
    return series


@router.get("/athletes/{athlete_id}/load")
def load(request: Request, who: Who, athlete_id: int, weeks: int = 8) -> dict[str, Any]:
    """Weekly running load and the guards (10 % rule; spikes, Frandsen 2025)."""
    athlete_or_404(request, who, athlete_id)
    runs_list = log_of(request, ActivityStore, athlete_id).activities(include_non_running=False)
    if not runs_list:
        return {"weeks": [], "spikes": [], "activities": 0}
    n_weeks = max(2, min(weeks, 52))
    today = date.today()
    # the same runs on the same day give the same table: computed once (pandas, ~20 ms),
    # again whenever a run is added, changed or removed, or the day changes
    key = (request.app.state.settings.db, athlete_id, today, n_weeks,
           tuple((a.id, a.start_utc, a.utc_offset_s, a.sport, a.distance_m, a.moving_s,
                  a.timer_s, a.elapsed_s, a.rpe) for a in runs_list))
    return LOAD_CACHE.get_or_make(key, lambda: _load_json(runs_list, today, n_weeks))


def _load_json(runs_list: list, today: date, n_weeks: int) -> dict[str, Any]:
    """The weekly table and the spikes of the last 60 days (:func:`load`'s answer)."""
    from stridelab.load import metrics

    runs = metrics.runs_frame(runs_list)
    last = max(today, max(runs["day"]))
    table = metrics.weekly_totals(runs, last, n_weeks)
    out_weeks = [{"week": week.isoformat(), "runs": int(r.runs),
                  "distance_km": round(float(r.distance_km), 2),
                  "time_h": round(float(r.time_h), 2),
                  "distance_change_pct": None if math.isnan(r.distance_change_pct)
                  else round(float(r.distance_change_pct), 1),
                  "ten_pct_broken": bool(r.ten_pct_broken)}
                 for week, r in table.iterrows()]
    since = today - timedelta(days=60)
    spikes = [{"activity_id": s.activity_id, "start": s.start_utc.isoformat(),
               "distance_km": round(s.distance_km, 2), "spike_pct": s.spike_pct,
               "band": s.band, "hazard_ratio": s.hazard_ratio}
              for s in metrics.spikes(runs) if s.start_utc.date() >= since]
    return {"weeks": out_weeks, "spikes": spikes, "activities": len(runs_list),
            "source": "10 % rule (article; weak evidence) and single-run spikes "
                      "(Frandsen 2025, Br J Sports Med)"}


@router.get("/athletes/{athlete_id}/activities")
def activities(request: Request, who: Who, athlete_id: int) -> list[dict[str, Any]]:
    """The athlete's imported watch activities."""
    athlete_or_404(request, who, athlete_id)
    rows = log_of(request, ActivityStore, athlete_id).activities()
    return [{"id": a.id, "start": a.start_utc.isoformat(), "sport": a.sport,
             "distance_m": a.distance_m, "duration_s": a.duration_s, "device": a.device}
            for a in rows]


@router.get("/activities/{activity_id}")
def activity(request: Request, who: Who, activity_id: int) -> dict[str, Any]:
    """One imported activity's summary."""
    owner = _owner_of(request, schema.activity, activity_id, who, "activity")
    return log_of(request, ActivityStore, owner).summary(activity_id)


@router.get("/athletes/{athlete_id}/workouts")
def workouts(request: Request, who: Who, athlete_id: int) -> list[dict[str, Any]]:
    """Logged strength and balance exercises, newest first."""
    athlete_or_404(request, who, athlete_id)
    return workouts_json(request, athlete_id)


def workouts_json(request: Request, athlete_id: int) -> list[dict[str, Any]]:
    """An athlete's logged exercises, newest first (the caller's right checked before)."""
    entries = log_of(request, WorkoutLog, athlete_id).entries()
    return [_entry_json(e) for e in reversed(entries)]


def _entry_json(e) -> dict[str, Any]:
    return {"id": e.id, "day": e.day.isoformat(), "exercise_id": e.exercise_id,
            "target_reps": e.target_reps, "unit": e.unit, "reps": list(e.reps),
            "loads_kg": list(e.loads_kg), "rpe": e.rpe, "note": e.note}


@router.post("/athletes/{athlete_id}/workouts", status_code=201)
def log_workout(request: Request, who: Who, athlete_id: int,
                body: WorkoutIn) -> dict[str, Any]:
    """Log one exercise (all its sets)."""
    from stridelab.program.library import load_library

    athlete_or_404(request, who, athlete_id)
    exercise = load_library().exercises.get(body.exercise_id)
    if exercise is None:
        raise HTTPException(422, f"unknown exercise {body.exercise_id!r}")
    target = body.target_reps or max(s.reps for s in body.sets)
    entry = log_of(request, WorkoutLog, athlete_id).add(
        body.day, exercise.id, target, exercise.unit, [s.reps for s in body.sets],
        [s.load_kg for s in body.sets], body.rpe, body.note)
    return _entry_json(entry)


@router.get("/workouts/{entry_id}")
def workout(request: Request, who: Who, entry_id: int) -> dict[str, Any]:
    """One logged exercise."""
    owner = _owner_of(request, schema.workout_entry, entry_id, who, "workout")
    return _entry_json(log_of(request, WorkoutLog, owner).get(entry_id))


@router.delete("/workouts/{entry_id}", status_code=204)
def delete_workout(request: Request, who: Who, entry_id: int) -> None:
    """Remove a logged exercise (logged by mistake)."""
    owner = _owner_of(request, schema.workout_entry, entry_id, who, "workout")
    log_of(request, WorkoutLog, owner).delete(entry_id)


@router.get("/athletes/{athlete_id}/balance")
def balance(request: Request, who: Who, athlete_id: int) -> list[dict[str, Any]]:
    """The athlete's stored balance tests."""
    athlete_or_404(request, who, athlete_id)
    return balance_json(request, athlete_id)


def balance_json(request: Request, athlete_id: int) -> list[dict[str, Any]]:
    """An athlete's balance tests (the caller's right checked before)."""
    return [_balance_json(r) for r in log_of(request, BalanceLog, athlete_id).sessions()]


def _balance_json(r) -> dict[str, Any]:
    return {"id": r.id, "day": r.day.isoformat(), "kind": r.kind, "condition": r.condition,
            "measures": r.measures, "findings": r.findings, "note": r.note}


@router.get("/balance/{record_id}")
def balance_session(request: Request, who: Who, record_id: int) -> dict[str, Any]:
    """One balance test."""
    owner = _owner_of(request, schema.balance_session, record_id, who, "balance test")
    return _balance_json(log_of(request, BalanceLog, owner).get(record_id))
