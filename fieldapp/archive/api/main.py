from __future__ import annotations

from fastapi import APIRouter

from fieldapp.archive.api.routes import auth, health, slips, sync

api_router = APIRouter()
for module in (health, auth, sync, slips):
    api_router.include_router(module.router)
