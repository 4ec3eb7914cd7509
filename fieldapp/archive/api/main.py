from __future__ import annotations

from fastapi import APIRouter

from fieldapp.archive.api.routes import (
    auth,
    dossier,
    files,
    health,
    reports,
    schedules,
    slips,
    sync,
    tasks,
)

api_router = APIRouter()
for module in (health, auth, sync, files, slips, reports, tasks, dossier, schedules):
    api_router.include_router(module.router)
