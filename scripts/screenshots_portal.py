"""Screenshots of the customers' portal (desktop width and a 390x844 phone) in Chromium.

    .venv/bin/python scripts/screenshots_portal.py [out-folder]

Default out-folder: a temporary folder (its path is printed). The two committed ones,
docs/screenshots/portal-zh.png and portal-phone-zh.png, are copied from there.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from fieldapp.store.models import Customer, ServiceRequest
from fieldapp.store.workflow_models import RepairOrder
from tests.portal.site import (
    CHROMIUM_ARGS,
    PASSWORD,
    attach_pictures,
    chromium_path,
    jpeg,
    portal_site,
)

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def shoot(page: Page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="portal-"))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, portal_site(Path(folder)) as site, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        slip = site.sealed_slip("TJPORT")
        attach_pictures(site, slip.id, [  # the slip's pictures (issue 21)
            (jpeg((180, 60, 50)), "before", "机柜前面板"), (jpeg((60, 120, 170)), "serial_plate",
                                                       "铭牌 SN 7CE1234XYZ"),
            (jpeg((90, 150, 80)), "part", "更换下的硬盘"), (jpeg((200, 170, 60)), "after", "")])
        with site.archive.db.read() as session:  # the site's repair awaiting the customer
            repair_id = session.scalar(select(RepairOrder.id).join(ServiceRequest).join(
                Customer).where(Customer.code == "TJPORT"))
        for kind, viewport in VIEWPORTS.items():
            for lang in ("zh", "en"):
                context = browser.new_context(viewport=viewport,  # type: ignore[arg-type]
                                              device_scale_factor=1,
                                              locale="zh-CN" if lang == "zh" else "en-US")
                page = context.new_page()
                page.goto(f"{site.url}/portal/lang/{lang}?next=/portal/login")
                shoot(page, out, f"login-{kind}-{lang}")
                page.fill("#name", "port")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                shoot(page, out, f"dashboard-{kind}-{lang}")
                page.goto(f"{site.url}/portal/slips/{slip.id}")
                shoot(page, out, f"slip-{kind}-{lang}")
                page.locator("#photos").scroll_into_view_if_needed()
                shoot(page, out, f"slip-photos-{kind}-{lang}")
                page.goto(f"{site.url}/portal/requests/{slip.request_id}")
                shoot(page, out, f"request-{kind}-{lang}")
                page.goto(f"{site.url}/portal/repairs/{repair_id}")
                shoot(page, out, f"repair-{kind}-{lang}")
                page.goto(f"{site.url}/portal/dossier")
                shoot(page, out, f"dossier-{kind}-{lang}")
                page.goto(f"{site.url}/portal/requests-new")
                page.fill("#fault", " ")  # blank: the core's messages, not the browser's
                page.click("form.form button[type=submit]")
                shoot(page, out, f"new-request-{kind}-{lang}")
                page.goto(f"{site.url}/portal/verify?slip={slip.number}&seal={slip.seal}")
                shoot(page, out, f"verify-{kind}-{lang}")
                copy = out / "copy.pdf"  # the portal's own copy, checked by upload
                copy.write_bytes(page.request.get(
                    f"{site.url}/portal/slips/{slip.id}/copy.pdf").body())
                page.set_input_files("#pdf", str(copy))
                page.click("#verify-copy button")
                shoot(page, out, f"verify-copy-{kind}-{lang}")
                context.close()
        browser.close()
    print(out)


if __name__ == "__main__":
    main()
