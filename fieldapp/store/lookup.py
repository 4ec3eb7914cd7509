"""Fetching one record by its human number or its UUID."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from fieldapp.base.errors import NotFound
from fieldapp.store.models import Record

R = TypeVar("R", bound=Record)


def by_number_or_id(session: Session, model: type[R], key: str | uuid.UUID, *,
                    what_zh: str, what_en: str, options: Sequence[ORMOption] = ()) -> R:
    column = model.id if isinstance(key, uuid.UUID) else model.number  # type: ignore[attr-defined]
    found = session.scalar(select(model).where(column == key).options(*options))
    if found is None:
        raise NotFound(f"找不到{what_zh} {key}。", f"No {what_en} {key}.")
    return found
