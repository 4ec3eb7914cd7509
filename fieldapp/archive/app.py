"""The FastAPI application factory."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from fieldapp import __version__
from fieldapp.archive.api.main import api_router
from fieldapp.archive.collector import freeze_start_up
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database, create_archive_engine, init_schema
from fieldapp.archive.errors import CatchBugs, install_error_handlers
from fieldapp.archive.limits import BodyLimits
from fieldapp.archive.portal.app import mount_portal

log = logging.getLogger("fieldapp.archive.http")
API_PREFIX = "/api/v1"


def create_app(settings: ArchiveSettings | None = None, *, db: Database | None = None,
               migrate: bool = True) -> FastAPI:
    settings = settings or ArchiveSettings()
    if db is None:
        engine = create_archive_engine(settings.db_url)
        if migrate:
            init_schema(engine)
        db = Database(engine)
    app = FastAPI(
        title="fieldapp archive",
        version=__version__,
        description="Central archive of fieldapp: laptops push and pull records "
                    "(docs/sync-protocol.md).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    install_error_handlers(app)
    app.include_router(api_router, prefix=API_PREFIX)
    app.add_middleware(CatchBugs)  # innermost: a bug is a 500 in the error format
    mount_portal(app)  # the customers' pages, /portal (docs/portal.md)
    app.add_middleware(BodyLimits)  # outside the rest: refuses before anything is read

    @app.middleware("http")
    async def log_requests(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:12]
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["x-request-id"] = request_id
        log.info("%s %s %d", request.method, request.url.path, response.status_code,
                 extra={"request_id": request_id, "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "client": request.client.host if request.client else ""})
        return response

    return app


def serving_app(settings: ArchiveSettings | None = None) -> FastAPI:
    """The app as `fieldapp-archive serve` runs it (in each worker process): built, then
    its start-up objects left out of the garbage collector's passes for good (not in
    `create_app`, which tests call hundreds of times in one process)."""
    app = create_app(settings, migrate=False)
    freeze_start_up()
    return app
