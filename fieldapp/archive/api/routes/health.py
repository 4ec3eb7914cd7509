from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from fieldapp import __version__
from fieldapp.archive.deps import DbDep
from fieldapp.archive.schemas import API_VERSION, HealthOut
from fieldapp.base.timeutil import utcnow

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(db: DbDep) -> HealthOut:
    """Up and able to reach its database (also the laptops' "online?" probe)."""
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return HealthOut(status="ok", version=__version__, api=API_VERSION, database=db.dialect,
                     server_time=utcnow())
