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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stridelab import __version__
from stridelab.errors import StridelabError
from stridelab.store.accounts import Accounts
from stridelab.store.analyses import Analyses
from stridelab.web import api, docs, pages
from stridelab.web.jobs import Executor, JobRunner
from stridelab.web.progress import ProgressFeed
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
        warm_up()
        app.state.accounts = Accounts(settings.db)
        app.state.analyses = Analyses(settings.db)
        app.state.progress = ProgressFeed(app.state.analyses)
        app.state.logs = {}
        app.state.jobs = JobRunner(settings, executor)
        if run_jobs:
            app.state.jobs.begin()
        try:
            yield
        finally:
            app.state.jobs.end()

    app = FastAPI(title="stridelab", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="Running gait analysis, evidence-graded findings and strength & "
                              "balance programs. Sign in on the site (cookie) or send "
                              "`Authorization: Bearer <token>` (tokens: `/api/tokens`).")
    app.state.settings = settings
    app.state.login_limiter = pages.limiter(settings)
    # the templates are the package's own, never edited while it runs: no file check per page
    pages.templates.env.auto_reload = False
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # a body past the upload limit is cut off while it arrives (413), not after it is all
    # received; 1 MB more for the form's own parts
    app.include_router(api.router, max_body_size=int(settings.max_upload_mb * 1e6) + 1_000_000)
    app.include_router(pages.router, max_body_size=1_000_000)
    docs.mount(app)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)

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


class SecurityHeaders:
    """Security headers on every response, and ``no-store`` on the API and the pages.

    A plain ASGI middleware: it only adds the headers a response lacks to its start, where
    Starlette's ``@app.middleware("http")`` would run each request through a task and a
    memory stream (and hold a Server-Sent Events stream in them).
    """

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        always = {**HEADERS, "Content-Security-Policy": CSP}
        if hsts:
            always["Strict-Transport-Security"] = "max-age=31536000"
        self.always = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                       for k, v in always.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api_path = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower(): value for name, value in headers}
                headers += [(k, v) for k, v in self.always if k not in present]
                if b"cache-control" not in present and (
                        api_path or b"text/html" in present.get(b"content-type", b"")):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def warm_up() -> None:
    """Load, before the first request, what pages would otherwise load on first use.

    The upload page's filming picture is drawn by Matplotlib (~1 s, then cached), the
    workouts page reads the exercise library, the load API imports pandas. Done at start,
    the first users do not wait for it, and no two requests import Matplotlib at once
    (which Python can fail: "partially initialized module").
    """
    try:
        import stridelab.load.metrics  # noqa: F401
        from stridelab.program.library import load_library
        from stridelab.report.filming import guidance_html

        guidance_html()
        load_library()
    except Exception:  # a page that needs it says what is wrong
        log.exception("warming up the pages")


def _error(request: Request, status: int, message: str, headers=None):
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
            "accept", ""):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return pages.error_page(request, status, message, headers)
