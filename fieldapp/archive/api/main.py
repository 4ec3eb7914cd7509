from __future__ import annotations

from fastapi import APIRouter

from fieldapp.archive.api.routes import auth, health, reports, slips, sync

api_router = APIRouter()
for module in (health, auth, sync, slips, reports):
    api_router.include_router(module.router)
