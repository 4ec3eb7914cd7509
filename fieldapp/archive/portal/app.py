"""Mounting the portal on the archive app: routes, static files, error pages, headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from fieldapp.archive.errors import http_error_response, validation_response
from fieldapp.archive.portal import (
    routes_auth,
    routes_devices,
    routes_estimates,
    routes_forms,
    routes_pages,
    routes_photos,
    routes_records,
    routes_verify,
)
from fieldapp.archive.portal.rate_limit import RateLimit
from fieldapp.archive.portal.web import (
    PREFIX,
    FormRefused,
    LoginRequired,
    PortalNotFound,
    not_found_page,
    redirect,
    render,
)

# No inline script or style anywhere, so the policy can forbid both.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Every router of the portal (tests/portal/test_isolation.py walks them all).
ROUTE_MODULES = (routes_auth, routes_pages, routes_devices, routes_estimates, routes_records,
                 routes_forms, routes_verify, routes_photos)


def mount_portal(app: FastAPI) -> None:
    app.state.verify_limit = RateLimit(app.state.settings.portal_verify_per_minute)
    for module in ROUTE_MODULES:
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="portal-static")

    @app.get("/", include_in_schema=False)
    async def _root() -> Response:  # the archive's address in a browser: the portal
        return RedirectResponse(f"{PREFIX}/")

    @app.exception_handler(LoginRequired)
    async def _login_first(_request: Request, _exc: LoginRequired) -> Response:
        return redirect(f"{PREFIX}/login")

    @app.exception_handler(PortalNotFound)
    async def _not_found(request: Request, _exc: PortalNotFound) -> Response:
        return not_found_page(request)

    @app.exception_handler(FormRefused)
    async def _refused(request: Request, _exc: FormRefused) -> Response:
        return render(request, "refused.html", status_code=403)

    # Outside the portal: the API's JSON error format (fieldapp.archive.errors).
    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith(PREFIX) and exc.status_code == 404:
            return not_found_page(request)
        return http_error_response(exc.status_code, dict(exc.headers or {}) or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith(PREFIX):
            return render(request, "bad_input.html", status_code=422)
        return validation_response(exc.errors())

    @app.middleware("http")
    async def _headers(request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if request.url.path.startswith(PREFIX):
            response.headers.update(HEADERS)
            if not request.url.path.startswith(f"{PREFIX}/static"):
                # Pages show one company's records: no shared or back-button caches.
                response.headers["Cache-Control"] = "no-store"
        return response
