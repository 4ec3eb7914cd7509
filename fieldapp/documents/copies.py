"""The copy of a stored slip as PDF (客户联 or 存根联).

Saving, printing and counting what went out (`slip_prints`) are services
(`fieldapp.services.documents`), which the desktop and the command line both call. The
copy is in the customer's language (`fieldapp.documents.language`) unless `language`
says otherwise.
"""

from __future__ import annotations

import dataclasses
import uuid

from fieldapp.base.i18n import Language
from fieldapp.base.settings import Settings
from fieldapp.documents.language import customer_language
from fieldapp.documents.picture_page import picture_views
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.views import company_info, slip_document
from fieldapp.records.slips import get_slip
from fieldapp.seal.seal_status import refuse_if_tampered
from fieldapp.store import Store
from fieldapp.store.blobs import blobs_beside


def render_copy(store: Store, number: uuid.UUID | str, settings: Settings, *, layout: str = "a4",
                copy: str = "customer", language: Language | None = None) -> bytes:
    with store.read() as session:
        slip = get_slip(session, number)
        refuse_if_tampered(slip)  # a tampered slip never goes out as a genuine copy
        document = slip_document(slip, timezone=str(settings.get("timezone")))
        if settings.get("copy_pictures"):  # the optional pictures page (issue 21)
            document = dataclasses.replace(document, pictures=picture_views(
                session, slip.id, blobs_beside(store.path)))
        language = language or customer_language(slip.request.customer)
    return render_slip_pdf(document, company_info(settings), layout=layout,
                           copy=copy, language=language,
                           font=str(settings.get("pdf_font")) or None)
