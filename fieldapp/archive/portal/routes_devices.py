"""The customer's own devices and each one's story (R2.1, R2.5): every request, slip,
repair, loaner and finding for it, newest first — the same read as the desktop's device
page and `fieldapp devices show` (`fieldapp.reads.device_history`). Another customer's
device answers as one that does not exist (404), never whose it is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fieldapp.archive.portal import queries
from fieldapp.archive.portal.i18n import language_of
from fieldapp.archive.portal.web import (
    CurrentViewer,
    PortalNotFound,
    ReadSession,
    parse_id,
    render,
)
from fieldapp.base.device_classes import device_class_label
from fieldapp.reads.device_history import customer_devices, device_history
from fieldapp.store.models import Device

router = APIRouter()
Search = Annotated[str, Query(max_length=100)]


@router.get("/devices")
def devices_list(request: Request, viewer: CurrentViewer, session: ReadSession,
                 q: Search = "") -> Response:
    return render(request, "devices.html", {
        "devices": customer_devices(session, viewer.customer_id, q), "q": q.strip(),
    }, viewer=viewer)


@router.get("/devices/{device_id}")
def device_page(request: Request, device_id: str, viewer: CurrentViewer,
                session: ReadSession) -> Response:
    device = session.get(Device, parse_id(device_id))
    if device is None or device.customer_id != viewer.customer_id:
        raise PortalNotFound
    story = queries.without_draft_figures(session, device_history(session, device.id))
    return render(request, "device.html", {
        "story": story, "device": story.device,
        "device_class": device_class_label(story.device.device_class, language_of(request)),
    }, viewer=viewer)
