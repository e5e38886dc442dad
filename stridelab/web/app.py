"""The web app: :func:`create_app` builds it, ``stridelab serve`` runs it with uvicorn.

Pages (:mod:`stridelab.web.pages`) and the JSON API (:mod:`stridelab.web.api`) share one
database with the command line (:mod:`stridelab.store`) and run analyses through the public
API (:func:`stridelab.analyze`) in worker processes (:mod:`stridelab.web.jobs`).
"""

from __future__ import annotations

import logging
import shutil
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from stridelab import __version__
from stridelab.errors import StridelabError
from stridelab.store.accounts import Accounts
from stridelab.store.analyses import Analyses
from stridelab.web import api, pages
from stridelab.web.jobs import Executor, JobRunner
from stridelab.web.security import CSP, HEADERS
from stridelab.web.settings import Settings

log = logging.getLogger("stridelab.web")
STATIC = Path(__file__).with_name("static")


def create_app(settings: Settings | None = None, executor: Executor | None = None,
               run_jobs: bool = True) -> FastAPI:
    """The FastAPI application.

    Parameters
    ----------
    settings
        Database, data folder and limits (default: :class:`Settings`).
    executor
        Where analyses run (default: a process per analysis).
    run_jobs
        Start the job dispatcher (off: analyses stay queued, for tests of pages alone).
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.make_dirs()
        shutil.rmtree(settings.partial_dir, ignore_errors=True)  # uploads cut off by a stop
        settings.partial_dir.mkdir(mode=0o700, exist_ok=True)
        app.state.accounts = Accounts(settings.db)
        app.state.analyses = Analyses(settings.db)
        app.state.jobs = JobRunner(settings, executor)
        if run_jobs:
            app.state.jobs.begin()
        try:
            yield
        finally:
            app.state.jobs.end()

    app = FastAPI(title="stridelab", version=__version__, lifespan=lifespan,
                  description="Running gait analysis, evidence-graded findings and strength & "
                              "balance programs. Sign in on the site (cookie) or send "
                              "`Authorization: Bearer <token>` (tokens: `/api/tokens`).")
    app.state.settings = settings
    app.state.login_limiter = pages.limiter(settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if settings.secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.url.path.startswith("/api/") or "text/html" in response.headers.get(
                "content-type", ""):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StridelabError)
    async def stridelab_error(request: Request, exc: StridelabError):
        return _error(request, 400, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 401 and not request.url.path.startswith("/api/"):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
                             for e in exc.errors())
        return _error(request, 422, problems or "invalid request")

    return app


def _error(request: Request, status: int, message: str, headers=None):
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
            "accept", ""):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return pages.error_page(request, status, message, headers)
