"""The slip as plain data: the core's view type (`fieldapp.services.visit_view`).

Kept under its old name for the screens that import it; the visit services build it.
"""

from __future__ import annotations

from fieldapp.services.visit_view import FeeLineData, SignatureData, SlipData, device_text

__all__ = ["FeeLineData", "SignatureData", "SlipData", "device_text"]
