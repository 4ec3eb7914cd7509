"""Record identities that are unique without the network.

Every record gets a time-ordered UUIDv7 made on the laptop, and the records people talk
about (requests, slips) also get a human number: kind letter, the operator's code, the
local date and a per-day sequence, e.g. ``S-E07-20261125-003``. The operator code is
unique per person, so two laptops never hand out the same number.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import uuid6

NUMBER_PATTERN = re.compile(
    r"^(?P<kind>[A-Z])-(?P<code>[A-Z0-9]{2,8})-(?P<day>\d{8})-(?P<seq>\d{3,})$"
)
OPERATOR_CODE_PATTERN = re.compile(r"^[A-Z0-9]{2,8}$")
# Numbers of requests and complaints customers send on the archive's portal read
# R-WEB-…; no person may take the code, or two writers would hand out the same numbers.
PORTAL_OPERATOR_CODE = "WEB"


def new_uuid() -> uuid.UUID:
    """A UUIDv7: random, but ordered by creation time (good for B-tree indexes)."""
    return uuid.UUID(str(uuid6.uuid7()))


def format_number(kind: str, operator_code: str, day: date, sequence: int) -> str:
    return f"{kind}-{operator_code}-{day:%Y%m%d}-{sequence:03d}"


def is_valid_operator_code(code: str) -> bool:
    return bool(OPERATOR_CODE_PATTERN.match(code)) and code != PORTAL_OPERATOR_CODE
