"""Which language a document handed to a customer is in: the customer's own.

`Customer.document_language` (zh unless the service centre set en for that customer)
decides the customer copy (客户联), the send-in and return copies, the loaner record and
the complaint feedback report — never the language of the engineer's screen or of the
command that printed it (`fieldapp --lang en pdf …` still gives a Chinese customer a
Chinese copy). A caller that needs another language passes it explicitly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fieldapp.base.i18n import FALLBACK, Language, is_language


def customer_language(customer: Any) -> Language:
    """The customer's document language; zh for anything unset or unknown."""
    language = getattr(customer, "document_language", None)
    return language if is_language(language) else FALLBACK


def repair_language(session: Session, repair_key: Any) -> Language:
    """Of a repair order (object, id or P-number): its request's customer's language."""
    from fieldapp.workflows.repair import get_repair

    order = repair_key if hasattr(repair_key, "request") else get_repair(session, repair_key)
    return customer_language(order.request.customer)
