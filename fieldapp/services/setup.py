"""What the desktop's setup form does to the store once it is saved.

The operator gets an engineer record of their own (slips carry its code), and on the
first start the demo data if asked for. Run again after a settings change, it adds
nothing that is already there. `identity_warning` is the one line `pdf`, print and the
setup form say while the company the documents speak for is not set up (issue 17).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from fieldapp.base.errors import NotFound
from fieldapp.base.i18n import Language, pick
from fieldapp.base.settings import Values, identity_missing, option
from fieldapp.records import reference
from fieldapp.store import Store
from fieldapp.tools import demo

__all__ = ["DEMO_REQUESTS", "DemoAlreadyLoaded", "ensure_engineer", "fill_demo",
           "identity_warning", "prepare_store"]

DemoAlreadyLoaded = demo.DemoAlreadyLoaded

DEMO_REQUESTS = 200


def ensure_engineer(store: Store, code: str, name: str) -> None:
    """The operator's own engineer record, so slips can carry their code."""
    with store.write() as session:
        try:
            reference.engineer_by_code(session, code)
        except NotFound:
            reference.create_engineer(session, code=code, name=name or code)


def prepare_store(store: Store, code: str, name: str, *, demo_data: bool = False,
                  demo_requests: int = DEMO_REQUESTS, now: datetime | None = None) -> None:
    """After setup: the operator's record first (so the demo reuses it rather than clash
    with it), then the demo data, made around `now` (the clock), when asked for and not
    already there."""
    ensure_engineer(store, code, name)
    if demo_data:
        with contextlib.suppress(demo.DemoAlreadyLoaded):
            demo.fill_demo(store, requests=demo_requests, now=now)


def fill_demo(store: Store, *, requests: int, seed: int = 7,
              progress: Callable[[int, int], None] | None = None) -> None:
    """The demo data (`fieldapp demo`); DemoAlreadyLoaded, nothing changed, when it is
    there already."""
    demo.fill_demo(store, requests=requests, seed=seed, progress=progress)


def identity_warning(settings: Values, language: Language | None = None) -> str:
    """One line naming the company settings not made yet (empty: all set): until then the
    copies say the company is not configured, and the QR code opens no web page.
    `settings`: the saved Settings, or the setup form's values as typed."""
    missing = identity_missing(settings)
    if not missing:
        return ""
    zh = "、".join(option(key).title_zh for key in missing)
    en = ", ".join(option(key).title_en.lower() for key in missing)
    return pick(f"注意：单据上的公司信息未设置（{zh}），单据将注明“未设置”；请在“设置”中填写。",
                f"Note: the company on the documents is not set up ({en}); copies will say "
                "so. Fill it in under Settings.", language)
