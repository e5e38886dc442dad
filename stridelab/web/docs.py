"""The API's interactive documentation at ``/docs``, served from this server alone.

FastAPI's own ``/docs`` loads Swagger UI from a CDN with an inline script: the first is not
reachable from a clinic's closed network, the second is refused by the pages' CSP. Here the
Swagger UI files come from the ``swagger-ui-bundle`` package and the start-up script from
``static/docs.js``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stridelab API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<script src="/docs-assets/swagger-ui-bundle.js" defer></script>
<script src="/static/docs.js" defer></script>
</head><body><div id="swagger-ui" data-openapi="/openapi.json"></div></body></html>"""


@router.get("/docs")
def docs() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return HTMLResponse(PAGE)


def mount(app: FastAPI) -> None:
    """Serve ``/docs`` and its files (call with ``FastAPI(docs_url=None)``)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")
    app.include_router(router)
