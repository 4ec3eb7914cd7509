"""A customer's pictures, full size and as thumbnails, only through their own records
(fieldapp.archive.portal.photos): the portal's session decides, never the address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from fieldapp.archive.files.store import read_all
from fieldapp.archive.files.uploads import uploads_of
from fieldapp.archive.portal.photos import customer_attachment, thumbnail
from fieldapp.archive.portal.web import CurrentViewer, PortalNotFound, ReadSession, parse_id

router = APIRouter()
# the portal's headers add Cache-Control: no-store (app.py): no cache keeps a customer's
# picture for anyone else
CACHE = {"Content-Disposition": "inline"}


@router.get("/photos/{attachment_id}")
def photo(request: Request, attachment_id: str, viewer: CurrentViewer,
          session: ReadSession) -> Response:
    found = customer_attachment(session, viewer.customer_id, parse_id(attachment_id))
    store = uploads_of(request).store
    if found is None or not store.has(found.sha256):
        raise PortalNotFound
    return StreamingResponse(store.chunks(found.sha256), media_type=found.media_type,
                             headers=CACHE)


@router.get("/photos/{attachment_id}/thumb.jpg")
def photo_thumbnail(request: Request, attachment_id: str, viewer: CurrentViewer,
                    session: ReadSession) -> Response:
    found = customer_attachment(session, viewer.customer_id, parse_id(attachment_id))
    store = uploads_of(request).store
    if found is None or not found.is_image or not store.has(found.sha256):
        raise PortalNotFound
    try:
        small = thumbnail(read_all(store, found.sha256))
    except (OSError, ValueError) as exc:  # not a picture after all (damaged): no thumbnail
        raise PortalNotFound from exc
    return Response(small, media_type="image/jpeg", headers=CACHE)
